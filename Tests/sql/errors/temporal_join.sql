CREATE TABLE fx_orders (id BIGINT, currency STRING, amount DOUBLE, ts TIMESTAMP(3), WATERMARK FOR ts AS ts)
WITH ('connector' = 'filesystem', 'path' = 'Tests/sql/data/fx_orders.csv', 'format' = 'csv', 'csv.ignore-first-line' = 'true');
CREATE TABLE rates (currency STRING, rate DOUBLE, valid_from TIMESTAMP(3), PRIMARY KEY (currency) NOT ENFORCED, WATERMARK FOR valid_from AS valid_from)
WITH ('connector' = 'filesystem', 'path' = 'Tests/sql/data/rates.csv', 'format' = 'csv', 'csv.ignore-first-line' = 'true');
CREATE TABLE plain_rates (currency STRING, rate DOUBLE, valid_from TIMESTAMP(3))
WITH ('connector' = 'filesystem', 'path' = 'Tests/sql/data/rates.csv', 'format' = 'csv', 'csv.ignore-first-line' = 'true');
SELECT o.id FROM fx_orders o JOIN rates FOR SYSTEM_TIME AS OF o.amount r ON o.currency = r.currency;
SELECT o.id FROM fx_orders o JOIN plain_rates FOR SYSTEM_TIME AS OF o.ts r ON o.currency = r.currency;
SELECT o.id FROM fx_orders o FULL JOIN rates FOR SYSTEM_TIME AS OF o.ts r ON o.currency = r.currency;
SELECT o.id FROM fx_orders o JOIN rates FOR SYSTEM_TIME AS OF o.ts r ON o.id = r.rate;
-- error: 7:63: error[E0805]: FOR SYSTEM_TIME AS OF must name the left input's event-time column 'ts'
-- output: = note: AS OF a processing-time attribute (a PROCTIME() column) makes a lookup join
-- error: 8:35: error[E0805]: 'plain_rates' is not a versioned table: it needs a PRIMARY KEY and a WATERMARK
-- error: 9:30: error[E0805]: a temporal join is INNER or LEFT, not FULL
-- error: 10:73: error[E0805]: a temporal join's condition must equate every PRIMARY KEY column of 'rates' with the left input
-- output: = note: missing: r.currency
