-- The database's cost of one subscription, one of the figures that size
-- RTSYNC_MAX_SUBSCRIPTIONS_PER_INSTANCE (docs/reliability.md): 1,000 connections of 1,000 ids each,
-- as the server writes them (a UUID per connection id, fresh random entity ids, one instance id),
-- into app.rxdb_subscription with its key and indexes. Run on an empty, migrated database:
--   psql -h 127.0.0.1 -U postgres -c "CREATE DATABASE bench"
--   psql -h 127.0.0.1 -U postgres -d bench -f db/src/main/resources/db/migration/V1__change_log_and_subscriptions.sql
--   psql -h 127.0.0.1 -U postgres -d bench -f benchmarks/sql/subscription-row-size.sql
\set ON_ERROR_STOP on
CREATE INDEX IF NOT EXISTS idx_rxdb_subscription_instance ON app.rxdb_subscription (instance_id); -- as V7 does
\timing on
INSERT INTO app.rxdb_subscription (user_id, entity_code, entity_id, connection_id, instance_id)
SELECT connection.user_id, 'project', gen_random_uuid(), connection.id, 'rtsync-7d9f8c6b5-x2k4p-1a2b3c4d5e6f'
FROM (SELECT gen_random_uuid()::text AS id, gen_random_uuid() AS user_id FROM generate_series(1, 1000)) connection,
     generate_series(1, 1000);
\timing off
VACUUM ANALYZE app.rxdb_subscription;
SELECT count(*) AS rows,
       pg_size_pretty(pg_relation_size('app.rxdb_subscription')) AS heap,
       pg_size_pretty(pg_indexes_size('app.rxdb_subscription')) AS indexes,
       pg_total_relation_size('app.rxdb_subscription') / count(*) AS bytes_per_row,
       pg_relation_size('app.rxdb_subscription_connection_pkey'::regclass) / count(*) AS key_bytes_per_row,
       pg_relation_size('app.idx_rxdb_subscription_entity'::regclass) / count(*) AS entity_index_bytes_per_row
FROM app.rxdb_subscription;
