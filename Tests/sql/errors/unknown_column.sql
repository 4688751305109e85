CREATE TABLE bid (auction BIGINT, bidder BIGINT, price BIGINT, channel STRING, dateTime TIMESTAMP(3),
  WATERMARK FOR dateTime AS dateTime - INTERVAL '1' SECOND)
WITH ('connector' = 'filesystem', 'path' = 'Examples/nexmark/data/bids.csv', 'format' = 'csv', 'csv.ignore-first-line' = 'true');
SELECT auction, prize FROM bid;
-- error: 4:17: error[E0803]: unknown column 'prize'
-- output: = help: did you mean 'price'?
-- output: = note: available columns: auction, bidder, price, channel, dateTime
