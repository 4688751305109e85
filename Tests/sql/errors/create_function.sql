CREATE FUNCTION count_char AS 'com.github.nexmark.flink.udf.CountChar';
CREATE TEMPORARY SYSTEM FUNCTION my_upper AS 'com.example.MyUpper';
CREATE FUNCTION count_char AS 'com.github.nexmark.flink.udf.CountChar';
CREATE FUNCTION cc AS 'com.github.nexmark.flink.udf.CountChr';
CREATE TABLE bid (auction BIGINT, extra VARCHAR) WITH ('connector' = 'nexmark', 'events' = '10');
SELECT count_char(extra) FROM bid;
SELECT count_char(auction, 'c') FROM bid;
-- error: 2:46: error[E0830]: unknown function class 'com.example.MyUpper'
-- output: = note: Flow runs no JVM code; the classes it implements are: com.github.nexmark.flink.udf.CountChar
-- error: 3:17: error[E0808]: function 'count_char' is already defined
-- error: 4:23: error[E0830]: unknown function class 'com.github.nexmark.flink.udf.CountChr'
-- output: = help: did you mean 'com.github.nexmark.flink.udf.CountChar'?
-- error: 6:8: error[E0806]: count_char takes 2 arguments, found 1
-- output: = note: it is com.github.nexmark.flink.udf.CountChar (s STRING, c STRING) -> BIGINT
-- error: 7:19: error[E0804]: argument 1 of count_char expects STRING, found BIGINT
