-- The reader's position becomes the snapshot of its previous read (ADR 0011, docs/database.md).
-- V1 read only rows of transactions older than every transaction still running anywhere on the
-- server, so one long writing transaction, even in another database, held back every delivery.
-- Now a read delivers the rows that became visible between two snapshots: a change is read as soon
-- as its transaction commits, whatever else is running.
--
--   read_from               everything visible in this snapshot has been handed on
--   read_to                 NULL, or the snapshot of a read that did not fit in one batch: it is
--                           being handed on in (txid, seq) order ...
--   read_after_txid/_seq    ... and everything up to this row of it has been
ALTER TABLE app.rtsync_reader
    ADD COLUMN read_from pg_snapshot,
    ADD COLUMN read_to pg_snapshot,
    ADD COLUMN read_after_txid xid8,
    ADD COLUMN read_after_seq bigint;

-- An old position (txid, seq) meant: every row of a transaction below position_txid has been handed
-- on. The snapshot 'position_txid:position_txid:' says exactly that (nothing in progress below it).
-- Rows of position_txid itself are read again: at most one transaction's rows delivered twice,
-- which at-least-once allows.
UPDATE app.rtsync_reader
SET read_from = (position_txid::text || ':' || position_txid::text || ':')::pg_snapshot;

ALTER TABLE app.rtsync_reader
    ALTER COLUMN read_from SET NOT NULL,
    DROP COLUMN position_txid,
    DROP COLUMN position_seq,
    ADD CONSTRAINT rtsync_reader_read_in_progress_check CHECK (
        (read_to IS NULL AND read_after_txid IS NULL AND read_after_seq IS NULL)
        OR (read_to IS NOT NULL AND read_after_txid IS NOT NULL AND read_after_seq IS NOT NULL));

-- Whether one reader has handed on the log row (txid, seq): it was visible in the snapshot the
-- reader read from, or it belongs to the read in progress and comes at or before the row reached.
CREATE OR REPLACE FUNCTION app.rtsync_reader_passed(r app.rtsync_reader, txid xid8, seq bigint)
RETURNS boolean
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT pg_visible_in_snapshot(txid, r.read_from)
        OR (r.read_to IS NOT NULL
            AND pg_visible_in_snapshot(txid, r.read_to)
            AND (txid, seq) <= (r.read_after_txid, r.read_after_seq))
$$;

-- Whether every registered reader has handed on the log row (txid, seq): what a retention job may
-- delete. Exact, one call per row; for a DELETE over many rows, the indexable bound below is cheaper.
CREATE OR REPLACE FUNCTION app.rtsync_passed(txid xid8, seq bigint)
RETURNS boolean
LANGUAGE sql STABLE PARALLEL SAFE AS $$
    SELECT coalesce(bool_and(app.rtsync_reader_passed(r, txid, seq)), true) FROM app.rtsync_reader r
$$;

-- Every log row with txid below this value has been handed on by every registered reader (its
-- transaction finished before every reader's read_from snapshot). NULL when no reader is registered.
-- Conservative: a transaction still running at some reader's read_from snapshot holds it back, so
-- rows above it may be passed too (app.rtsync_passed says exactly).
CREATE OR REPLACE FUNCTION app.rtsync_passed_below()
RETURNS xid8
LANGUAGE sql STABLE PARALLEL SAFE AS $$
    SELECT min(pg_snapshot_xmin(read_from)) FROM app.rtsync_reader
$$;
