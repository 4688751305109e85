-- The examples of Flink's MATCH_RECOGNIZE documentation, with their data.
-- The same rows come out of Apache Flink 2.3 (PyFlink, streaming mode, parallelism 1).
-- A V-shape: a price falling, then rising above the previous low (10:00:04
-- 25, falling 18 15 14, rising 24).
CREATE TABLE ticker (symbol STRING, rowtime TIMESTAMP(3), price BIGINT,
  WATERMARK FOR rowtime AS rowtime - INTERVAL '1' SECOND)
WITH ('connector' = 'filesystem', 'path' = 'Tests/sql/data/ticker.csv', 'format' = 'csv', 'csv.ignore-first-line' = 'true');

SELECT *
FROM ticker
    MATCH_RECOGNIZE (
        PARTITION BY symbol
        ORDER BY rowtime
        MEASURES
            START_ROW.rowtime AS start_tstamp,
            LAST(PRICE_DOWN.rowtime) AS bottom_tstamp,
            LAST(PRICE_UP.rowtime) AS end_tstamp
        ONE ROW PER MATCH
        AFTER MATCH SKIP TO LAST PRICE_UP
        PATTERN (START_ROW PRICE_DOWN+ PRICE_UP)
        DEFINE
            PRICE_DOWN AS
                (LAST(PRICE_DOWN.price, 1) IS NULL AND PRICE_DOWN.price < START_ROW.price) OR
                    PRICE_DOWN.price < LAST(PRICE_DOWN.price, 1),
            PRICE_UP AS
                PRICE_UP.price > LAST(PRICE_DOWN.price, 1)
    ) MR;
-- expect: {symbol: "ACME", start_tstamp: 2011-04-01T10:00:04Z, bottom_tstamp: 2011-04-01T10:00:07Z, end_tstamp: 2011-04-01T10:00:08Z}

-- Runs whose average price stays under 15 (12 17 13 16, then 2 4 10 15 25 25).
CREATE TABLE ticker_avg (symbol STRING, rowtime TIMESTAMP(3), price DOUBLE,
  WATERMARK FOR rowtime AS rowtime - INTERVAL '1' SECOND)
WITH ('connector' = 'filesystem', 'path' = 'Tests/sql/data/ticker_avg.csv', 'format' = 'csv', 'csv.ignore-first-line' = 'true');

SELECT *
FROM ticker_avg
    MATCH_RECOGNIZE (
        PARTITION BY symbol
        ORDER BY rowtime
        MEASURES
            FIRST(A.rowtime) AS start_tstamp,
            LAST(A.rowtime) AS end_tstamp,
            AVG(A.price) AS avgPrice
        ONE ROW PER MATCH
        AFTER MATCH SKIP PAST LAST ROW
        PATTERN (A+ B)
        DEFINE
            A AS AVG(A.price) < 15
    ) MR;
-- expect: {symbol: "ACME", start_tstamp: 2011-04-01T10:00:00Z, end_tstamp: 2011-04-01T10:00:03Z, avgPrice: 14.5}
-- expect: {symbol: "ACME", start_tstamp: 2011-04-01T10:00:05Z, end_tstamp: 2011-04-01T10:00:10Z, avgPrice: 13.5}
