-- Lookup joins: each order with its customer's row from a CSV file read as
-- a lookup table, AS OF the order's processing time (customers.csv: alice
-- Paris 2, bob Berlin 1, carol Paris 3, dave Rome 1, erin with no city 2,
-- zoe Oslo 5; order 5 has no customer, frank (order 14) is not a customer).
CREATE TABLE orders (id BIGINT, customer STRING, qty BIGINT, pt AS PROCTIME())
WITH ('connector' = 'filesystem', 'path' = 'Tests/sql/data/orders.csv', 'format' = 'csv', 'csv.ignore-first-line' = 'true');
CREATE TABLE customers (name STRING, city STRING, tier BIGINT)
WITH ('connector' = 'filesystem', 'path' = 'Tests/sql/data/customers.csv', 'format' = 'csv', 'csv.ignore-first-line' = 'true',
      'lookup.cache.ttl' = '10 min');

SELECT o.id, c.city FROM orders AS o
JOIN customers FOR SYSTEM_TIME AS OF o.pt AS c ON o.customer = c.name
WHERE o.id <= 7;
-- expect: {id: 1, city: "Paris"}
-- expect: {id: 2, city: "Berlin"}
-- expect: {id: 3, city: "Paris"}
-- expect: {id: 4, city: "Paris"}
-- expect: {id: 6, city: "Berlin"}
-- expect: {id: 7, city: "Rome"}

-- LEFT keeps orders without a customer; a condition on the looked-up row
-- besides the key.
SELECT o.id, c.name, c.tier
FROM (SELECT id, customer, PROCTIME() AS t FROM orders WHERE id >= 9) o
LEFT JOIN customers FOR SYSTEM_TIME AS OF o.t AS c ON c.name = o.customer AND c.tier >= 2;
-- expect: {id: 9, name: "carol", tier: 3}
-- expect: {id: 10, name: null, tier: null}
-- expect: {id: 11, name: "erin", tier: 2}
-- expect: {id: 12, name: "alice", tier: 2}
-- expect: {id: 13, name: null, tier: null}
-- expect: {id: 14, name: null, tier: null}
