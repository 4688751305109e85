CREATE TABLE t (a BIGINT, b BIGINT) WITH ('connector' = 'filesystem', 'path' = 'Tests/sql/runtime/bad.csv', 'format' = 'csv', 'csv.ignore-first-line' = 'true');
SELECT a, b FROM t;
-- stderr: Tests/sql/runtime/bad.csv:3
-- stderr: data error
-- stderr: set 'csv.ignore-parse-errors' = 'true'
