-- Top-N over an updating input: the two products with the most units,
-- recomputed as orders arrive. The rank limit is pushed into the rank
-- (only changes of rows ranked 1-2 are emitted), which must not change
-- what the outer WHERE keeps.
-- reference: where(rank(group(scan("orders"), lambda r: (r[2],), lambda k, rows: (k[0], sql_sum(rows, lambda r: r[4]))),
-- reference:   lambda r: (), lambda r: (-r[1],)), lambda r: r[2] <= 2)
-- duckdb: SELECT product, units, rn FROM (SELECT product, units, ROW_NUMBER() OVER (ORDER BY units DESC, product) AS rn FROM (SELECT product, SUM(qty) AS units FROM orders GROUP BY product)) WHERE rn <= 2
SET 'execution.runtime-mode' = 'streaming';
CREATE TABLE orders (id BIGINT, customer STRING, product STRING, amount DOUBLE, qty BIGINT, ts STRING, note STRING)
WITH ('connector' = 'filesystem', 'path' = 'Tests/sql/data/orders.csv', 'format' = 'csv', 'csv.ignore-first-line' = 'true');
SELECT product, units, rn
FROM (SELECT product, units, ROW_NUMBER() OVER (ORDER BY units DESC) AS rn
      FROM (SELECT product, SUM(qty) AS units FROM orders GROUP BY product))
WHERE rn <= 2;
