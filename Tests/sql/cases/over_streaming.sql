-- OVER aggregations on a stream (streaming mode): rows out of order by up
-- to 2 seconds (the watermark allows 3), rows of equal time within a
-- sensor (a at 10:00:03 and 10:00:12). Each row is emitted once the
-- watermark passes its time; in RANGE frames rows of one time share the
-- result. The ROWS frame only counts, so ties in time cannot change it.
SET 'execution.runtime-mode' = 'streaming';
CREATE TABLE readings (
  sensor STRING,
  ts TIMESTAMP(3),
  v DOUBLE,
  WATERMARK FOR ts AS ts - INTERVAL '3' SECOND
) WITH (
  'connector' = 'filesystem',
  'path' = 'Tests/sql/data/readings.csv',
  'format' = 'csv',
  'csv.ignore-first-line' = 'true'
);
SELECT sensor, ts, v,
  SUM(v) OVER (PARTITION BY sensor ORDER BY ts RANGE BETWEEN INTERVAL '2' SECOND PRECEDING AND CURRENT ROW) AS s2,
  COUNT(*) OVER (PARTITION BY sensor ORDER BY ts ROWS BETWEEN 2 PRECEDING AND CURRENT ROW) AS c3,
  MAX(v) OVER (PARTITION BY sensor ORDER BY ts) AS mx,
  AVG(v) OVER (PARTITION BY sensor ORDER BY ts RANGE BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW) AS av
FROM readings;
