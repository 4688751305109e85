CREATE TABLE bid (auction BIGINT, bidder BIGINT, price BIGINT, channel STRING, dateTime TIMESTAMP(3),
  WATERMARK FOR dateTime AS dateTime - INTERVAL '1' SECOND)
WITH ('connector' = 'filesystem', 'path' = 'Examples/nexmark/data/bids.csv', 'format' = 'csv', 'csv.ignore-first-line' = 'true');
SELECT auction,
       price + channel AS total
FROM bid WHERE price > 'cheap';
-- error: 5:16: error[E0804]: '+' expects numbers, found BIGINT + STRING
-- output: = help: concatenate strings with || or CONCAT(a, b)
-- error: 6:16: error[E0804]: cannot compare BIGINT with STRING
