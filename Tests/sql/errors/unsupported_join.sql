CREATE TABLE bid (auction BIGINT, bidder BIGINT, price BIGINT, channel STRING, dateTime TIMESTAMP(3),
  WATERMARK FOR dateTime AS dateTime - INTERVAL '1' SECOND)
WITH ('connector' = 'filesystem', 'path' = 'Examples/nexmark/data/bids.csv', 'format' = 'csv', 'csv.ignore-first-line' = 'true');
SELECT b1.auction FROM bid b1 CROSS JOIN bid b2;
SELECT b1.auction FROM bid b1 JOIN bid b2 ON b1.price > b2.price;
SELECT auction FROM bid b1 JOIN bid b2 ON b1.auction = b2.auction;
-- error: 4:31: error[E0805]: CROSS joins are not supported
-- output: = help: join on equal columns: [INNER] JOIN, LEFT, RIGHT or FULL [OUTER] JOIN ... ON a.k = b.k
-- error: 5:46: error[E0805]: a join without an equality between its two sides is not supported
-- error: 6:8: error[E0803]: column 'auction' is ambiguous
