-- LEFT OUTER JOIN: orders without a customer yet are padded with NULL and
-- retracted (-D) when the customer arrives.
-- reference: project(join(scan("orders"), scan("customers"), lambda r: (r[1],), lambda r: (r[0],), "left"), lambda r: (r[0], r[1], r[8]))
SET 'execution.runtime-mode' = 'streaming';
CREATE TABLE orders (id BIGINT, customer STRING, product STRING, amount DOUBLE, qty BIGINT, ts STRING, note STRING)
WITH ('connector' = 'filesystem', 'path' = 'Tests/sql/data/orders.csv', 'format' = 'csv', 'csv.ignore-first-line' = 'true');
CREATE TABLE customers (name STRING, city STRING, tier BIGINT)
WITH ('connector' = 'filesystem', 'path' = 'Tests/sql/data/customers.csv', 'format' = 'csv', 'csv.ignore-first-line' = 'true');
SELECT o.id, o.customer, c.city
FROM orders AS o LEFT JOIN customers AS c ON o.customer = c.name;
