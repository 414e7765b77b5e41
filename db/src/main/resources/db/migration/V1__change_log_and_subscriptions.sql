-- The tables rtsync shares with the REST API: the change log it reads and the subscriptions it
-- keeps. Columns of the design's section 7 are kept as they are, so the REST API's triggers and
-- tooling keep working; every column rtsync adds has a default, so a row the REST API inserts with
-- only entity_code, entity_id and action is delivered like a trigger's row.
--
-- Written to run on an empty database and on one the original service already set up (the
-- IF NOT EXISTS clauses), on PostgreSQL 14 and newer (xid8 and pg_current_snapshot need 13).

CREATE SCHEMA IF NOT EXISTS app;

-- 7.1, unchanged.
CREATE TABLE IF NOT EXISTS app.logging (
    id UUID PRIMARY KEY DEFAULT gen_random_uuid(),

    -- Actor (WHO)
    person_id UUID,
    fname VARCHAR(100),
    lname VARCHAR(100),
    username VARCHAR(255),
    person_type VARCHAR(50),

    -- Request Context
    api_endpoint VARCHAR(500),
    http_method VARCHAR(10),

    -- Target Entity (WHAT) - Required for sync
    entity_code VARCHAR(100) NOT NULL,
    entity_id UUID NOT NULL,
    action SMALLINT NOT NULL CHECK (action BETWEEN 0 AND 5),
    -- 0=VIEW, 1=EDIT, 2=SHARE, 3=DELETE, 4=CREATE, 5=OWNER

    -- State Snapshots (optional, for audit)
    entity_from_version JSONB,
    entity_to_version JSONB,

    -- Security
    user_agent TEXT,
    ip INET,

    -- Timestamps
    created_ts TIMESTAMPTZ NOT NULL DEFAULT now(),

    -- Sync Status
    sync_status VARCHAR(20) DEFAULT 'pending',
    sync_processed_ts TIMESTAMPTZ
);

-- seq: the log's order and the change's version sent to clients. GENERATED ALWAYS, so nobody
-- can write a sequence by hand and break the order.
ALTER TABLE app.logging ADD COLUMN IF NOT EXISTS seq BIGINT GENERATED ALWAYS AS IDENTITY;
-- txid: the writing transaction. The reader only reads rows of transactions older than every
-- transaction still running, so a transaction that commits late is never skipped (docs/database.md).
ALTER TABLE app.logging ADD COLUMN IF NOT EXISTS txid XID8 NOT NULL DEFAULT pg_current_xact_id();

CREATE UNIQUE INDEX IF NOT EXISTS logging_seq_key ON app.logging (seq);

-- The polling index: the reader walks non-VIEW rows in (txid, seq) order. It does not mention
-- sync_status (unlike the design's idx_logging_sync_pending), so marking a row sent can be a HOT
-- update that touches no index; the design's index is dropped for the same reason.
DROP INDEX IF EXISTS app.idx_logging_sync_pending;
CREATE INDEX IF NOT EXISTS idx_logging_pending ON app.logging (txid, seq) WHERE action <> 0;
-- Leave room on each page for those HOT updates.
ALTER TABLE app.logging SET (fillfactor = 90);

DO $$
BEGIN
    ALTER TABLE app.logging ADD CONSTRAINT logging_sync_status_check
        CHECK (sync_status IN ('pending', 'sent', 'failed'));
EXCEPTION WHEN duplicate_object THEN NULL;
END $$;

-- 7.2, keyed by connection: several connections (tabs) of one user each hold their own row,
-- and closing one tab removes only its rows. instance_id names the rtsync instance that holds
-- the connection, so an instance reads and cleans up only its own rows.
CREATE TABLE IF NOT EXISTS app.rxdb_subscription (
    user_id UUID NOT NULL,
    entity_code VARCHAR(100) NOT NULL,
    entity_id UUID NOT NULL,
    connection_id VARCHAR(50) NOT NULL,
    subscribed_at TIMESTAMPTZ NOT NULL DEFAULT now()
);
ALTER TABLE app.rxdb_subscription ADD COLUMN IF NOT EXISTS instance_id VARCHAR(100) NOT NULL DEFAULT 'default';
-- The original keyed rows by (user_id, entity_code, entity_id); its rows belong to connections
-- of a service that no longer runs, so they are dropped with its key.
DO $$
BEGIN
    IF EXISTS (SELECT 1 FROM pg_constraint
               WHERE conrelid = 'app.rxdb_subscription'::regclass AND contype = 'p'
                 AND conname <> 'rxdb_subscription_connection_pkey') THEN
        DELETE FROM app.rxdb_subscription;
        EXECUTE (SELECT format('ALTER TABLE app.rxdb_subscription DROP CONSTRAINT %I', conname)
                 FROM pg_constraint WHERE conrelid = 'app.rxdb_subscription'::regclass AND contype = 'p');
    END IF;
    IF NOT EXISTS (SELECT 1 FROM pg_constraint
                   WHERE conrelid = 'app.rxdb_subscription'::regclass AND contype = 'p') THEN
        ALTER TABLE app.rxdb_subscription ADD CONSTRAINT rxdb_subscription_connection_pkey
            PRIMARY KEY (connection_id, entity_code, entity_id);
    END IF;
END $$;

-- Lookup by entity: the reader's join from a log row to this instance's subscribers.
DROP INDEX IF EXISTS app.idx_rxdb_subscription_entity;
CREATE INDEX idx_rxdb_subscription_entity ON app.rxdb_subscription (entity_code, entity_id, instance_id);
-- Lookup by connection (unsubscribe, disconnect) uses the primary key, whose first column is
-- connection_id; the design's separate index would only cost writes.
DROP INDEX IF EXISTS app.idx_rxdb_subscription_connection;

-- Where each rtsync instance is in the log: everything at or before (position_txid, position_seq)
-- in (txid, seq) order has been handed on. One row per instance, created at its first start.
CREATE TABLE IF NOT EXISTS app.rtsync_reader (
    instance_id VARCHAR(100) PRIMARY KEY,
    position_txid XID8 NOT NULL,
    position_seq BIGINT NOT NULL,
    updated_ts TIMESTAMPTZ NOT NULL DEFAULT now()
);

-- 7.3, exactly as the design has it.
CREATE OR REPLACE FUNCTION app.log_entity_change()
RETURNS TRIGGER AS $$
DECLARE
    v_action SMALLINT;
    v_person_id UUID;
BEGIN
    v_action := CASE TG_OP
        WHEN 'INSERT' THEN 4  -- CREATE
        WHEN 'UPDATE' THEN 1  -- EDIT
        WHEN 'DELETE' THEN 3  -- DELETE
    END;

    v_person_id := NULLIF(current_setting('app.current_user_id', true), '')::UUID;

    INSERT INTO app.logging (
        person_id, entity_code, entity_id, action,
        entity_from_version, entity_to_version
    ) VALUES (
        v_person_id,
        TG_ARGV[0],  -- entity_code
        COALESCE(NEW.id, OLD.id),
        v_action,
        CASE WHEN TG_OP IN ('UPDATE', 'DELETE') THEN to_jsonb(OLD) END,
        CASE WHEN TG_OP IN ('INSERT', 'UPDATE') THEN to_jsonb(NEW) END
    );

    RETURN COALESCE(NEW, OLD);
END;
$$ LANGUAGE plpgsql;

-- Wakes the watchers (LISTEN rtsync_log) at the commit of a transaction that logged something to
-- deliver. PostgreSQL folds the identical notifications of one transaction into one. The WHEN
-- clause is evaluated without calling the function, so VIEW rows (most of the REST API's inserts)
-- cost nothing here and notify nobody: a notifying commit takes a cluster-wide lock, so it is kept
-- for commits that need it. (A statement-level trigger over a transition table measured slower.)
CREATE OR REPLACE FUNCTION app.notify_logged_changes()
RETURNS TRIGGER AS $$
BEGIN
    PERFORM pg_notify('rtsync_log', '');
    RETURN NULL;
END;
$$ LANGUAGE plpgsql;

DROP TRIGGER IF EXISTS notify_logged_changes ON app.logging;
CREATE TRIGGER notify_logged_changes
    AFTER INSERT ON app.logging
    FOR EACH ROW WHEN (NEW.action <> 0)
    EXECUTE FUNCTION app.notify_logged_changes();
