-- A GROUP BY over a maxwell-json changelog source: an update that moves a
-- row to another group retracts it from the old one (-U/+U or -D) and adds
-- it to the new one; a delete retracts it.
-- reference: group(scan("products"), lambda r: (r[2],), lambda k, rows: (k[0], sql_count(rows), sql_sum(rows, lambda r: r[3]), sql_max(rows, lambda r: r[1])))
-- duckdb: SELECT category, COUNT(*), SUM(price), MAX(name) FROM products GROUP BY category
CREATE TABLE products (id BIGINT, name STRING, category STRING, price DOUBLE)
WITH ('connector' = 'filesystem', 'path' = 'Tests/sql/data/products_maxwell.json', 'format' = 'maxwell-json');
SELECT category, COUNT(*) AS n, SUM(price) AS total, MAX(name) AS last_name
FROM products GROUP BY category;
