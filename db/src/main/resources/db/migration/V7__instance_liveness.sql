-- Instances that come and go (docs/adr/0013-instances-prove-they-are-alive.md). Each running
-- instance keeps one row here and moves heartbeat_ts at a short interval. An instance silent for
-- longer than the configured time is declared dead by a living one (declared_dead_ts), which then
-- removes its subscription rows and its reader position in small batches. The row itself stays a
-- while as a tombstone, so the dead instance, should it come back, finds itself declared dead.
--
-- A table of its own rather than a column of app.rtsync_reader: being alive is not a property of
-- a position in the log, and the reader's columns change on their own schedule.
--
-- The ids that have no row here (instances of a version before this one) are never touched by the
-- clean-up: absence of a heartbeat is not a proof of death while such instances may still run.
CREATE TABLE IF NOT EXISTS app.rtsync_instance (
    instance_id VARCHAR(100) PRIMARY KEY,
    registered_ts TIMESTAMPTZ NOT NULL DEFAULT now(),
    heartbeat_ts TIMESTAMPTZ NOT NULL DEFAULT now(),
    -- NULL while alive; set once, by the instance that declared it dead (declared_dead_by).
    declared_dead_ts TIMESTAMPTZ,
    declared_dead_by VARCHAR(100)
);

-- The clean-up removes a dead instance's subscriptions in batches by instance_id; without this
-- index every batch would scan the whole table. Few distinct values, so deduplication keeps it small.
CREATE INDEX IF NOT EXISTS idx_rxdb_subscription_instance ON app.rxdb_subscription (instance_id);
