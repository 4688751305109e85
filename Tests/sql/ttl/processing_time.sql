-- State TTL in processing time (Flink's default), run with the simulated
-- clock `--clock-step 1s`: the k-th order is read at k seconds. Customers by
-- order: alice 1 3 8 12, bob 2 6 10, carol 4 9, no customer 5, dave 7 13,
-- erin 11, frank 14. A key not touched for more than 3 s is forgotten and
-- starts over with +I: only alice's second order (2 s after her first)
-- updates her count. Run by SQLChangelogTests.testProcessingTimeTTL.
SET 'execution.runtime-mode' = 'streaming';
SET 'table.exec.state.ttl' = '3 s';
CREATE TABLE orders (id BIGINT, customer STRING, product STRING, amount DOUBLE, qty BIGINT, ts STRING, note STRING)
WITH ('connector' = 'filesystem', 'path' = 'Tests/sql/data/orders.csv', 'format' = 'csv', 'csv.ignore-first-line' = 'true');
SELECT customer, COUNT(*) AS n FROM orders GROUP BY customer;
-- expect: +I[alice, 1]
-- expect: +I[bob, 1]
-- expect: -U[alice, 1]
-- expect: +U[alice, 2]
-- expect: +I[carol, 1]
-- expect: +I[null, 1]
-- expect: +I[bob, 1]
-- expect: +I[dave, 1]
-- expect: +I[alice, 1]
-- expect: +I[carol, 1]
-- expect: +I[bob, 1]
-- expect: +I[erin, 1]
-- expect: +I[alice, 1]
-- expect: +I[dave, 1]
-- expect: +I[frank, 1]
