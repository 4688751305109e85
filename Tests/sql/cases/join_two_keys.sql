-- A join whose key has two columns, selecting every column of both sides.
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
CREATE TABLE prices (
  product STRING,
  customer STRING,
  discount DOUBLE
) WITH (
  'connector' = 'filesystem',
  'path' = 'Tests/sql/data/prices.csv',
  'format' = 'csv',
  'csv.ignore-first-line' = 'true'
);
SELECT o.id AS id, o.product AS product, p.discount AS discount, o.amount * (1 - p.discount) AS net
FROM orders o INNER JOIN prices p ON p.product = o.product AND o.customer = p.customer;
