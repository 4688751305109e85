CREATE TABLE bid (auction BIGINT, bidder BIGINT, price BIGINT, channel STRING, dateTime TIMESTAMP(3),
  WATERMARK FOR dateTime AS dateTime - INTERVAL '1' SECOND)
WITH ('connector' = 'filesystem', 'path' = 'Examples/nexmark/data/bids.csv', 'format' = 'csv', 'csv.ignore-first-line' = 'true');
SELECT auction, bidder, COUNT(*) AS n FROM bid GROUP BY auction;
-- error: 4:17: error[E0807]: column 'bidder' must appear in GROUP BY or be used in an aggregate function
