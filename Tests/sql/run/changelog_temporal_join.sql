-- An event-time temporal join against a versioned table read from a
-- debezium-json changelog, worked out by hand: EUR 1.10 from 10:00:00, 1.20
-- from 10:00:20 (an update), 1.15 from 10:00:40; GBP 1.30 from 10:00:00 until
-- its delete, whose row time is 10:00:30. Order 7 (GBP at 10:00:50) comes
-- after the delete: no rate, so the inner join drops it.
CREATE TABLE fx_orders (id BIGINT, currency STRING, amount DOUBLE, ts TIMESTAMP(3),
  WATERMARK FOR ts AS ts - INTERVAL '1' SECOND)
WITH ('connector' = 'filesystem', 'path' = 'Tests/sql/data/fx_orders.csv', 'format' = 'csv', 'csv.ignore-first-line' = 'true');
CREATE TABLE rates (currency STRING, rate DOUBLE, valid_from TIMESTAMP(3),
  PRIMARY KEY (currency) NOT ENFORCED,
  WATERMARK FOR valid_from AS valid_from)
WITH ('connector' = 'filesystem', 'path' = 'Tests/sql/data/rates_debezium.json', 'format' = 'debezium-json');

SELECT o.id, r.rate
FROM fx_orders AS o
JOIN rates FOR SYSTEM_TIME AS OF o.ts AS r
ON o.currency = r.currency;
-- expect: {id: 1, rate: 1.1}
-- expect: {id: 2, rate: 1.3}
-- expect: {id: 3, rate: 1.2}
-- expect: {id: 5, rate: 1.2}
-- expect: {id: 6, rate: 1.15}
