-- args: --clock-step 1s
-- Processing time on the simulated clock: the i-th order read (from 0) is
-- processed at i seconds after the epoch (orders are the only source, read
-- once for all queries), so order id n has PROCTIME() = n - 1 seconds.
CREATE TABLE orders (id BIGINT, customer STRING, qty BIGINT, pt AS PROCTIME())
WITH ('connector' = 'filesystem', 'path' = 'Tests/sql/data/orders.csv', 'format' = 'csv', 'csv.ignore-first-line' = 'true');

-- PROCTIME() in a SELECT list, and the computed column.
SELECT id, PROCTIME() AS p, pt FROM orders WHERE id <= 3;
-- expect: {id: 1, p: 1970-01-01T00:00:00Z, pt: 1970-01-01T00:00:00Z}
-- expect: {id: 2, p: 1970-01-01T00:00:01Z, pt: 1970-01-01T00:00:01Z}
-- expect: {id: 3, p: 1970-01-01T00:00:02Z, pt: 1970-01-01T00:00:02Z}

-- TUMBLE over processing time: ids 1-5, 6-10, 11-14.
SELECT window_start, window_end, COUNT(*) AS n, SUM(qty) AS q
FROM TABLE(TUMBLE(TABLE orders, DESCRIPTOR(pt), INTERVAL '5' SECOND))
GROUP BY window_start, window_end;
-- expect: {window_start: 1970-01-01T00:00:00Z, window_end: 1970-01-01T00:00:05Z, n: 5, q: 25}
-- expect: {window_start: 1970-01-01T00:00:05Z, window_end: 1970-01-01T00:00:10Z, n: 5, q: 21}
-- expect: {window_start: 1970-01-01T00:00:10Z, window_end: 1970-01-01T00:00:15Z, n: 4, q: 14}

-- HOP (slide 5 s, size 10 s) over a view's PROCTIME() attribute.
CREATE VIEW v AS SELECT id, PROCTIME() AS t FROM orders;
SELECT window_start, COUNT(*) AS n
FROM TABLE(HOP(TABLE v, DESCRIPTOR(t), INTERVAL '5' SECOND, INTERVAL '10' SECOND))
GROUP BY window_start, window_end;
-- expect: {window_start: 1969-12-31T23:59:55Z, n: 5}
-- expect: {window_start: 1970-01-01T00:00:00Z, n: 10}
-- expect: {window_start: 1970-01-01T00:00:05Z, n: 9}
-- expect: {window_start: 1970-01-01T00:00:10Z, n: 4}

-- CUMULATE (step 5 s, max 10 s).
SELECT window_start, window_end, COUNT(*) AS n
FROM TABLE(CUMULATE(TABLE orders, DESCRIPTOR(pt), INTERVAL '5' SECOND, INTERVAL '10' SECOND))
GROUP BY window_start, window_end;
-- expect: {window_start: 1970-01-01T00:00:00Z, window_end: 1970-01-01T00:00:05Z, n: 5}
-- expect: {window_start: 1970-01-01T00:00:00Z, window_end: 1970-01-01T00:00:10Z, n: 10}
-- expect: {window_start: 1970-01-01T00:00:10Z, window_end: 1970-01-01T00:00:15Z, n: 4}
-- expect: {window_start: 1970-01-01T00:00:10Z, window_end: 1970-01-01T00:00:20Z, n: 4}

-- Flink's legacy group window over processing time, per customer.
SELECT customer, COUNT(*) AS n, TUMBLE_START(pt, INTERVAL '10' SECOND) AS ws
FROM orders WHERE customer IS NOT NULL
GROUP BY customer, TUMBLE(pt, INTERVAL '10' SECOND);
-- expect: {customer: "alice", n: 3, ws: 1970-01-01T00:00:00Z}
-- expect: {customer: "bob", n: 3, ws: 1970-01-01T00:00:00Z}
-- expect: {customer: "carol", n: 2, ws: 1970-01-01T00:00:00Z}
-- expect: {customer: "dave", n: 1, ws: 1970-01-01T00:00:00Z}
-- expect: {customer: "alice", n: 1, ws: 1970-01-01T00:00:10Z}
-- expect: {customer: "dave", n: 1, ws: 1970-01-01T00:00:10Z}
-- expect: {customer: "erin", n: 1, ws: 1970-01-01T00:00:10Z}
-- expect: {customer: "frank", n: 1, ws: 1970-01-01T00:00:10Z}
