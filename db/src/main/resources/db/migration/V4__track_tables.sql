-- Tracking a table: attaching the design's logging trigger (section 7.3) to one of the team's own
-- tables, so its changes reach the browsers, without copying a CREATE TRIGGER by hand.
--
--   SELECT app.rtsync_track('app.invoice', 'invoice');   -- the trigger's name
--   SELECT app.rtsync_untrack('app.invoice');            -- how many triggers were dropped
--   SELECT * FROM app.rtsync_tracked;                     -- what is tracked, by whichever means
--
-- Both functions run with the caller's rights: the caller needs the TRIGGER privilege on the table
-- (its owner has it). CREATE TRIGGER holds a SHARE ROW EXCLUSIVE lock on the table for a moment,
-- which waits for running writes and holds new ones back; so nothing is done when the table is
-- already tracked as asked.

-- A table is tracked when a trigger on it calls app.log_entity_change(): the function's trigger, or
-- one the team wrote by hand as the design shows. entity_code is the trigger's first argument;
-- tgargs holds the arguments as NUL-terminated strings, which encode(..., 'escape') spells \000.
CREATE OR REPLACE VIEW app.rtsync_tracked AS
SELECT t.tgrelid::regclass AS table_name,
       split_part(encode(t.tgargs, 'escape'), '\000', 1) AS entity_code,
       t.tgname AS trigger_name,
       t.tgenabled <> 'D' AS enabled
FROM pg_catalog.pg_trigger t
WHERE t.tgfoid = 'app.log_entity_change()'::regprocedure
  AND NOT t.tgisinternal;

CREATE OR REPLACE FUNCTION app.rtsync_track(tracked_table regclass, entity_code text)
RETURNS name
LANGUAGE plpgsql
SET search_path = pg_catalog
AS $$
DECLARE
    -- AFTER INSERT OR UPDATE OR DELETE, FOR EACH ROW: pg_trigger.tgtype's bits ROW 1, INSERT 4, DELETE 8, UPDATE 16.
    design_events CONSTANT int2 := 1 | 4 | 8 | 16;
    trigger_name name := left('log_' || (SELECT relname FROM pg_class WHERE oid = $1) || '_changes', 63);
    existing record;
BEGIN
    IF $1 IS NULL THEN
        RAISE EXCEPTION 'rtsync_track: no table given' USING ERRCODE = 'null_value_not_allowed';
    END IF;
    IF $2 IS NULL OR $2 !~ '^[a-z][a-z0-9_]*$' OR length($2) > 100 THEN
        RAISE EXCEPTION 'rtsync_track: entity code % must be 1 to 100 characters of a-z, 0-9 and _, starting with a letter (such as invoice)',
            coalesce(quote_literal($2), 'NULL') USING ERRCODE = 'invalid_parameter_value';
    END IF;
    IF (SELECT relkind FROM pg_class WHERE oid = $1) NOT IN ('r', 'p') THEN
        RAISE EXCEPTION 'rtsync_track: % is not a table', $1 USING ERRCODE = 'wrong_object_type';
    END IF;
    IF $1 IN ('app.logging'::regclass, 'app.rxdb_subscription'::regclass, 'app.rtsync_reader'::regclass) THEN
        RAISE EXCEPTION 'rtsync_track: % is one of rtsync''s own tables, not an entity table', $1
            USING ERRCODE = 'invalid_parameter_value';
    END IF;
    IF NOT EXISTS (SELECT 1 FROM pg_attribute
                   WHERE attrelid = $1 AND attname = 'id' AND atttypid = 'uuid'::regtype AND NOT attisdropped) THEN
        RAISE EXCEPTION 'rtsync_track: % has no column id of type uuid', $1
            USING ERRCODE = 'undefined_column',
                  HINT = 'app.log_entity_change() logs the changed row''s id as the entity id, so a tracked table needs id uuid.';
    END IF;

    -- Already tracked exactly so (by this function or by hand): leave it, and take no lock.
    SELECT t.tgname INTO existing FROM pg_trigger t
    WHERE t.tgrelid = $1 AND t.tgfoid = 'app.log_entity_change()'::regprocedure AND NOT t.tgisinternal
      AND t.tgtype = design_events AND t.tgenabled <> 'D' AND t.tgqual IS NULL AND cardinality(t.tgattr::int2[]) = 0
      AND t.tgnargs = 1 AND split_part(encode(t.tgargs, 'escape'), '\000', 1) = $2;
    IF FOUND AND (SELECT count(*) FROM app.rtsync_tracked r WHERE r.table_name = $1) = 1 THEN
        RETURN existing.tgname;
    END IF;

    -- Tracked otherwise (another code, other events, or twice): one trigger, as asked.
    FOR existing IN SELECT t.tgname FROM pg_trigger t
                    WHERE t.tgrelid = $1 AND t.tgfoid = 'app.log_entity_change()'::regprocedure AND NOT t.tgisinternal LOOP
        EXECUTE format('DROP TRIGGER %I ON %s', existing.tgname, $1);
    END LOOP;
    EXECUTE format('CREATE TRIGGER %I AFTER INSERT OR UPDATE OR DELETE ON %s FOR EACH ROW EXECUTE FUNCTION app.log_entity_change(%L)',
                   trigger_name, $1, $2);
    RETURN trigger_name;
END;
$$;

CREATE OR REPLACE FUNCTION app.rtsync_untrack(tracked_table regclass)
RETURNS integer
LANGUAGE plpgsql
SET search_path = pg_catalog
AS $$
DECLARE
    existing record;
    dropped integer := 0;
BEGIN
    IF $1 IS NULL THEN
        RAISE EXCEPTION 'rtsync_untrack: no table given' USING ERRCODE = 'null_value_not_allowed';
    END IF;
    FOR existing IN SELECT t.tgname FROM pg_trigger t
                    WHERE t.tgrelid = $1 AND t.tgfoid = 'app.log_entity_change()'::regprocedure AND NOT t.tgisinternal LOOP
        EXECUTE format('DROP TRIGGER %I ON %s', existing.tgname, $1);
        dropped := dropped + 1;
    END LOOP;
    RETURN dropped;
END;
$$;

-- Changing what is tracked is the owner's business, not every role's.
REVOKE EXECUTE ON FUNCTION app.rtsync_track(regclass, text) FROM PUBLIC;
REVOKE EXECUTE ON FUNCTION app.rtsync_untrack(regclass) FROM PUBLIC;
