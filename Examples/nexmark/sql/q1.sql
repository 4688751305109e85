-- Nexmark q1: currency conversion (nexmark-flink q1.sql; only the DDL adapted).
-- DECIMAL(23, 3) is a DOUBLE in Flow's SQL, so prices print as Flow floats.
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

CREATE TABLE nexmark_q1 (
  auction BIGINT,
  bidder BIGINT,
  price DECIMAL(23, 3),
  dateTime TIMESTAMP(3),
  extra VARCHAR
) WITH (
  'connector' = 'print'
);

INSERT INTO nexmark_q1
SELECT auction, bidder, 0.908 * price as price, dateTime, extra FROM bid;
