-- An update event without its before image stops the job at its line.
CREATE TABLE products (id BIGINT, name STRING, category STRING, price DOUBLE)
WITH ('connector' = 'filesystem', 'path' = 'Tests/sql/runtime/bad_debezium.json', 'format' = 'debezium-json');
SELECT category, COUNT(*) AS n FROM products GROUP BY category;
-- stderr: Tests/sql/runtime/bad_debezium.json:2:1: data error: debezium-json: "before" must be a row object; Flink needs the before image of an update
-- stderr: 'debezium-json.ignore-parse-errors'
