-- Login brute force (Examples/cep/login_brute_force.flow) in MATCH_RECOGNIZE.
CREATE TABLE logins (`user` STRING, ok BOOLEAN, `time` TIMESTAMP(3),
  WATERMARK FOR `time` AS `time` - INTERVAL '5' SECOND)
WITH ('connector' = 'filesystem', 'path' = 'Examples/data/logins.csv', 'format' = 'csv', 'csv.ignore-first-line' = 'true');

SELECT *
FROM logins
MATCH_RECOGNIZE (
  PARTITION BY `user`
  ORDER BY `time`
  MEASURES
    COUNT(F.ok) AS failures,
    FIRST(F.`time`) AS firstFailure,
    S.`time` AS success
  ONE ROW PER MATCH
  AFTER MATCH SKIP PAST LAST ROW
  PATTERN (F{3,} S)
  WITHIN INTERVAL '1' MINUTE
  DEFINE F AS NOT F.ok, S AS S.ok
);
