-- String functions.
CREATE TABLE orders (
  id BIGINT,
  customer STRING,
  product STRING,
  amount DOUBLE,
  qty INT,
  ts TIMESTAMP(3),
  note STRING,
  WATERMARK FOR ts AS ts - INTERVAL '2' SECOND
) WITH (
  'connector' = 'filesystem',
  'path' = 'Tests/sql/data/orders.csv',
  'format' = 'csv',
  'csv.ignore-first-line' = 'true'
);

SELECT id,
       UPPER(product) AS up,
       LOWER('MiXeD') AS low,
       SUBSTRING(product, 2, 3) AS mid,
       SUBSTRING(product FROM 3) AS tail,
       CHAR_LENGTH(note) AS len,
       CONCAT(customer, '-', product) AS tag,
       product || '!' AS shout,
       REPLACE(product, 'a', 'A') AS repl,
       TRIM(note) AS trimmed,
       REGEXP_EXTRACT(note, '([a-z]+)=([0-9]+)', 2) AS num
FROM orders;
-- DuckDB's CONCAT skips NULLs and its REGEXP_EXTRACT gives '' without a match;
-- Flink gives NULL in both cases:
-- duckdb: SELECT id, UPPER(product) AS up, LOWER('MiXeD') AS low, SUBSTRING(product, 2, 3) AS mid,
-- duckdb:   SUBSTRING(product, 3) AS tail, LENGTH(note) AS len, customer || '-' || product AS tag,
-- duckdb:   product || '!' AS shout, REPLACE(product, 'a', 'A') AS repl, TRIM(note) AS trimmed,
-- duckdb:   NULLIF(REGEXP_EXTRACT(note, '([a-z]+)=([0-9]+)', 2), '') AS num
-- duckdb: FROM orders
