-- ROW_NUMBER over an updating input: per order count, the first customer
-- by name. A customer's count moving from n to n + 1 retracts its row from
-- partition n (-D, the rows below move up) and adds it to n + 1.
-- reference: where(rank(group(where(scan("orders"), lambda r: r[1] is not None), lambda r: (r[1],), lambda k, rows: (k[0], sql_count(rows))),
-- reference:   lambda r: (r[1],), lambda r: (r[0],)), lambda r: r[2] == 1)
-- duckdb: SELECT customer, n, rn FROM (SELECT customer, n, ROW_NUMBER() OVER (PARTITION BY n ORDER BY customer) AS rn FROM (SELECT customer, COUNT(*) AS n FROM orders WHERE customer IS NOT NULL GROUP BY customer)) WHERE rn = 1
SET 'execution.runtime-mode' = 'streaming';
CREATE TABLE orders (id BIGINT, customer STRING, product STRING, amount DOUBLE, qty BIGINT, ts STRING, note STRING)
WITH ('connector' = 'filesystem', 'path' = 'Tests/sql/data/orders.csv', 'format' = 'csv', 'csv.ignore-first-line' = 'true');
SELECT customer, n, rn
FROM (SELECT customer, n, ROW_NUMBER() OVER (PARTITION BY n ORDER BY customer) AS rn
      FROM (SELECT customer, COUNT(*) AS n FROM orders WHERE customer IS NOT NULL GROUP BY customer))
WHERE rn = 1;
