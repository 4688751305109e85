SET 'execution.runtime-mode' = 'streaming';
SET 'table.exec.state.ttl' = 'one hour';
CREATE TABLE bid (auction BIGINT, bidder BIGINT, price BIGINT, channel STRING, dateTime TIMESTAMP(3))
WITH ('connector' = 'filesystem', 'path' = 'Examples/nexmark/data/bids.csv', 'format' = 'csv', 'csv.ignore-first-line' = 'true');
CREATE TABLE totals (auction BIGINT, n BIGINT)
WITH ('connector' = 'filesystem', 'path' = '/tmp/flow-totals.csv', 'format' = 'csv');
CREATE TABLE keyed (auction BIGINT, n BIGINT, PRIMARY KEY (auctionId) NOT ENFORCED)
WITH ('connector' = 'filesystem', 'path' = '/tmp/flow-keyed.csv', 'format' = 'csv');
INSERT INTO totals SELECT auction, COUNT(*) FROM bid GROUP BY auction;
SELECT a.auction FROM bid a LEFT JOIN bid b ON a.auction = b.auction AND a.price > b.price;
-- error: 2:1: error[E0808]: 'table.exec.state.ttl' must be a duration such as '1 h', '30 min', '10 s' or '500 ms'
-- error: 7:60: error[E0803]: unknown column 'auctionId' in PRIMARY KEY
-- error: 9:13: error[E0820]: table 'totals' is append-only, but the query's result is updating (its rows are changed and retracted: -U, +U, -D)
-- output: = help: declare a key so the file holds the latest row per key: PRIMARY KEY (auction) NOT ENFORCED
-- error: 10:48: error[E0805]: the ON condition of an outer join may only hold equalities between the two sides
