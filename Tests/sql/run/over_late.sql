-- OVER aggregates in streaming mode, worked out by hand.
SET 'execution.runtime-mode' = 'streaming';

-- Event time: the row at 10:00:01 arrives after the watermark passed it
-- (10:00:05 minus 1 s) and is dropped, as in Flink; the others are summed
-- in time order whatever their arrival order.
CREATE TABLE ev (k STRING, ts TIMESTAMP(3), x BIGINT, WATERMARK FOR ts AS ts - INTERVAL '1' SECOND)
WITH ('connector' = 'filesystem', 'path' = 'Tests/sql/data/late.csv', 'format' = 'csv', 'csv.ignore-first-line' = 'true');
SELECT k, x, SUM(x) OVER (PARTITION BY k ORDER BY ts ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW) AS total FROM ev;
-- expect: {k: "a", x: 2, total: 2}
-- expect: {k: "a", x: 1, total: 3}
-- expect: {k: "a", x: 10, total: 13}
-- expect: {k: "a", x: 100, total: 113}
-- expect: {k: "b", x: 5, total: 5}
