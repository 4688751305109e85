-- Rising temperature (Examples/cep/rising_temperature.flow) in MATCH_RECOGNIZE:
-- a reading, then three readings each warmer than the one before, within
-- two minutes; the outer query keeps the runs ending above 65 degrees.
CREATE TABLE readings (machine STRING, celsius DOUBLE, `time` TIMESTAMP(3),
  WATERMARK FOR `time` AS `time` - INTERVAL '10' SECOND)
WITH ('connector' = 'filesystem', 'path' = 'Examples/data/temperatures.csv', 'format' = 'csv', 'csv.ignore-first-line' = 'true');

SELECT machine, `from`, `to`, `at`
FROM readings
MATCH_RECOGNIZE (
  PARTITION BY machine
  ORDER BY `time`
  MEASURES FIRST(S.celsius) AS `from`, LAST(R.celsius) AS `to`, LAST(R.`time`) AS `at`
  AFTER MATCH SKIP PAST LAST ROW
  PATTERN (S R{3})
  WITHIN INTERVAL '2' MINUTE
  DEFINE R AS R.celsius > PREV(R.celsius)
)
WHERE `to` > 65.0;
