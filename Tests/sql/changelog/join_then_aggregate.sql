-- A GROUP BY over a RIGHT join: the join's -D rows are retracted from the
-- groups; HAVING filters the changes.
-- reference: where(group(join(scan("customers"), scan("orders"), lambda r: (r[0],), lambda r: (r[1],), "right"),
-- reference:   lambda r: (r[1],), lambda k, rows: (k[0], sql_count(rows), sql_sum(rows, lambda r: r[7]))), lambda r: r[1] > 1)
SET 'execution.runtime-mode' = 'streaming';
CREATE TABLE customers (name STRING, city STRING, tier BIGINT)
WITH ('connector' = 'filesystem', 'path' = 'Tests/sql/data/customers.csv', 'format' = 'csv', 'csv.ignore-first-line' = 'true');
CREATE TABLE orders (id BIGINT, customer STRING, product STRING, amount DOUBLE, qty BIGINT, ts STRING, note STRING)
WITH ('connector' = 'filesystem', 'path' = 'Tests/sql/data/orders.csv', 'format' = 'csv', 'csv.ignore-first-line' = 'true');
SELECT c.city, COUNT(*) AS n, SUM(o.qty) AS qty
FROM customers AS c RIGHT JOIN orders AS o ON c.name = o.customer
GROUP BY c.city
HAVING COUNT(*) > 1;
