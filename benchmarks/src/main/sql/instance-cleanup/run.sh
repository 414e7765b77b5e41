#!/usr/bin/env bash
# The cost of the clean-up after dead instances (docs/benchmarks.md): what the instance index adds
# to each SUBSCRIBE insert, and a dead instance's subscriptions removed in batches of 500 with the
# planner's own choice (a sequential scan) and through the index. Needs psql and pgbench; creates
# and drops a scratch database on the server of PGHOST/PGPORT/PGUSER (default: the local one).
#
#   benchmarks/src/main/sql/instance-cleanup/run.sh [rounds]
set -euo pipefail
cd "$(dirname "$0")"
export PGHOST=${PGHOST:-127.0.0.1} PGUSER=${PGUSER:-postgres}
rounds=${1:-3}
db=rtsync_cleanup_bench_$$
psql -q -c "CREATE DATABASE $db"
trap 'psql -q -c "DROP DATABASE IF EXISTS $db WITH (FORCE)"' EXIT
sql() { psql -q -tA -d "$db" "$@"; }
sql -f schema.sql 2>/dev/null
latency() { pgbench -n -f "$1" "${@:3}" -t "$2" -c 1 "$db" 2>&1 | sed -n 's/latency average = //p'; }
load() { cut -d' ' -f1 /proc/loadavg; }

echo "## insert of 1,000 rows into a table of 0 to 200,000 (200 statements), per statement"
for round in $(seq 1 "$rounds"); do
    for index in without with; do
        sql -c "TRUNCATE app.rxdb_subscription" -c "DROP INDEX IF EXISTS app.idx_rxdb_subscription_instance"
        [ "$index" = with ] && sql -c "CREATE INDEX idx_rxdb_subscription_instance ON app.rxdb_subscription (instance_id)"
        echo "round $round, $index the instance index: $(latency insert.pgbench 200), load $(load)"
    done
done

echo "## one dead instance among 100 in 1,000,000 rows, removed in batches of 500, per batch"
sql -c "CREATE INDEX IF NOT EXISTS idx_rxdb_subscription_instance ON app.rxdb_subscription (instance_id)"
for round in $(seq 1 "$rounds"); do
    for seqscan in on off; do
        sql -c "TRUNCATE app.rxdb_subscription, app.rtsync_instance" \
            -c "INSERT INTO app.rtsync_instance (instance_id, declared_dead_ts) VALUES ('inst-1', now())" \
            -c "INSERT INTO app.rtsync_instance (instance_id) SELECT 'inst-' || i FROM generate_series(2, 100) i"
        latency insert.pgbench 1000 >/dev/null
        sql -c "VACUUM ANALYZE app.rxdb_subscription"
        dead=$(sql -c "SELECT count(*) FROM app.rxdb_subscription WHERE instance_id = 'inst-1'")
        batches=$(( dead / 500 + 1 ))
        took=$(latency remove-batch.pgbench "$batches" -D seqscan=$seqscan)
        left=$(sql -c "SELECT count(*) FROM app.rxdb_subscription WHERE instance_id = 'inst-1'")
        echo "round $round, enable_seqscan $seqscan: $dead rows in $batches batches, $took per batch, $left left, load $(load)"
    done
done
