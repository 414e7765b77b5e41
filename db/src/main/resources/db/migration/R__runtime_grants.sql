-- Least privilege: the grants of the role the service runs as (docs/adopting.md).
--
-- Two roles: an owner, who owns the app schema's tables, runs the migrations (java -jar rtsync.jar
-- migrate) and tracks tables; and a runtime role for the service, granted here exactly what the
-- service does and nothing on the entity tables. As the owner, once per database (and again after
-- an upgrade, which may add objects; the function is idempotent):
--
--   CREATE ROLE rtsync_runtime LOGIN PASSWORD '...';         -- by whoever may create roles
--   SELECT app.rtsync_grant_runtime('rtsync_runtime');          -- the service's grants
--   SELECT app.rtsync_grant_runtime('rtsync_runtime', true);    -- ... with RTSYNC_LOG_RETENTION on
--
-- The service checks these at start-up and names any that is missing (RuntimePrivileges). A
-- repeatable migration (R__): Flyway runs it again, after the versioned ones, whenever this file
-- changes. A change that makes the service touch a new object adds its grant here and its check
-- to RuntimePrivileges.

CREATE OR REPLACE FUNCTION app.rtsync_grant_runtime(runtime_role name, with_retention boolean DEFAULT false)
RETURNS void
LANGUAGE plpgsql
SET search_path = pg_catalog
AS $$
BEGIN
    IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = $1) THEN
        RAISE EXCEPTION 'rtsync_grant_runtime: role % does not exist; create it first: CREATE ROLE % LOGIN PASSWORD ''...''',
            quote_ident($1), quote_ident($1) USING ERRCODE = 'undefined_object';
    END IF;
    EXECUTE format('GRANT USAGE ON SCHEMA app TO %I', $1);
    -- The log: the columns the reader reads and the retention compares, and nothing of the audit
    -- trail (who, from where, the row's snapshots); UPDATE of the two status columns it maintains,
    -- which also allows the acknowledgement's SELECT ... FOR UPDATE.
    EXECUTE format('GRANT SELECT (id, seq, txid, entity_code, entity_id, action, created_ts, sync_status) ON app.logging TO %I', $1);
    EXECUTE format('GRANT UPDATE (sync_status, sync_processed_ts) ON app.logging TO %I', $1);
    IF with_retention THEN
        EXECUTE format('GRANT DELETE ON app.logging TO %I', $1);
    ELSE
        EXECUTE format('REVOKE DELETE ON app.logging FROM %I', $1);
    END IF;
    EXECUTE format('GRANT SELECT, INSERT, DELETE ON app.rxdb_subscription TO %I', $1);
    -- Only so that the clean-up after a dead instance can lock the rows it removes (FOR UPDATE
    -- SKIP LOCKED needs UPDATE on some column); the service never updates a subscription.
    EXECUTE format('GRANT UPDATE (subscribed_at) ON app.rxdb_subscription TO %I', $1);
    -- DELETE: a living instance removes a dead one's reader position and subscriptions (ADR 0013).
    EXECUTE format('GRANT SELECT, INSERT, UPDATE, DELETE ON app.rtsync_reader TO %I', $1);
    EXECUTE format('GRANT SELECT, INSERT, UPDATE, DELETE ON app.rtsync_instance TO %I', $1);
    -- The health probe asks Flyway whether migrations are pending; the start-up lists tracked tables.
    EXECUTE format('GRANT SELECT ON app.flyway_schema_history, app.rtsync_tracked TO %I', $1);
END;
$$;

REVOKE EXECUTE ON FUNCTION app.rtsync_grant_runtime(name, boolean) FROM PUBLIC;
