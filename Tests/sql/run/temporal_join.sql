-- Event-time temporal joins: each order with the rate of its currency that
-- The same rows come out of Apache Flink 2.3 (PyFlink, streaming mode, parallelism 1).
-- was current at the order's time (rates: EUR 1.10 from 10:00:00, 1.20 from
-- 10:00:20, 1.15 from 10:00:40; GBP 1.30 from 10:00:00; no JPY).
CREATE TABLE fx_orders (id BIGINT, currency STRING, amount DOUBLE, ts TIMESTAMP(3),
  WATERMARK FOR ts AS ts - INTERVAL '1' SECOND)
WITH ('connector' = 'filesystem', 'path' = 'Tests/sql/data/fx_orders.csv', 'format' = 'csv', 'csv.ignore-first-line' = 'true');
CREATE TABLE rates (currency STRING, rate DOUBLE, valid_from TIMESTAMP(3),
  PRIMARY KEY (currency) NOT ENFORCED,
  WATERMARK FOR valid_from AS valid_from)
WITH ('connector' = 'filesystem', 'path' = 'Tests/sql/data/rates.csv', 'format' = 'csv', 'csv.ignore-first-line' = 'true');

SELECT o.id, r.rate
FROM fx_orders AS o
JOIN rates FOR SYSTEM_TIME AS OF o.ts AS r
ON o.currency = r.currency;
-- expect: {id: 1, rate: 1.1}
-- expect: {id: 2, rate: 1.3}
-- expect: {id: 3, rate: 1.2}
-- expect: {id: 5, rate: 1.2}
-- expect: {id: 6, rate: 1.15}
-- expect: {id: 7, rate: 1.3}

-- LEFT keeps the JPY order; the output keeps the orders' event time, so a window can follow.
CREATE VIEW priced AS
  SELECT o.id, o.ts, r.rate FROM fx_orders o LEFT JOIN rates FOR SYSTEM_TIME AS OF o.ts r ON o.currency = r.currency;
SELECT window_start, COUNT(*) AS orders, COUNT(rate) AS priced
FROM TABLE(TUMBLE(TABLE priced, DESCRIPTOR(ts), INTERVAL '30' SECOND))
GROUP BY window_start, window_end;
-- expect: {window_start: 2024-01-01T10:00:00Z, orders: 4, priced: 3}
-- expect: {window_start: 2024-01-01T10:00:30Z, orders: 3, priced: 3}
