CREATE TABLE letters (id BIGINT, kind STRING, ts TIMESTAMP(3), WATERMARK FOR ts AS ts)
WITH ('connector' = 'filesystem', 'path' = 'Tests/sql/data/letters.csv', 'format' = 'csv', 'csv.ignore-first-line' = 'true');
SELECT * FROM letters MATCH_RECOGNIZE (ORDER BY ts MEASURES A.id AS a ALL ROWS PER MATCH PATTERN (A) DEFINE A AS kind = 'a');
SELECT * FROM letters MATCH_RECOGNIZE (ORDER BY ts MEASURES A.id AS a PATTERN (A (B C)+) DEFINE A AS kind = 'a');
SELECT * FROM letters MATCH_RECOGNIZE (ORDER BY ts MEASURES A.id AS a PATTERN (A B*) DEFINE A AS kind = 'a');
SELECT * FROM letters MATCH_RECOGNIZE (ORDER BY id MEASURES A.id AS a PATTERN (A) DEFINE A AS kind = 'a');
SELECT * FROM letters MATCH_RECOGNIZE (ORDER BY ts MEASURES A.id AS a PATTERN (A B) DEFINE C AS kind = 'c');
SELECT * FROM letters MATCH_RECOGNIZE (ORDER BY ts MEASURES A.id AS a PATTERN (A B) DEFINE A AS kind = NEXT(kind));
SELECT * FROM letters MATCH_RECOGNIZE (ORDER BY ts MEASURES A.idd AS a PATTERN (A B) DEFINE A AS kind = 'a');
SELECT * FROM letters MATCH_RECOGNIZE (ORDER BY ts MEASURES A.id AS a PATTERN (A (B | C) D) DEFINE A AS kind = 'a');
SELECT * FROM letters MATCH_RECOGNIZE (ORDER BY ts MEASURES A.id AS a PATTERN (A (B C*){2} D) DEFINE A AS kind = 'a');
SELECT * FROM letters MATCH_RECOGNIZE (ORDER BY ts MEASURES A.id AS a AFTER MATCH SKIP TO LAST A PATTERN (A B A) DEFINE A AS kind = 'a');
SELECT * FROM letters MATCH_RECOGNIZE (ORDER BY ts MEASURES MATCH_NUMBER() AS n PATTERN (A B) DEFINE A AS kind = 'a');
-- error: 3:71: error[E0805]: ALL ROWS PER MATCH is not supported (nor in Flink)
-- output: = help: use ONE ROW PER MATCH, with MEASURES for what each match should report
-- error: 4:82: error[E0805]: a greedy quantifier on a group is not supported
-- output: make it reluctant, (A B)+? or (A B){2,4}?
-- error: 5:82: error[E0805]: a greedy quantifier cannot end the pattern
-- output: or make it reluctant: B*?
-- error: 6:49: error[E0805]: MATCH_RECOGNIZE must be ORDER BY the event-time column 'ts', ascending
-- error: 7:92: error[E0803]: 'C' is not a variable of PATTERN
-- error: 8:104: error[E0805]: NEXT is not supported: a row after the current one is not known yet
-- error: 9:61: error[E0803]: unknown column 'idd'
-- error: 10:85: error[E0805]: alternation (|) in PATTERN is not supported
-- output: = help: use one variable whose DEFINE joins the conditions with OR
-- error: 11:85: error[E0805]: a greedy quantifier cannot end a group
-- error: 12:96: error[E0805]: AFTER MATCH SKIP TO LAST 'A' is not supported: 'A' appears 2 times in PATTERN
-- error: 13:61: error[E0805]: MATCH_NUMBER is not supported in MATCH_RECOGNIZE
