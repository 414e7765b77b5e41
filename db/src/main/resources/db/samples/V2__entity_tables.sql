-- Three entity tables to work with out of the box. Each logs its changes through
-- app.log_entity_change(), as the REST API's tables do. IF NOT EXISTS: a database the REST API
-- already serves may hold tables of these names; they keep their columns and get the triggers.

CREATE OR REPLACE FUNCTION app.touch_updated_ts()
RETURNS TRIGGER AS $$
BEGIN
    NEW.updated_ts := now();
    RETURN NEW;
END;
$$ LANGUAGE plpgsql;

CREATE TABLE IF NOT EXISTS app.project (
    id UUID PRIMARY KEY DEFAULT gen_random_uuid(),
    name VARCHAR(200) NOT NULL,
    description TEXT,
    status VARCHAR(50) NOT NULL DEFAULT 'active',
    due_date DATE,
    created_ts TIMESTAMPTZ NOT NULL DEFAULT now(),
    updated_ts TIMESTAMPTZ NOT NULL DEFAULT now()
);

CREATE TABLE IF NOT EXISTS app.task (
    id UUID PRIMARY KEY DEFAULT gen_random_uuid(),
    name VARCHAR(200) NOT NULL,
    project_id UUID,
    status VARCHAR(50) NOT NULL DEFAULT 'open',
    priority SMALLINT NOT NULL DEFAULT 0,
    created_ts TIMESTAMPTZ NOT NULL DEFAULT now(),
    updated_ts TIMESTAMPTZ NOT NULL DEFAULT now()
);

CREATE TABLE IF NOT EXISTS app.employee (
    id UUID PRIMARY KEY DEFAULT gen_random_uuid(),
    name VARCHAR(200) NOT NULL,
    email VARCHAR(255),
    title VARCHAR(100),
    active BOOLEAN NOT NULL DEFAULT true,
    created_ts TIMESTAMPTZ NOT NULL DEFAULT now(),
    updated_ts TIMESTAMPTZ NOT NULL DEFAULT now()
);

DO $$
DECLARE
    entity TEXT;
BEGIN
    FOREACH entity IN ARRAY ARRAY['project', 'task', 'employee'] LOOP
        -- The design's trigger, named as the design names it.
        EXECUTE format('DROP TRIGGER IF EXISTS %I ON app.%I', 'log_' || entity || '_changes', entity);
        EXECUTE format('CREATE TRIGGER %I AFTER INSERT OR UPDATE OR DELETE ON app.%I '
                       'FOR EACH ROW EXECUTE FUNCTION app.log_entity_change(%L)',
                       'log_' || entity || '_changes', entity, entity);
        -- Keeps updated_ts current, where the table has one.
        IF EXISTS (SELECT 1 FROM information_schema.columns
                   WHERE table_schema = 'app' AND table_name = entity AND column_name = 'updated_ts') THEN
            EXECUTE format('DROP TRIGGER IF EXISTS %I ON app.%I', 'touch_' || entity || '_updated_ts', entity);
            EXECUTE format('CREATE TRIGGER %I BEFORE UPDATE ON app.%I '
                           'FOR EACH ROW EXECUTE FUNCTION app.touch_updated_ts()',
                           'touch_' || entity || '_updated_ts', entity);
        END IF;
    END LOOP;
END $$;
