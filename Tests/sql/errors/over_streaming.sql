SET 'execution.runtime-mode' = 'streaming';
CREATE TABLE bid (auction BIGINT, price BIGINT, dateTime TIMESTAMP(3), WATERMARK FOR dateTime AS dateTime - INTERVAL '1' SECOND)
WITH ('connector' = 'filesystem', 'path' = 'Examples/nexmark/data/bids.csv', 'format' = 'csv', 'csv.ignore-first-line' = 'true');
SELECT auction, SUM(price) OVER (PARTITION BY auction ORDER BY price) AS s FROM bid;
SELECT auction, SUM(price) OVER (PARTITION BY auction ORDER BY dateTime DESC) AS s FROM bid;
-- error: 4:17: error[E0805]: OVER aggregates in streaming mode or over an unbounded or updating input need ORDER BY the input's time attribute
-- output: = help: ORDER BY the event-time column (WATERMARK FOR) 'dateTime' or a PROCTIME() attribute, ascending
-- error: 5:17: error[E0805]: OVER aggregates in streaming mode or over an unbounded or updating input need ORDER BY the input's time attribute
