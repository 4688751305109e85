CREATE TABLE bid (auction BIGINT, bidder BIGINT, price BIGINT, channel STRING, dateTime TIMESTAMP(3),
  WATERMARK FOR dateTime AS dateTime - INTERVAL '1' SECOND)
WITH ('connector' = 'filesystem', 'path' = 'Examples/nexmark/data/bids.csv', 'format' = 'csv', 'csv.ignore-first-line' = 'true');
CREATE TABLE out1 (a BIGINT) WITH ('connector' = 'kafka', 'topic' = 'x');
CREATE TABLE out2 (a BIGINT) WITH ('connector' = 'filesystem', 'path' = 'o.csv', 'format' = 'avro');
-- error: 4:36: error[E0808]: unknown connector 'kafka'
-- error: 5:82: error[E0808]: the filesystem connector needs 'format' = 'csv', 'json', 'debezium-json', 'canal-json', 'maxwell-json' or 'changelog-json'
