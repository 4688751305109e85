-- Interval joins: bounds between the two sides' event times make the join an
-- interval join (Tests/sql: SQLTests checks the plan uses intervalJoin).
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
SELECT a.id AS first_id, b.id AS next_id, b.product AS next_product
FROM orders a JOIN orders b
  ON a.customer = b.customer
 AND b.ts BETWEEN a.ts + INTERVAL '1' SECOND AND a.ts + INTERVAL '20' SECOND
UNION ALL
SELECT a.id AS first_id, b.id AS next_id, 'strict' AS next_product
FROM orders a, orders b
WHERE a.product = b.product AND a.ts < b.ts AND b.ts <= a.ts + INTERVAL '10' SECOND;
