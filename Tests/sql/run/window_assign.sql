-- Window table functions without aggregation: each row once per window it
-- falls in (expected rows worked out by hand from Tests/sql/data/orders.csv).
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
SELECT id, window_start, window_end, window_time
FROM TABLE(HOP(TABLE orders, DESCRIPTOR(ts), INTERVAL '5' SECOND, INTERVAL '10' SECOND))
WHERE id IN (3, 5);
SELECT id, window_start, window_end
FROM TABLE(CUMULATE(TABLE orders, DESCRIPTOR(ts), INTERVAL '10' SECOND, INTERVAL '30' SECOND))
WHERE id IN (1, 7);
-- id 3 at 10:00:07 is in [00, 10) and [05, 15); id 5 at 10:00:12 in [05, 15) and [10, 20).
-- expect: {id: 3, window_start: 2024-01-01T10:00:00Z, window_end: 2024-01-01T10:00:10Z, window_time: 2024-01-01T10:00:09.999Z}
-- expect: {id: 3, window_start: 2024-01-01T10:00:05Z, window_end: 2024-01-01T10:00:15Z, window_time: 2024-01-01T10:00:14.999Z}
-- expect: {id: 5, window_start: 2024-01-01T10:00:05Z, window_end: 2024-01-01T10:00:15Z, window_time: 2024-01-01T10:00:14.999Z}
-- expect: {id: 5, window_start: 2024-01-01T10:00:10Z, window_end: 2024-01-01T10:00:20Z, window_time: 2024-01-01T10:00:19.999Z}
-- id 1 at 10:00:00 is in [00, 10), [00, 20), [00, 30); id 7 at 10:00:21 only in [00, 30).
-- expect: {id: 1, window_start: 2024-01-01T10:00:00Z, window_end: 2024-01-01T10:00:10Z}
-- expect: {id: 1, window_start: 2024-01-01T10:00:00Z, window_end: 2024-01-01T10:00:20Z}
-- expect: {id: 1, window_start: 2024-01-01T10:00:00Z, window_end: 2024-01-01T10:00:30Z}
-- expect: {id: 7, window_start: 2024-01-01T10:00:00Z, window_end: 2024-01-01T10:00:30Z}
