-- Legacy group windows (GROUP BY TUMBLE(...), TUMBLE_START/TUMBLE_END): the same
-- rows as tumble.flow.
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
SELECT TUMBLE_START(ts, INTERVAL '10' SECOND) AS window_start,
       TUMBLE_END(ts, INTERVAL '10' SECOND) AS window_end,
       customer, COUNT(*) AS n, SUM(qty) AS units, MAX(qty) AS top
FROM orders
GROUP BY TUMBLE(ts, INTERVAL '10' SECOND), customer;
