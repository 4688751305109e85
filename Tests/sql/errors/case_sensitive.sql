CREATE TABLE bid (auction BIGINT, bidder BIGINT, price BIGINT, channel STRING, dateTime TIMESTAMP(3),
  WATERMARK FOR dateTime AS dateTime - INTERVAL '1' SECOND)
WITH ('connector' = 'filesystem', 'path' = 'Examples/nexmark/data/bids.csv', 'format' = 'csv', 'csv.ignore-first-line' = 'true');
SELECT datetime FROM bid;
-- error: 4:8: error[E0803]: unknown column 'datetime'
-- output: = help: names are case-sensitive; did you mean 'dateTime'?
