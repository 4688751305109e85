-- Changelog sources, worked out by hand: debezium-json with the schema
-- envelope ('debezium-json.schema-include'), skipping a line that is not
-- JSON and an event with an unknown op ('debezium-json.ignore-parse-errors').
CREATE TABLE products (id BIGINT, name STRING, category STRING, price DOUBLE)
WITH ('connector' = 'filesystem', 'path' = 'Tests/sql/data/products_debezium_schema.json', 'format' = 'debezium-json',
  'debezium-json.schema-include' = 'true', 'debezium-json.ignore-parse-errors' = 'true');
SELECT name, category FROM products WHERE price > 1;
-- expect: +I[apple, red]
-- expect: -U[apple, red]
-- expect: +U[apple, green]
