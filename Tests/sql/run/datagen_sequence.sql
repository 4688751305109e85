-- The datagen connector: a sequence column ends the source at its end
-- (ids 1..5), whatever 'number-of-rows' allows; v is a STRING sequence.
CREATE TABLE gen (id BIGINT, v STRING, flag BOOLEAN)
WITH ('connector' = 'datagen', 'number-of-rows' = '100',
      'fields.id.kind' = 'sequence', 'fields.id.start' = '1', 'fields.id.end' = '5',
      'fields.v.kind' = 'sequence', 'fields.v.start' = '10', 'fields.v.end' = '99');
SELECT id, v FROM gen;
-- expect: {id: 1, v: "10"}
-- expect: {id: 2, v: "11"}
-- expect: {id: 3, v: "12"}
-- expect: {id: 4, v: "13"}
-- expect: {id: 5, v: "14"}

-- 'number-of-rows' bounds a table of random columns; TIMESTAMP(3) row i is
-- 2024-01-01T00:00:00Z + i seconds.
CREATE TABLE r (x BIGINT, t TIMESTAMP(3)) WITH ('connector' = 'datagen', 'number-of-rows' = '3', 'fields.x.min' = '7', 'fields.x.max' = '7');
SELECT x, t FROM r;
-- expect: {x: 7, t: 2024-01-01T00:00:00Z}
-- expect: {x: 7, t: 2024-01-01T00:00:01Z}
-- expect: {x: 7, t: 2024-01-01T00:00:02Z}
