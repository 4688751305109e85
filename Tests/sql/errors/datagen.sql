CREATE TABLE g1 (id BIGINT) WITH ('connector' = 'datagen', 'fields.id.kind' = 'sequence', 'fields.id.start' = '1', 'fields.id.end' = '5', 'fields.id.step' = '2');
CREATE TABLE g2 (d INTERVAL) WITH ('connector' = 'datagen');
CREATE TABLE g3 (t TIMESTAMP(3)) WITH ('connector' = 'datagen', 'fields.t.kind' = 'sequence');
CREATE TABLE g4 (x BIGINT) WITH ('connector' = 'datagen', 'fields.x.min' = '9', 'fields.x.max' = '1', 'fields.y.kind' = 'random');
-- error: 1:139: error[E0808]: option 'fields.id.step' is not supported by the datagen connector
-- error: 2:20: error[E0805]: column type INTERVAL is not supported
-- error: 3:65: error[E0805]: a datagen sequence column must be BIGINT, INT, DOUBLE or STRING, not TIMESTAMP(3)
-- error: 4:81: error[E0808]: option 'fields.x.max' is below 'fields.x.min'
-- error: 4:103: error[E0808]: option 'fields.y.kind' is not supported by the datagen connector
-- output: per column fields.<column>.end|kind|length|max|min|null-rate|start
