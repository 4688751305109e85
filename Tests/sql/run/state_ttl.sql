-- State TTL in event time: a customer's count is forgotten when no order of
-- theirs came for more than 10 s of event time (seconds of the 14 orders:
-- alice 0 7 22 40, bob 3.5 14 31, carol 9.25 25.999, dave 21 41, erin 33,
-- frank 58, no customer 12). A forgotten key starts over with +I, without a
-- retraction, as in Flink. bob at 14 is 10.5 s after 3.5: forgotten.
SET 'execution.runtime-mode' = 'streaming';
SET 'table.exec.state.ttl' = '10 s';
SET 'table.exec.state.ttl.time' = 'event-time';
CREATE TABLE orders (id BIGINT, customer STRING, product STRING, amount DOUBLE, qty INT, ts TIMESTAMP(3), note STRING,
  WATERMARK FOR ts AS ts - INTERVAL '2' SECOND)
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
