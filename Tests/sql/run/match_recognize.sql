-- MATCH_RECOGNIZE quantifiers, skip strategies, WITHIN and PREV on one
-- sequence of letters (ids 1-11: a b b c a c a b b b c, one per second).
-- Apache Flink 2.3 (PyFlink) gives the same rows for every query but the PREV one (Flink has no PREV).
CREATE TABLE letters (id BIGINT, kind STRING, ts TIMESTAMP(3),
  WATERMARK FOR ts AS ts - INTERVAL '1' SECOND)
WITH ('connector' = 'filesystem', 'path' = 'Tests/sql/data/letters.csv', 'format' = 'csv', 'csv.ignore-first-line' = 'true');

-- A greedy B* between A and C (skip past last row, the default).
SELECT * FROM letters MATCH_RECOGNIZE (
  ORDER BY ts
  MEASURES FIRST(A.id) AS a, COUNT(B.id) AS bs, C.id AS c
  PATTERN (A B* C)
  DEFINE A AS kind = 'a', B AS kind = 'b', C AS kind = 'c'
);
-- expect: {a: 1, bs: 2, c: 4}
-- expect: {a: 5, bs: 0, c: 6}
-- expect: {a: 7, bs: 3, c: 11}

-- A reluctant quantifier ends the match as early as it can.
SELECT * FROM letters MATCH_RECOGNIZE (
  ORDER BY ts
  MEASURES A.id AS first_a, LAST(B.id) AS last_b, COUNT(*) AS n
  PATTERN (A B{1,2}?)
  DEFINE A AS kind = 'a', B AS kind = 'b'
) AS m;
-- expect: {first_a: 1, last_b: 2, n: 2}
-- expect: {first_a: 7, last_b: 8, n: 2}

-- SKIP TO NEXT ROW lets matches overlap.
SELECT b1, b2 FROM letters MATCH_RECOGNIZE (
  ORDER BY ts
  MEASURES FIRST(B.id) AS b1, LAST(B.id) AS b2
  AFTER MATCH SKIP TO NEXT ROW
  PATTERN (B{2})
  DEFINE B AS kind = 'b'
);
-- expect: {b1: 2, b2: 3}
-- expect: {b1: 8, b2: 9}
-- expect: {b1: 9, b2: 10}

-- WITHIN bounds a match's duration; PREV looks at the row before.
SELECT * FROM letters MATCH_RECOGNIZE (
  ORDER BY ts
  MEASURES A.id AS a, C.id AS c
  PATTERN (A C) WITHIN INTERVAL '2' SECOND
  DEFINE A AS kind = 'a', C AS kind = 'c'
);
-- expect: {a: 5, c: 6}
SELECT * FROM letters MATCH_RECOGNIZE (
  ORDER BY ts
  MEASURES X.id AS x, Y.id AS y, MATCH_ROWTIME() AS t
  PATTERN (X Y)
  DEFINE Y AS kind = 'c' AND PREV(Y.kind) = 'b' AND Y.id = PREV(Y.id) + 1
);
-- expect: {x: 3, y: 4, t: 2024-01-01T00:00:04Z}
-- expect: {x: 10, y: 11, t: 2024-01-01T00:00:11Z}

-- SKIP TO FIRST B resumes at the match's first B row, which may start the next match.
SELECT * FROM letters MATCH_RECOGNIZE (
  ORDER BY ts
  MEASURES X.id AS x, FIRST(B.id) AS b1, LAST(B.id) AS b2
  AFTER MATCH SKIP TO FIRST B
  PATTERN (X B{2})
  DEFINE B AS kind = 'b'
);
-- expect: {x: 1, b1: 2, b2: 3}
-- expect: {x: 7, b1: 8, b2: 9}
-- expect: {x: 8, b1: 9, b2: 10}
