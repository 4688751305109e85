-- Inner equi-joins: a key of two columns, a residual ON condition, NULL keys
-- never match, and a join feeding a GROUP BY.
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
CREATE TABLE customers (
  name STRING,
  city STRING,
  tier INT
) WITH (
  'connector' = 'filesystem',
  'path' = 'Tests/sql/data/customers.csv',
  'format' = 'csv',
  'csv.ignore-first-line' = 'true'
);
SELECT c.city, COUNT(*) AS n, SUM(o.qty * c.tier) AS weighted, MAX(o.id) AS last_id
FROM orders AS o JOIN customers AS c ON o.customer = c.name AND o.qty > c.tier
WHERE c.city IS NOT NULL
GROUP BY c.city;
