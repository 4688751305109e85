-- MATCH_RECOGNIZE groups, CLASSIFIER() and offsets, worked out by hand on the
-- letters (ids 1-11: a b b c a c a b b b c, one per second).
CREATE TABLE letters (id BIGINT, kind STRING, ts TIMESTAMP(3),
  WATERMARK FOR ts AS ts - INTERVAL '1' SECOND)
WITH ('connector' = 'filesystem', 'path' = 'Tests/sql/data/letters.csv', 'format' = 'csv', 'csv.ignore-first-line' = 'true');

-- A group repeats as a whole: pairs of b between an a and a c. The b b of
-- 2-3 is one pair; the three b of 8-10 are not whole pairs, so 7 starts no match.
SELECT * FROM letters MATCH_RECOGNIZE (
  ORDER BY ts
  MEASURES A.id AS a, COUNT(B.id) AS bs, C.id AS c, CLASSIFIER() AS last_var
  PATTERN (A (B B){1,2}? C)
  DEFINE A AS kind = 'a', B AS kind = 'b', C AS kind = 'c'
);
-- expect: {a: 1, bs: 2, c: 4, last_var: "C"}

-- Rows of a repeated group interleave: c a c a then b (4-8). PREV and the
-- universal variable see them in time order (PREV(A.kind) at 7 is row 6, a c).
SELECT * FROM letters MATCH_RECOGNIZE (
  ORDER BY ts
  MEASURES FIRST(C.id) AS c1, FIRST(A.id) AS a1, LAST(A.id) AS a2, LAST(C.id, 1) AS c0,
    COUNT(*) AS n, FIRST(id, 1) AS second_row, LAST(id, 1) AS before_last, CLASSIFIER() AS cls
  PATTERN ((C A)+? B)
  DEFINE C AS kind = 'c', A AS kind = 'a' AND PREV(A.kind) = 'c', B AS kind = 'b'
);
-- expect: {c1: 4, a1: 5, a2: 7, c0: 4, n: 5, second_row: 5, before_last: 7, cls: "B"}

-- An optional group, fixed repetitions, and CLASSIFIER() in DEFINE (the
-- variable being defined).
SELECT * FROM letters MATCH_RECOGNIZE (
  ORDER BY ts
  MEASURES A.id AS a, LAST(B.id) AS b, C.id AS c
  PATTERN (A (B{2}) C)
  DEFINE A AS kind = 'a' AND CLASSIFIER() = 'A', B AS kind = 'b', C AS kind = 'c'
);
-- expect: {a: 1, b: 3, c: 4}

-- A variable may appear more than once: its rows are those of every
-- occurrence (c a c at 4-6). A fixed count on a group needs no reluctance.
SELECT * FROM letters MATCH_RECOGNIZE (
  ORDER BY ts
  MEASURES FIRST(C.id) AS c1, LAST(C.id) AS c2, COUNT(C.id) AS cs, A.id AS a
  PATTERN (C A C)
  DEFINE C AS kind = 'c', A AS kind = 'a'
);
-- expect: {c1: 4, c2: 6, cs: 2, a: 5}
SELECT * FROM letters MATCH_RECOGNIZE (
  ORDER BY ts
  MEASURES FIRST(C.id) AS c1, LAST(A.id) AS a2, B.id AS b
  PATTERN ((C A){2} B)
  DEFINE C AS kind = 'c', A AS kind = 'a', B AS kind = 'b'
);
-- expect: {c1: 4, a2: 7, b: 8}

-- A group that may repeat zero times: the a at 5 is followed by a c at once.
SELECT * FROM letters MATCH_RECOGNIZE (
  ORDER BY ts
  MEASURES A.id AS a, COUNT(B.id) AS bs, C.id AS c
  PATTERN (A (B B)*? C)
  DEFINE A AS kind = 'a', B AS kind = 'b', C AS kind = 'c'
);
-- expect: {a: 1, bs: 2, c: 4}
-- expect: {a: 5, bs: 0, c: 6}
