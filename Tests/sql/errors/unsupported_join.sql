CREATE TABLE bid (auction BIGINT, bidder BIGINT, price BIGINT, channel STRING, dateTime TIMESTAMP(3),
  WATERMARK FOR dateTime AS dateTime - INTERVAL '1' SECOND)
WITH ('connector' = 'filesystem', 'path' = 'Examples/nexmark/data/bids.csv', 'format' = 'csv', 'csv.ignore-first-line' = 'true');
SELECT b1.auction FROM bid b1 JOIN bid b2 ON b1.auction = b2.auction;
-- error: 4:31: error[E0805]: joins are not supported yet
-- output: = help: join the streams in a Flow script
