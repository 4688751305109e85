-- Window joins (inner, FULL OUTER) and interval outer joins (LEFT, RIGHT), worked out by hand:
-- The same rows come out of Apache Flink 2.3 (PyFlink, streaming mode, parallelism 1).
-- orders (Tests/sql/data/orders.csv) and payments (seconds after 10:00: alice 1, bob 15, carol 26, zoe 27, alice 45).
CREATE TABLE orders (id BIGINT, customer STRING, product STRING, amount DOUBLE, qty INT, ts TIMESTAMP(3), note STRING,
  WATERMARK FOR ts AS ts - INTERVAL '2' SECOND)
WITH ('connector' = 'filesystem', 'path' = 'Tests/sql/data/orders.csv', 'format' = 'csv', 'csv.ignore-first-line' = 'true');
CREATE TABLE payments (customer STRING, paid DOUBLE, ts TIMESTAMP(3),
  WATERMARK FOR ts AS ts - INTERVAL '1' SECOND)
WITH ('connector' = 'filesystem', 'path' = 'Tests/sql/data/payments.csv', 'format' = 'csv', 'csv.ignore-first-line' = 'true');
SELECT L.id, R.paid, L.window_start
FROM TABLE(TUMBLE(TABLE orders, DESCRIPTOR(ts), INTERVAL '10' SECOND)) L
JOIN TABLE(TUMBLE(TABLE payments, DESCRIPTOR(ts), INTERVAL '10' SECOND)) R
ON L.customer = R.customer AND L.window_start = R.window_start AND L.window_end = R.window_end;
-- Same customer in the same 10 s window.
-- expect: {id: 1, paid: 2.5, window_start: 2024-01-01T10:00:00Z}
-- expect: {id: 3, paid: 2.5, window_start: 2024-01-01T10:00:00Z}
-- expect: {id: 6, paid: 3.0, window_start: 2024-01-01T10:00:10Z}
-- expect: {id: 9, paid: 24.0, window_start: 2024-01-01T10:00:20Z}
-- expect: {id: 12, paid: 17.5, window_start: 2024-01-01T10:00:40Z}
SELECT L.id, R.customer AS payer, R.paid
FROM TABLE(TUMBLE(TABLE orders, DESCRIPTOR(ts), INTERVAL '10' SECOND)) L
FULL OUTER JOIN TABLE(TUMBLE(TABLE payments, DESCRIPTOR(ts), INTERVAL '10' SECOND)) R
ON L.customer = R.customer AND L.window_start = R.window_start AND L.window_end = R.window_end;
-- FULL: every order and payment once a window closes; zoe paid with no order, order 5 has no customer.
-- expect: {id: 1, payer: "alice", paid: 2.5}
-- expect: {id: 3, payer: "alice", paid: 2.5}
-- expect: {id: 6, payer: "bob", paid: 3.0}
-- expect: {id: 9, payer: "carol", paid: 24.0}
-- expect: {id: 12, payer: "alice", paid: 17.5}
-- expect: {id: null, payer: "zoe", paid: 1.0}
-- expect: {id: 2, payer: null, paid: null}
-- expect: {id: 4, payer: null, paid: null}
-- expect: {id: 5, payer: null, paid: null}
-- expect: {id: 7, payer: null, paid: null}
-- expect: {id: 8, payer: null, paid: null}
-- expect: {id: 10, payer: null, paid: null}
-- expect: {id: 11, payer: null, paid: null}
-- expect: {id: 13, payer: null, paid: null}
-- expect: {id: 14, payer: null, paid: null}
SELECT O.id, P.paid FROM orders O LEFT JOIN payments P
ON O.customer = P.customer AND P.ts BETWEEN O.ts AND O.ts + INTERVAL '5' SECOND;
-- LEFT: a payment within 5 s after the order; the others padded with NULL when the 5 s pass.
-- expect: {id: 1, paid: 2.5}
-- expect: {id: 2, paid: null}
-- expect: {id: 3, paid: null}
-- expect: {id: 4, paid: null}
-- expect: {id: 5, paid: null}
-- expect: {id: 6, paid: 3.0}
-- expect: {id: 7, paid: null}
-- expect: {id: 8, paid: null}
-- expect: {id: 9, paid: 24.0}
-- expect: {id: 10, paid: null}
-- expect: {id: 11, paid: null}
-- expect: {id: 12, paid: 17.5}
-- expect: {id: 13, paid: null}
-- expect: {id: 14, paid: null}
SELECT O.id, P.paid FROM orders O RIGHT JOIN payments P
ON O.customer = P.customer AND P.ts BETWEEN O.ts AND O.ts + INTERVAL '5' SECOND;
-- RIGHT: zoe's payment follows no order.
-- expect: {id: 1, paid: 2.5}
-- expect: {id: 6, paid: 3.0}
-- expect: {id: 9, paid: 24.0}
-- expect: {id: 12, paid: 17.5}
-- expect: {id: null, paid: 1.0}

-- HOP windows (10 s, every 5 s): a pair is found in each window holding both rows
-- (the payment at 45 s is in [40, 50) and [45, 55), so not with the order at 40 s in [35, 45)).
SELECT L.id, L.window_start
FROM TABLE(HOP(TABLE orders, DESCRIPTOR(ts), INTERVAL '5' SECOND, INTERVAL '10' SECOND)) L
JOIN TABLE(HOP(TABLE payments, DESCRIPTOR(ts), INTERVAL '5' SECOND, INTERVAL '10' SECOND)) R
ON L.customer = R.customer AND L.window_start = R.window_start AND L.window_end = R.window_end;
-- expect: {id: 1, window_start: 2024-01-01T09:59:55Z}
-- expect: {id: 1, window_start: 2024-01-01T10:00:00Z}
-- expect: {id: 3, window_start: 2024-01-01T10:00:00Z}
-- expect: {id: 6, window_start: 2024-01-01T10:00:10Z}
-- expect: {id: 9, window_start: 2024-01-01T10:00:20Z}
-- expect: {id: 9, window_start: 2024-01-01T10:00:25Z}
-- expect: {id: 12, window_start: 2024-01-01T10:00:40Z}
