-- The tables the clean-up after dead instances touches, as V1 and V7 create them (without the
-- instance index, which run.sh adds or drops per variant).
DROP SCHEMA IF EXISTS app CASCADE;
CREATE SCHEMA app;
CREATE TABLE app.rxdb_subscription (
    user_id UUID NOT NULL, entity_code VARCHAR(100) NOT NULL, entity_id UUID NOT NULL,
    connection_id VARCHAR(50) NOT NULL, subscribed_at TIMESTAMPTZ NOT NULL DEFAULT now(),
    instance_id VARCHAR(100) NOT NULL DEFAULT 'default',
    PRIMARY KEY (connection_id, entity_code, entity_id));
CREATE INDEX idx_rxdb_subscription_entity ON app.rxdb_subscription (entity_code, entity_id, instance_id);
CREATE TABLE app.rtsync_instance (
    instance_id VARCHAR(100) PRIMARY KEY, registered_ts TIMESTAMPTZ NOT NULL DEFAULT now(),
    heartbeat_ts TIMESTAMPTZ NOT NULL DEFAULT now(), declared_dead_ts TIMESTAMPTZ, declared_dead_by VARCHAR(100));
