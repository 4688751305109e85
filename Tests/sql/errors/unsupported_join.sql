CREATE TABLE bid (auction BIGINT, bidder BIGINT, price BIGINT, channel STRING, dateTime TIMESTAMP(3),
  WATERMARK FOR dateTime AS dateTime - INTERVAL '1' SECOND)
WITH ('connector' = 'filesystem', 'path' = 'Examples/nexmark/data/bids.csv', 'format' = 'csv', 'csv.ignore-first-line' = 'true');
SELECT b1.auction FROM bid b1 CROSS JOIN bid b2;
SELECT b1.auction FROM bid b1 JOIN bid b2 ON b1.price > b2.price;
SELECT auction FROM bid b1 JOIN bid b2 ON b1.auction = b2.auction;
SELECT L.bidder FROM TABLE(SESSION(TABLE bid PARTITION BY bidder, DESCRIPTOR(dateTime), INTERVAL '10' SECOND)) L JOIN TABLE(TUMBLE(TABLE bid, DESCRIPTOR(dateTime), INTERVAL '10' SECOND)) R ON L.bidder = R.bidder AND L.window_start = R.window_start AND L.window_end = R.window_end;
-- error: 4:31: error[E0805]: CROSS joins are not supported
-- output: = help: join on equal columns: [INNER | LEFT | RIGHT | FULL] JOIN ... ON a.k = b.k
-- error: 5:46: error[E0805]: a join without an equality between its two sides is not supported
-- error: 6:8: error[E0803]: column 'auction' is ambiguous
-- error: 7:114: error[E0805]: a window join of SESSION windows is not supported
