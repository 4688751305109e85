-- An aggregate over an updating result: each -U of the inner query is
-- retracted from the outer groups (exact COUNT and SUM, MIN and MAX from a
-- multiset of values).
-- reference: group(group(scan("orders"), lambda r: (r[1],), lambda k, rows: (k[0], sql_count(rows), sql_max(rows, lambda r: r[4]))),
-- reference:   lambda r: (r[1],), lambda k, rows: (k[0], sql_count(rows), sql_min(rows, lambda r: r[2]), sql_max(rows, lambda r: r[2]), sql_sum(rows, lambda r: r[2])))
SET 'execution.runtime-mode' = 'streaming';
CREATE TABLE orders (id BIGINT, customer STRING, product STRING, amount DOUBLE, qty BIGINT, ts STRING, note STRING)
WITH ('connector' = 'filesystem', 'path' = 'Tests/sql/data/orders.csv', 'format' = 'csv', 'csv.ignore-first-line' = 'true');
SELECT n, COUNT(*) AS customers, MIN(top) AS low, MAX(top) AS high, SUM(top) AS total
FROM (SELECT customer, COUNT(*) AS n, MAX(qty) AS top FROM orders GROUP BY customer)
GROUP BY n;
