-- Nexmark q4: average price for a category (nexmark-flink q4.sql; the DDL
-- adapted: the sink's columns are named as the Flow version's output).
CREATE TABLE auction (
  id BIGINT,
  itemName VARCHAR,
  description VARCHAR,
  initialBid BIGINT,
  reserve BIGINT,
  dateTime TIMESTAMP(3),
  expires TIMESTAMP(3),
  seller BIGINT,
  category BIGINT,
  extra VARCHAR,
  WATERMARK FOR dateTime AS dateTime - INTERVAL '1' SECOND
) WITH (
  'connector' = 'filesystem',
  'path' = 'Examples/nexmark/data/auctions.csv',
  'format' = 'csv',
  'csv.ignore-first-line' = 'true'
);

CREATE TABLE bid (
  auction BIGINT,
  bidder BIGINT,
  price BIGINT,
  channel VARCHAR,
  url VARCHAR,
  dateTime TIMESTAMP(3),
  extra VARCHAR,
  WATERMARK FOR dateTime AS dateTime - INTERVAL '1' SECOND
) WITH (
  'connector' = 'filesystem',
  'path' = 'Examples/nexmark/data/bids.csv',
  'format' = 'csv',
  'csv.ignore-first-line' = 'true'
);

CREATE TABLE nexmark_q4 (
  category BIGINT,
  avg_final BIGINT
) WITH (
  'connector' = 'print'
);

INSERT INTO nexmark_q4
SELECT
    Q.category,
    AVG(Q.final)
FROM (
    SELECT MAX(B.price) AS final, A.category
    FROM auction A, bid B
    WHERE A.id = B.auction AND B.dateTime BETWEEN A.dateTime AND A.expires
    GROUP BY A.id, A.category
) Q
GROUP BY Q.category;
