CREATE TABLE bid (auction BIGINT, bidder BIGINT, price BIGINT, channel STRING, dateTime TIMESTAMP(3),
  WATERMARK FOR dateTime AS dateTime - INTERVAL '1' SECOND)
WITH ('connector' = 'filesystem', 'path' = 'Examples/nexmark/data/bids.csv', 'format' = 'csv', 'csv.ignore-first-line' = 'true');
CREATE TABLE sink1 (auction BIGINT, label BIGINT) WITH ('connector' = 'print');
INSERT INTO sink1 SELECT auction, channel FROM bid;
INSERT INTO sink1 SELECT auction FROM bid;
-- error: 5:35: error[E0804]: column 2 of the query ('channel') is STRING, but column 'label' of 'sink1' is BIGINT
-- error: 6:19: error[E0804]: the query has 1 column but table 'sink1' has 2
