-- FULL OUTER JOIN of customers and per-customer totals (an updating input):
-- padded rows on both sides, retractions from the aggregate passed through.
-- reference: project(join(scan("customers"), group(scan("orders"), lambda r: (r[1],), lambda k, rows: (k[0], sql_sum(rows, lambda r: r[4]))),
-- reference:   lambda r: (r[0],), lambda r: (r[0],), "full"), lambda r: (r[0], r[1], r[3], r[4]))
SET 'execution.runtime-mode' = 'streaming';
CREATE TABLE orders (id BIGINT, customer STRING, product STRING, amount DOUBLE, qty BIGINT, ts STRING, note STRING)
WITH ('connector' = 'filesystem', 'path' = 'Tests/sql/data/orders.csv', 'format' = 'csv', 'csv.ignore-first-line' = 'true');
CREATE TABLE customers (name STRING, city STRING, tier BIGINT)
WITH ('connector' = 'filesystem', 'path' = 'Tests/sql/data/customers.csv', 'format' = 'csv', 'csv.ignore-first-line' = 'true');
SELECT c.name, c.city, t.customer, t.total
FROM customers AS c FULL OUTER JOIN (SELECT customer, SUM(qty) AS total FROM orders GROUP BY customer) AS t ON c.name = t.customer;
