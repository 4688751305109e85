-- A non-windowed GROUP BY in streaming mode: +I for a new group, -U/+U as
-- it changes, nothing when a row leaves the result unchanged (MAX, DISTINCT).
-- reference: group(scan("orders"), lambda r: (r[1],), lambda k, rows: (k[0], sql_count(rows), sql_sum(rows, lambda r: r[4]),
-- reference:   sql_max(rows, lambda r: r[4]), sql_min(rows, lambda r: r[3]), sql_avg(rows, lambda r: r[4]), sql_count(rows, lambda r: r[2], distinct=True)))
-- duckdb: SELECT customer, COUNT(*), SUM(qty), MAX(qty), MIN(amount), CAST(trunc(AVG(qty)) AS BIGINT), COUNT(DISTINCT product) FROM orders GROUP BY customer
SET 'execution.runtime-mode' = 'streaming';
CREATE TABLE orders (id BIGINT, customer STRING, product STRING, amount DOUBLE, qty BIGINT, ts STRING, note STRING)
WITH ('connector' = 'filesystem', 'path' = 'Tests/sql/data/orders.csv', 'format' = 'csv', 'csv.ignore-first-line' = 'true');
SELECT customer, COUNT(*) AS n, SUM(qty) AS total, MAX(qty) AS top, MIN(amount) AS cheapest, AVG(qty) AS avg_qty, COUNT(DISTINCT product) AS products
FROM orders GROUP BY customer;
