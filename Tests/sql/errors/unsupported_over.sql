CREATE TABLE bid (auction BIGINT, bidder BIGINT, price BIGINT, channel STRING, dateTime TIMESTAMP(3),
  WATERMARK FOR dateTime AS dateTime - INTERVAL '1' SECOND)
WITH ('connector' = 'filesystem', 'path' = 'Examples/nexmark/data/bids.csv', 'format' = 'csv', 'csv.ignore-first-line' = 'true');
SELECT auction,
  ROW_NUMBER() OVER (PARTITION BY auction ORDER BY price DESC) AS rn
FROM bid;
-- error: 5:3: error[E0805]: ROW_NUMBER(...) OVER (...) is not supported
-- output: = help: Top-N and deduplication with ROW_NUMBER are not supported yet
