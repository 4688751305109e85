-- A small transaction followed within ten minutes by a large one at another
-- merchant, on the same card (Examples/cep/small_then_large.flow). Flow's
-- `followedBy` (unrelated rows may come between) is a gap variable with no
-- DEFINE and a reluctant quantifier: G*?.
CREATE TABLE txns (card BIGINT, amount DOUBLE, merchant STRING, `time` TIMESTAMP(3),
  WATERMARK FOR `time` AS `time` - INTERVAL '4' SECOND)
WITH ('connector' = 'filesystem', 'path' = 'Examples/data/txns.csv', 'format' = 'csv', 'csv.ignore-first-line' = 'true');

SELECT card, small, big
FROM txns
MATCH_RECOGNIZE (
  PARTITION BY card
  ORDER BY `time`
  MEASURES S.amount AS small, B.amount AS big
  AFTER MATCH SKIP PAST LAST ROW
  PATTERN (S G*? B) WITHIN INTERVAL '10' MINUTE
  DEFINE S AS S.amount < 1.0, B AS B.amount > 500.0 AND B.merchant <> S.merchant
);
