-- Without GROUP BY: one group; MAX retracts exactly when the top value leaves.
-- reference: group(group(scan("orders"), lambda r: (r[2],), lambda k, rows: (k[0], sql_sum(rows, lambda r: r[4]))),
-- reference:   lambda r: (), lambda k, rows: (sql_max(rows, lambda r: r[1]), sql_min(rows, lambda r: r[1]), sql_count(rows)))
SET 'execution.runtime-mode' = 'streaming';
CREATE TABLE orders (id BIGINT, customer STRING, product STRING, amount DOUBLE, qty BIGINT, ts STRING, note STRING)
WITH ('connector' = 'filesystem', 'path' = 'Tests/sql/data/orders.csv', 'format' = 'csv', 'csv.ignore-first-line' = 'true');
SELECT MAX(total) AS best, MIN(total) AS worst, COUNT(*) AS products
FROM (SELECT product, SUM(qty) AS total FROM orders GROUP BY product);
