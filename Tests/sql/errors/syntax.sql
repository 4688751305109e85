CREATE TABLE bid (auction BIGINT, bidder BIGINT, price BIGINT, channel STRING, dateTime TIMESTAMP(3),
  WATERMARK FOR dateTime AS dateTime - INTERVAL '1' SECOND)
WITH ('connector' = 'filesystem', 'path' = 'Examples/nexmark/data/bids.csv', 'format' = 'csv', 'csv.ignore-first-line' = 'true');
SELECT auction FROM bid WHERE;
SELECT auction, FROM bid;
-- error: 4:30: error[E0801]: expected an expression, found ';'
-- error: 5:17: error[E0801]: expected an expression, found 'FROM'
