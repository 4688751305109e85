-- A regular join with a debezium-json changelog: a product's update
-- retracts its joined rows and emits them again with the new price; its
-- delete retracts them.
-- reference: project(join(scan("orders"), scan("products"), lambda r: (r[2],), lambda r: (r[1],)), lambda r: (r[0], r[2], r[9], r[4] * r[10] if r[4] is not None and r[10] is not None else None))
SET 'execution.runtime-mode' = 'streaming';
CREATE TABLE orders (id BIGINT, customer STRING, product STRING, amount DOUBLE, qty BIGINT, ts STRING, note STRING)
WITH ('connector' = 'filesystem', 'path' = 'Tests/sql/data/orders.csv', 'format' = 'csv', 'csv.ignore-first-line' = 'true');
CREATE TABLE products (id BIGINT, name STRING, category STRING, price DOUBLE)
WITH ('connector' = 'filesystem', 'path' = 'Tests/sql/data/products_debezium.json', 'format' = 'debezium-json');
SELECT o.id, o.product, p.category, o.qty * p.price AS cost
FROM orders AS o JOIN products AS p ON o.product = p.name;
