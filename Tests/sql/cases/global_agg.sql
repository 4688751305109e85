-- Aggregates without GROUP BY: one row for the whole (bounded) input.
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

SELECT COUNT(*) AS n, SUM(amount) AS revenue, MIN(ts) AS first_ts, MAX(ts) AS last_ts, COUNT(DISTINCT customer) AS customers
FROM orders;
