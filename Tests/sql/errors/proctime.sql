CREATE TABLE orders (id BIGINT, customer STRING, qty BIGINT, ts TIMESTAMP(3), pt AS PROCTIME())
WITH ('connector' = 'filesystem', 'path' = 'Tests/sql/data/orders.csv', 'format' = 'csv', 'csv.ignore-first-line' = 'true');
CREATE TABLE bad (id BIGINT, twice AS id * 2) WITH ('connector' = 'blackhole');
CREATE TABLE bid (auction BIGINT, dateTime TIMESTAMP(3)) WITH ('connector' = 'nexmark', 'events' = '10');
SELECT id FROM orders WHERE PROCTIME() > ts;
SELECT window_start, COUNT(*) FROM TABLE(SESSION(TABLE orders PARTITION BY customer, DESCRIPTOR(pt), INTERVAL '5' SECOND)) GROUP BY customer, window_start, window_end;
SELECT o.id FROM orders o JOIN bid FOR SYSTEM_TIME AS OF o.pt AS b ON o.id = b.auction;
SELECT o.id FROM orders o JOIN orders FOR SYSTEM_TIME AS OF o.pt AS p ON o.qty > p.qty;
SELECT PROCTIME(1) FROM orders;
-- error: 3:39: error[E0805]: computed column 'twice' is not supported: only `twice AS PROCTIME()` is
-- error: 5:29: error[E0805]: PROCTIME() is only supported as an item of a SELECT list without GROUP BY, or as a computed column
-- error: 6:42: error[E0805]: SESSION windows on a processing-time attribute are not supported
-- output: = help: use TUMBLE or HOP over PROCTIME(), or a SESSION window over an event-time column (WATERMARK FOR)
-- error: 7:32: error[E0805]: a lookup join needs a filesystem table (CSV or JSON Lines) on its right side, not 'bid'
-- error: 8:74: error[E0805]: a lookup join's condition must equate a column of 'p' with the left input
-- error: 9:8: error[E0806]: PROCTIME takes no arguments, found 1
