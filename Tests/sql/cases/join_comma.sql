-- A comma join: the WHERE clause is the join condition (key and filter).
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
SELECT o.id AS id, c.city AS city, c.tier AS tier
FROM orders o, customers c
WHERE o.customer = c.name AND (c.tier >= 2 OR o.amount > 2);
