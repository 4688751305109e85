-- An updating Top-N: the two largest orders of each customer. A new order
-- takes its place in the ranking (+I) and pushes the ones below it down
-- (-U/+U); the outer WHERE keeps the changes of ranks 1 and 2, so a row
-- pushed to 3 leaves with its -U alone. carol's two orders tie: arrival order.
-- reference: where(rank(project(scan("orders"), lambda r: (r[1], r[4], r[0])), lambda r: (r[0],), lambda r: (-r[1],)), lambda r: r[3] <= 2)
-- duckdb: SELECT customer, qty, id, rn FROM (SELECT customer, qty, id, ROW_NUMBER() OVER (PARTITION BY customer ORDER BY qty DESC, id) AS rn FROM orders) WHERE rn <= 2
SET 'execution.runtime-mode' = 'streaming';
CREATE TABLE orders (id BIGINT, customer STRING, product STRING, amount DOUBLE, qty BIGINT, ts STRING, note STRING)
WITH ('connector' = 'filesystem', 'path' = 'Tests/sql/data/orders.csv', 'format' = 'csv', 'csv.ignore-first-line' = 'true');
SELECT customer, qty, id, rn
FROM (SELECT customer, qty, id, ROW_NUMBER() OVER (PARTITION BY customer ORDER BY qty DESC) AS rn FROM orders)
WHERE rn <= 2;
