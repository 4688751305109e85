-- ORDER BY and LIMIT on bounded input: the rows in this order (NULLs first
-- ascending).
-- ordered
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
SELECT customer, SUM(qty) AS units, COUNT(*) AS n
FROM orders
GROUP BY customer
ORDER BY units DESC, customer
LIMIT 4;
