CREATE TABLE bid (auction BIGINT, bidder BIGINT, price BIGINT, channel STRING, dateTime TIMESTAMP(3),
  WATERMARK FOR dateTime AS dateTime - INTERVAL '1' SECOND)
WITH ('connector' = 'filesystem', 'path' = 'Examples/nexmark/data/bids.csv', 'format' = 'csv', 'csv.ignore-first-line' = 'true');
SELECT window_start, COUNT(*) AS n
FROM TABLE(TUMBLE(TABLE bid, DESCRIPTOR(auction), INTERVAL '10' SECOND))
GROUP BY window_start, window_end;
-- error: 5:41: error[E0804]: DESCRIPTOR(auction) must name the event-time column
-- output: = note: the event-time column of this input is 'dateTime'
