-- Projection, arithmetic, CASE, CAST and a WHERE with AND/OR/IN/BETWEEN/LIKE/IS NULL.
CREATE TABLE orders (
  id BIGINT,
  customer STRING,
  product STRING,
  amount DOUBLE,
  qty INT,
  ts TIMESTAMP(3),
  note STRING,
  WATERMARK FOR ts AS ts - INTERVAL '2' SECOND
) WITH (
  'connector' = 'filesystem',
  'path' = 'Tests/sql/data/orders.csv',
  'format' = 'csv',
  'csv.ignore-first-line' = 'true'
);

SELECT id,
       qty * 2 + 1 AS doubled,
       amount * qty AS total,
       CASE WHEN amount >= 10 THEN 'big' WHEN amount < 1 THEN 'small' ELSE 'mid' END AS size,
       CASE product WHEN 'apple' THEN 1 WHEN 'banana' THEN 2 END AS code,
       CAST(qty AS DOUBLE) / 4 AS quarter,
       CAST(id AS STRING) AS id_text,
       customer IS NULL AS anonymous
FROM orders
WHERE (qty BETWEEN 1 AND 10 OR product IN ('durian', 'fig'))
  AND NOT (product LIKE 'ch%')
  AND id <> 6;
