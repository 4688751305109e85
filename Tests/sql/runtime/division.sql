CREATE TABLE t (a BIGINT, b BIGINT) WITH ('connector' = 'filesystem', 'path' = 'Tests/sql/runtime/bad.csv', 'format' = 'csv', 'csv.ignore-first-line' = 'true', 'csv.ignore-parse-errors' = 'true');
SELECT a, b / (a - a) AS boom FROM t;
-- stderr: Tests/sql/runtime/division.sql:2:11: runtime error: division by zero
