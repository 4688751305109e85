CREATE TABLE bid (auction BIGINT, bidder BIGINT, price BIGINT, channel STRING, dateTime TIMESTAMP(3),
  WATERMARK FOR dateTime AS dateTime - INTERVAL '1' SECOND)
WITH ('connector' = 'filesystem', 'path' = 'Examples/nexmark/data/bids.csv', 'format' = 'csv', 'csv.ignore-first-line' = 'true');
SELECT auction,
  SUM(price) OVER (PARTITION BY auction ORDER BY dateTime) AS running
FROM bid;
SELECT auction, ROW_NUMBER() OVER (PARTITION BY auction) AS rn FROM bid;
-- error: 5:3: error[E0805]: SUM(...) OVER (...) is not supported
-- output: = help: OVER aggregations are not supported yet; ROW_NUMBER() OVER (PARTITION BY ... ORDER BY ...) is
-- error: 7:17: error[E0805]: ROW_NUMBER() needs ORDER BY in its OVER clause
