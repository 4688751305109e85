-- UNION ALL of two filtered inputs, aggregated in an outer query over a subquery in FROM.
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

SELECT kind, COUNT(*) AS n, SUM(q) AS units
FROM (
  SELECT 'cheap' AS kind, qty AS q FROM orders WHERE amount < 3
  UNION ALL
  SELECT 'dear' AS kind, qty AS q FROM orders WHERE amount >= 3
  UNION ALL
  SELECT 'unknown' AS kind, qty AS q FROM orders WHERE amount IS NULL
) AS t
GROUP BY kind;
