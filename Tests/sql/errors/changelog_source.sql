CREATE TABLE p (id BIGINT, name STRING) WITH ('connector' = 'filesystem', 'path' = 'Tests/sql/data/products_debezium.json', 'format' = 'debezium-json', 'debezium-json.schema-include' = 'maybe');
CREATE TABLE q (id BIGINT, name STRING, ts TIMESTAMP(3), WATERMARK FOR ts AS ts) WITH ('connector' = 'filesystem', 'path' = 'Tests/sql/data/products_debezium.json', 'format' = 'debezium-json');
CREATE TABLE r (id BIGINT, name STRING) WITH ('connector' = 'filesystem', 'path' = 'Tests/sql/data/products_debezium.json', 'format' = 'debezium-json', 'canal-json.ignore-parse-errors' = 'true');
INSERT INTO q SELECT id, name, ts FROM q;
SELECT window_start, COUNT(*) FROM TABLE(TUMBLE(TABLE q, DESCRIPTOR(ts), INTERVAL '1' MINUTE)) GROUP BY window_start, window_end;
SELECT * FROM q MATCH_RECOGNIZE (ORDER BY ts MEASURES A.id AS a PATTERN (A) DEFINE A AS name = 'x');
CREATE TABLE s (id BIGINT) WITH ('connector' = 'filesystem', 'path' = 'x.json', 'format' = 'avro');
-- error: 1:153: error[E0808]: option 'debezium-json.schema-include' must be 'true' or 'false'
-- error: 3:153: error[E0808]: option 'canal-json.ignore-parse-errors' needs 'format' = 'canal-json'
-- error: 4:13: error[E0808]: table 'q' cannot be written
-- error: 5:1: error[E0805]: a window aggregation over an updating result (a changelog) is not supported
-- error: 6:17: error[E0805]: MATCH_RECOGNIZE over an updating result (a changelog) is not supported
-- error: 7:81: error[E0808]: the filesystem connector needs 'format' = 'csv', 'json', 'debezium-json', 'canal-json', 'maxwell-json' or 'changelog-json'
-- output: = help: match the rows of an append-only table
