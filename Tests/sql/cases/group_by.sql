-- GROUP BY with COUNT/SUM/MIN/MAX/AVG, DISTINCT, FILTER and HAVING; NULL amounts are skipped.
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

SELECT customer,
       COUNT(*) AS n,
       COUNT(amount) AS priced,
       SUM(qty) AS units,
       MIN(amount) AS cheapest,
       MAX(product) AS last_product,
       AVG(amount) AS mean_amount,
       COUNT(DISTINCT product) AS products,
       SUM(qty) FILTER (WHERE product = 'apple') AS apples,
       COUNT(*) FILTER (WHERE amount > 2) AS pricey
FROM orders
GROUP BY customer
HAVING COUNT(*) >= 1 AND customer <> 'erin';
