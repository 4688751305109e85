-- A repeated group in MATCH_RECOGNIZE: (c a) pairs, then a b, per the
-- letters' rows; the Flow twin builds the same CEP group pattern.
CREATE TABLE letters (id BIGINT, kind STRING, ts TIMESTAMP(3),
  WATERMARK FOR ts AS ts - INTERVAL '1' SECOND)
WITH ('connector' = 'filesystem', 'path' = 'Tests/sql/data/letters.csv', 'format' = 'csv', 'csv.ignore-first-line' = 'true');

SELECT * FROM letters MATCH_RECOGNIZE (
  ORDER BY ts
  MEASURES FIRST(C.id) AS c1, LAST(A.id) AS a2, B.id AS b, COUNT(C.id) AS pairs
  PATTERN ((C A)+? B)
  DEFINE C AS kind = 'c', A AS kind = 'a', B AS kind = 'b'
);
