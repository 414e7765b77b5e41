-- A database as the original Node.js service left it: section 7 of the design, verbatim where the
-- design gives SQL, plus the team's own entity table and some rows. No Flyway history.

CREATE SCHEMA app;

-- 7.1
CREATE TABLE app.logging (
    id UUID PRIMARY KEY DEFAULT gen_random_uuid(),
    person_id UUID,
    fname VARCHAR(100),
    lname VARCHAR(100),
    username VARCHAR(255),
    person_type VARCHAR(50),
    api_endpoint VARCHAR(500),
    http_method VARCHAR(10),
    entity_code VARCHAR(100) NOT NULL,
    entity_id UUID NOT NULL,
    action SMALLINT NOT NULL CHECK (action BETWEEN 0 AND 5),
    entity_from_version JSONB,
    entity_to_version JSONB,
    user_agent TEXT,
    ip INET,
    created_ts TIMESTAMPTZ NOT NULL DEFAULT now(),
    sync_status VARCHAR(20) DEFAULT 'pending',
    sync_processed_ts TIMESTAMPTZ
);

CREATE INDEX idx_logging_sync_pending
    ON app.logging(created_ts)
    WHERE sync_status = 'pending' AND action != 0;

-- 7.2
CREATE TABLE app.rxdb_subscription (
    user_id UUID NOT NULL,
    entity_code VARCHAR(100) NOT NULL,
    entity_id UUID NOT NULL,
    connection_id VARCHAR(50) NOT NULL,
    subscribed_at TIMESTAMPTZ NOT NULL DEFAULT now(),

    PRIMARY KEY (user_id, entity_code, entity_id)
);

CREATE INDEX idx_rxdb_subscription_entity
    ON app.rxdb_subscription(entity_code, entity_id);

CREATE INDEX idx_rxdb_subscription_connection
    ON app.rxdb_subscription(connection_id);

-- 7.3
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

-- The team's own entity table, with the design's trigger. Its columns are not the sample's.
CREATE TABLE app.project (
    id UUID PRIMARY KEY,
    title TEXT NOT NULL,
    budget NUMERIC(12, 2)
);

CREATE TRIGGER log_project_changes
    AFTER INSERT OR UPDATE OR DELETE ON app.project
    FOR EACH ROW EXECUTE FUNCTION app.log_entity_change('project');

-- Rows: the trigger's, one the REST API wrote itself (a VIEW with request context), the original
-- watcher's 'sent' marks, and subscriptions of the original's connections under its old key.
SELECT set_config('app.current_user_id', '11111111-1111-1111-1111-111111111111', false);
INSERT INTO app.project (id, title, budget) VALUES
    ('aaaaaaaa-0000-0000-0000-000000000001', 'Roof', 1200.00),
    ('aaaaaaaa-0000-0000-0000-000000000002', 'Cellar', 800.00);
UPDATE app.project SET budget = 1300.00 WHERE id = 'aaaaaaaa-0000-0000-0000-000000000001';
INSERT INTO app.logging (person_id, username, api_endpoint, http_method, entity_code, entity_id, action, user_agent, ip)
VALUES ('11111111-1111-1111-1111-111111111111', 'alice', '/api/project/aaaaaaaa-0000-0000-0000-000000000002', 'GET',
        'project', 'aaaaaaaa-0000-0000-0000-000000000002', 0, 'Mozilla/5.0', '10.0.0.7');
UPDATE app.logging SET sync_status = 'sent', sync_processed_ts = now() WHERE action <> 0;

INSERT INTO app.rxdb_subscription (user_id, entity_code, entity_id, connection_id) VALUES
    ('11111111-1111-1111-1111-111111111111', 'project', 'aaaaaaaa-0000-0000-0000-000000000001', 'socket-abc'),
    ('11111111-1111-1111-1111-111111111111', 'project', 'aaaaaaaa-0000-0000-0000-000000000002', 'socket-abc');
