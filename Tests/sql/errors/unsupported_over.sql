CREATE TABLE bid (auction BIGINT, bidder BIGINT, price BIGINT, channel STRING, dateTime TIMESTAMP(3),
  WATERMARK FOR dateTime AS dateTime - INTERVAL '1' SECOND)
WITH ('connector' = 'filesystem', 'path' = 'Examples/nexmark/data/bids.csv', 'format' = 'csv', 'csv.ignore-first-line' = 'true');
SELECT auction,
  RANK() OVER (PARTITION BY auction ORDER BY dateTime) AS r
FROM bid;
SELECT auction, ROW_NUMBER() OVER (PARTITION BY auction) AS rn FROM bid;
SELECT auction, SUM(price) OVER (PARTITION BY auction ORDER BY dateTime) AS s,
  COUNT(*) OVER (ORDER BY dateTime) AS n FROM bid;
-- error: 5:3: error[E0805]: RANK(...) OVER (...) is not supported
-- output: = help: OVER takes ROW_NUMBER() and the aggregates COUNT, SUM, MIN, MAX and AVG (without DISTINCT or FILTER)
-- error: 7:17: error[E0805]: ROW_NUMBER(...) OVER (...) needs ORDER BY
-- error: 9:3: error[E0805]: OVER clauses with different PARTITION BY or ORDER BY in one SELECT are not supported
