#!/usr/bin/env bash
# docs/scaling.md: 1, 2 and 4 rtsync instances on one PostgreSQL under the same total load.
# Each instance gets its own load tool (latency scenario) with its share of the connections and of
# the change rate, on projects of its own (--entity-offset); every instance still reads every change.
# Database CPU is read from /proc for the server's processes, so give it a PostgreSQL of its own:
#
#   runuser -u postgres -- /usr/lib/postgresql/15/bin/initdb -D /tmp/rtsync-scaling-pg/data -U postgres --auth=trust
#   (port 5499, listen 127.0.0.1, max_connections 200 in its postgresql.conf) and pg_ctl start
#   ./mvnw -q -Pbenchmarks -pl bootstrap,benchmarks -am package -DskipTests
#   benchmarks/scripts/scaling.sh 1 2 4
#
# Bounded: per instance count about a minute; every process it starts is stopped at the end.
set -euo pipefail
RTSYNC_JAR=${RTSYNC_JAR:-bootstrap/target/rtsync.jar}
BENCH_JAR=${BENCH_JAR:-benchmarks/target/benchmarks.jar}
PG_PORT=${PG_PORT:-5499}
PG_DATA=${PG_DATA:-/tmp/rtsync-scaling-pg/data}
RATE=${RATE:-200}                 # changes/s, all tools together
CONNECTIONS=${CONNECTIONS:-2000}  # WebSocket connections, all instances together
SECONDS_WRITING=${SECONDS_WRITING:-30}
OUT=${OUT:-/tmp/rtsync-scaling-results}
# TOOLS=one: a single load tool, on instance 1, with all the connections and the whole rate; the
# other instances hold no connections but read (and acknowledge) every change all the same. This
# isolates what an added instance costs the database, with fewer processes on a small machine.
TOOLS=${TOOLS:-per-instance}
SECRET='scaling-run-secret-of-at-least-32-bytes!'
mkdir -p "$OUT"
STARTED=()   # every process this script starts, stopped on any exit
trap 'for p in "${STARTED[@]}"; do kill "$p" 2>/dev/null || true; done' EXIT

postmaster_pid() { head -1 "$PG_DATA/postmaster.pid"; }
# CPU ticks of the server: the postmaster's own and those of its exited children (utime, stime,
# cutime, cstime), plus those of its running backends. Backends come and go (each sample's psql is
# one), so summing only the running ones would lose the time of those that exited.
db_ticks() {
    local pm total pid
    pm=$(postmaster_pid)
    total=$(awk '{print $14 + $15 + $16 + $17}' "/proc/$pm/stat")
    for pid in $(pgrep -P "$pm"); do
        total=$((total + $(awk '{print $14 + $15}' "/proc/$pid/stat" 2>/dev/null || echo 0)))
    done
    echo "$total"
}

run() {
    local n=$1 db="scale_$1" pids=() tools=() k tool_count=$1
    [ "$TOOLS" = one ] && tool_count=1
    psql -h 127.0.0.1 -p "$PG_PORT" -U postgres -qc "DROP DATABASE IF EXISTS $db WITH (FORCE)" -c "CREATE DATABASE $db"
    psql -h 127.0.0.1 -p "$PG_PORT" -U postgres -qc "DO \$\$ BEGIN CREATE ROLE rtsync_runtime LOGIN; EXCEPTION WHEN duplicate_object THEN NULL; END \$\$"
    local owner="postgresql://postgres@127.0.0.1:$PG_PORT/$db"
    DATABASE_URL=$owner java -jar "$RTSYNC_JAR" migrate --with-samples
    DATABASE_URL=$owner java -jar "$RTSYNC_JAR" grant rtsync_runtime
    for k in $(seq 1 "$n"); do
        DATABASE_URL="postgresql://rtsync_runtime@127.0.0.1:$PG_PORT/$db" RTSYNC_MIGRATE_ON_START=false \
        JWT_SECRET=$SECRET PUBSUB_PORT=$((4200 + k)) RTSYNC_MANAGEMENT_PORT=$((4300 + k)) RTSYNC_INSTANCE_ID="scale-$k" \
            java -Xms256m -Xmx512m -jar "$RTSYNC_JAR" > "$OUT/rtsync-$n-$k.log" 2>&1 &
        pids+=($!)
        STARTED+=($!)
    done
    for k in $(seq 1 "$n"); do
        for _ in $(seq 1 120); do curl -sf "http://127.0.0.1:$((4200 + k))/health/ready" >/dev/null && break; sleep 0.5; done
    done
    echo "== $n instance(s), $tool_count load tool(s): $(uptime)" | tee -a "$OUT/summary.txt"
    ( while sleep 1; do
          echo "$(date +%s.%N) $(db_ticks) $(psql -h 127.0.0.1 -p "$PG_PORT" -U postgres -d "$db" -Atc "SELECT coalesce(max(seq), 0) FROM app.logging")"
      done ) > "$OUT/db-$n.samples" &
    local sampler=$!
    STARTED+=($sampler)
    for k in $(seq 1 "$tool_count"); do
        JWT_SECRET=$SECRET DATABASE_URL="postgresql://postgres@127.0.0.1:$PG_PORT/$db" \
            java -XX:+UseZGC -Xmx512m -jar "$BENCH_JAR" latency --port $((4200 + k)) \
            --connections $((CONNECTIONS / tool_count)) --ids-per-connection 10 --subscribers-per-entity 2 \
            --rate $((RATE / tool_count)) --synchronous-commit false --seconds "$SECONDS_WRITING" --warmup-seconds 5 --settle-seconds 3 --drain-seconds 10 \
            --users 250 --entity-offset $((k * 100000)) --max-seconds 180 --results-dir "$OUT/json-$n" > "$OUT/tool-$n-$k.txt" 2>&1 &
        tools+=($!)
        STARTED+=($!)
    done
    for t in "${tools[@]}"; do wait "$t" || echo "a tool failed: see $OUT/tool-$n-*.txt"; done
    kill "$sampler" || true
    for p in "${pids[@]}"; do kill "$p"; done
    for p in "${pids[@]}"; do wait "$p" || true; done
    echo "   after: $(uptime)" | tee -a "$OUT/summary.txt"
}

# Database CPU while the writers ran: the samples in which the log grew by between half and five
# times the rate per second (the seeding before, a stalled sampler and the stop after left out), as
# cores (CPU seconds per second) and per log row.
window() {
    awk -v rate="$RATE" -v hz="$(getconf CLK_TCK)" '
        NR > 1 && ($3 - seq) / ($1 - t) >= rate / 2 && ($3 - seq) / ($1 - t) <= rate * 5 {
            T += $1 - t; C += ($2 - ticks) / hz; S += $3 - seq; k++ }
        { t = $1; ticks = $2; seq = $3 }
        END { if (T > 0) printf "database CPU %.3f cores, %.0f log rows/s, %.0f us per row (%d samples over %.0f s)\n", C / T, S / T, 1e6 * C / S, k, T }' "$1"
}

for n in "$@"; do run "$n"; echo "   $(window "$OUT/db-$n.samples")" | tee -a "$OUT/summary.txt"; done
