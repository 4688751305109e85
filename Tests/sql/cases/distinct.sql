-- SELECT DISTINCT and UNION (each distinct row once, NULL equal to NULL).
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
SELECT DISTINCT customer, 'distinct' AS kind FROM orders
UNION ALL
(SELECT product AS customer, 'union' AS kind FROM orders WHERE qty > 2
 UNION
 SELECT product AS customer, 'union' AS kind FROM orders WHERE amount < 3);
