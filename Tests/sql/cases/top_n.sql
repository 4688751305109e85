-- ROW_NUMBER Top-N: the two dearest orders per customer (NULL amounts last when
-- descending; NULL customers are one partition), and the three smallest
-- quantities overall.
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
SELECT customer, id, rn, 'per customer' AS kind
FROM (SELECT customer, id, ROW_NUMBER() OVER (PARTITION BY customer ORDER BY amount DESC, id) AS rn FROM orders)
WHERE rn <= 2
UNION ALL
SELECT product AS customer, id, rn, 'overall' AS kind
FROM (SELECT *, ROW_NUMBER() OVER (ORDER BY qty, id DESC) AS rn FROM orders) t
WHERE rn < 4;
