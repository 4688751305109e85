-- args: --clock-step 1s
-- OVER aggregates in streaming mode, worked out by hand.
SET 'execution.runtime-mode' = 'streaming';

-- Ordered by processing time: order id n is processed at n - 1 seconds
-- (the simulated clock of the args line), and emitted at once.
CREATE TABLE orders (id BIGINT, customer STRING, qty BIGINT, pt AS PROCTIME())
WITH ('connector' = 'filesystem', 'path' = 'Tests/sql/data/orders.csv', 'format' = 'csv', 'csv.ignore-first-line' = 'true');
SELECT id,
  COUNT(*) OVER (ORDER BY pt RANGE BETWEEN INTERVAL '2' SECOND PRECEDING AND CURRENT ROW) AS n,
  SUM(qty) OVER (ORDER BY pt ROWS BETWEEN 1 PRECEDING AND CURRENT ROW) AS last2
FROM orders WHERE id <= 5;
-- expect: {id: 1, n: 1, last2: 4}
-- expect: {id: 2, n: 2, last2: 16}
-- expect: {id: 3, n: 3, last2: 13}
-- expect: {id: 4, n: 3, last2: 3}
-- expect: {id: 5, n: 3, last2: 8}
