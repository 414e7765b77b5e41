-- The change-log reader's subscriber lookup with and without the nil-id probe of type
-- subscriptions (ADR 0016), on 100,000 subscriptions and 20 pending rows, the shape of the plan
-- figure in docs/benchmarks.md. Run on an empty, migrated database (docs/benchmarks.md says how):
--   psql -d bench -v with_type_subscribers=0 -f benchmarks/sql/reader-type-subscriptions.sql
-- with_type_subscribers=1 adds 1,000 connections that watch every task. The reader's horizon
-- condition (txid < the snapshot's xmin) is left out: on a shared server other sessions' open
-- transactions hold it back, and it does not touch the subscriber probes measured here.
\set ON_ERROR_STOP on
INSERT INTO app.rtsync_reader (instance_id, position_txid, position_seq) VALUES ('bench', '0'::xid8, 0);
INSERT INTO app.rxdb_subscription (user_id, entity_code, entity_id, connection_id, instance_id)
SELECT gen_random_uuid(), 'project', gen_random_uuid(), 'conn-' || (i / 100), 'bench' FROM generate_series(1, 100000) i;
INSERT INTO app.rxdb_subscription (user_id, entity_code, entity_id, connection_id, instance_id)
SELECT gen_random_uuid(), 'task', '00000000-0000-0000-0000-000000000000', 'conn-' || i, 'bench'
FROM generate_series(1, 1000 * :with_type_subscribers) i;
INSERT INTO app.logging (entity_code, entity_id, action)
SELECT 'project', entity_id, 1 FROM app.rxdb_subscription WHERE entity_code = 'project' LIMIT 10;
INSERT INTO app.logging (entity_code, entity_id, action) SELECT 'task', gen_random_uuid(), 4 FROM generate_series(1, 10);
ANALYZE;

\echo '== by id only (before ADR 0016)'
PREPARE by_id(text, int) AS
WITH pending AS (
    SELECT l.txid, l.seq, l.entity_code, l.entity_id FROM app.logging l
    WHERE l.action <> 0
      AND (l.txid, l.seq) > ((SELECT position_txid FROM app.rtsync_reader WHERE instance_id = $1),
                             (SELECT position_seq FROM app.rtsync_reader WHERE instance_id = $1))
    ORDER BY l.txid, l.seq LIMIT $2)
SELECT p.seq, ARRAY(SELECT s.connection_id::text FROM app.rxdb_subscription s
                    WHERE s.entity_code = p.entity_code AND s.entity_id = p.entity_id
                      AND s.instance_id = $1) AS subscribers
FROM pending p ORDER BY p.txid, p.seq;
EXPLAIN (ANALYZE, TIMING OFF, SUMMARY ON) EXECUTE by_id('bench', 2000);
EXPLAIN (ANALYZE, TIMING OFF, SUMMARY ON) EXECUTE by_id('bench', 2000);
EXPLAIN (ANALYZE, TIMING OFF, SUMMARY ON) EXECUTE by_id('bench', 2000);
EXPLAIN (ANALYZE, TIMING OFF, SUMMARY ON) EXECUTE by_id('bench', 2000);
EXPLAIN (ANALYZE, TIMING OFF, SUMMARY ON) EXECUTE by_id('bench', 2000);

\echo '== by id or the nil id (ADR 0016)'
PREPARE with_types(text, int) AS
WITH pending AS (
    SELECT l.txid, l.seq, l.entity_code, l.entity_id FROM app.logging l
    WHERE l.action <> 0
      AND (l.txid, l.seq) > ((SELECT position_txid FROM app.rtsync_reader WHERE instance_id = $1),
                             (SELECT position_seq FROM app.rtsync_reader WHERE instance_id = $1))
    ORDER BY l.txid, l.seq LIMIT $2)
SELECT p.seq, ARRAY(SELECT s.connection_id::text FROM app.rxdb_subscription s
                    WHERE s.entity_code = p.entity_code
                      AND s.entity_id IN (p.entity_id, '00000000-0000-0000-0000-000000000000')
                      AND s.instance_id = $1) AS subscribers
FROM pending p ORDER BY p.txid, p.seq;
EXPLAIN (ANALYZE, TIMING OFF, SUMMARY ON) EXECUTE with_types('bench', 2000);
EXPLAIN (ANALYZE, TIMING OFF, SUMMARY ON) EXECUTE with_types('bench', 2000);
EXPLAIN (ANALYZE, TIMING OFF, SUMMARY ON) EXECUTE with_types('bench', 2000);
EXPLAIN (ANALYZE, TIMING OFF, SUMMARY ON) EXECUTE with_types('bench', 2000);
EXPLAIN (ANALYZE, TIMING OFF, SUMMARY ON) EXECUTE with_types('bench', 2000);
