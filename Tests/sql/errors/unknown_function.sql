CREATE TABLE bid (auction BIGINT, bidder BIGINT, price BIGINT, channel STRING, dateTime TIMESTAMP(3),
  WATERMARK FOR dateTime AS dateTime - INTERVAL '1' SECOND)
WITH ('connector' = 'filesystem', 'path' = 'Examples/nexmark/data/bids.csv', 'format' = 'csv', 'csv.ignore-first-line' = 'true');
SELECT UPPPER(channel) AS c, SUBSTRING(channel) AS s FROM bid;
-- error: 4:8: error[E0806]: unknown function UPPPER
-- output: = help: did you mean UPPER?
-- error: 4:30: error[E0806]: SUBSTRING takes 2 to 3 arguments, found 1
