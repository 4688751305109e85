-- CUMULATE window aggregation: counts of orders in windows growing by 20 s
-- up to 60 s (seconds of the 14 orders: 0 3.5 7 9.25 12 14 | 21 22 25.999 31 33 | 40 41 58).
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
SELECT window_start, window_end, COUNT(*) AS n
FROM TABLE(CUMULATE(TABLE orders, DESCRIPTOR(ts), INTERVAL '20' SECOND, INTERVAL '60' SECOND))
GROUP BY window_start, window_end;
-- expect: {window_start: 2024-01-01T10:00:00Z, window_end: 2024-01-01T10:00:20Z, n: 6}
-- expect: {window_start: 2024-01-01T10:00:00Z, window_end: 2024-01-01T10:00:40Z, n: 11}
-- expect: {window_start: 2024-01-01T10:00:00Z, window_end: 2024-01-01T10:01:00Z, n: 14}
