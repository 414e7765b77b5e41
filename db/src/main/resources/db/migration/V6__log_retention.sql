-- Opt-in retention of app.logging (RTSYNC_LOG_RETENTION; nothing is deleted by default, the log is
-- the REST API's audit trail). The service deletes, in small batches, rows older than the setting
-- that every instance has passed, and VIEW rows of that age, which no instance ever reads.
--
-- Runs outside a transaction (V6__log_retention.sql.conf) so that the index is built CONCURRENTLY:
-- on a large log a plain CREATE INDEX would hold back the REST API's writes for the whole build.

-- "Passed by every instance" is app.rtsync_passed_below() (V3): every row of a transaction below
-- it has been handed on by every registered reader; NULL, so nothing counts as passed, when no
-- instance has registered. Retention relies on that function alone, so that a new form of the
-- reader's position changes that function and nothing else.

-- Finding rows older than a cutoff. Rows arrive in created_ts order, so a BRIN index (a few pages
-- for millions of rows, next to nothing per insert) narrows the scan to the old block ranges
-- without the write cost of another B-tree on every logged change. A build an earlier attempt left
-- INVALID is dropped first, since IF NOT EXISTS would keep it.
DO $$
BEGIN
    IF EXISTS (SELECT 1 FROM pg_index WHERE indexrelid = to_regclass('app.idx_logging_created_ts') AND NOT indisvalid) THEN
        DROP INDEX app.idx_logging_created_ts;
    END IF;
END $$;

CREATE INDEX CONCURRENTLY IF NOT EXISTS idx_logging_created_ts ON app.logging USING brin (created_ts);
