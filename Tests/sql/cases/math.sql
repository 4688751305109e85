-- Math functions, integer division and NULL handling.
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
       ABS(qty) AS a,
       ROUND(amount * 1.37, 2) AS r,
       FLOOR(amount) AS f,
       CEIL(amount) AS c,
       MOD(id, 4) AS m,
       qty / 3 AS div3,
       id % 5 AS rem,
       COALESCE(customer, 'nobody') AS who,
       NULLIF(product, 'apple') AS not_apple,
       -qty AS neg
FROM orders
WHERE amount IS NOT NULL;
-- In DuckDB '/' on integers gives a DOUBLE; Flink truncates, as DuckDB's '//' does:
-- duckdb: SELECT id, ABS(qty) AS a, ROUND(amount * 1.37, 2) AS r, FLOOR(amount) AS f, CEIL(amount) AS c,
-- duckdb:   id % 4 AS m, qty // 3 AS div3, id % 5 AS rem, COALESCE(customer, 'nobody') AS who,
-- duckdb:   NULLIF(product, 'apple') AS not_apple, -qty AS neg
-- duckdb: FROM orders WHERE amount IS NOT NULL
