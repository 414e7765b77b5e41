package dev.rtsync.adapters.postgres;

import dev.rtsync.application.port.out.LogRetention;
import org.jdbi.v3.core.Jdbi;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;

/**
 * {@link LogRetention} over {@code app.logging}. "Passed by every instance" is whatever
 * {@code app.rtsync_passed_below()} (V3) says: a change row goes once its transaction is below it,
 * that is, finished before the snapshot every reader has handed on; with no reader registered, no
 * change row goes. VIEW rows go by age alone: no reader ever reads them.
 */
public final class PostgresLogRetention implements LogRetention {

    // One statement, one short transaction: pick up to :limit rows, skipping rows another instance's
    // retention (or an acknowledgement) holds locked instead of waiting for them, and delete those.
    // Row locks only: the REST API's inserts never wait for it.
    static final String DELETE_BATCH = """
            WITH doomed AS (
                SELECT l.id FROM app.logging l
                WHERE l.created_ts < :cutoff
                  AND (l.action = 0
                       OR l.txid < (SELECT app.rtsync_passed_below()))
                LIMIT :limit
                FOR UPDATE SKIP LOCKED)
            DELETE FROM app.logging l USING doomed
            WHERE l.id = doomed.id
            RETURNING l.action = 0 AS view""";

    private final Jdbi jdbi;

    public PostgresLogRetention(PostgresDatabase database) {
        this.jdbi = database.jdbi();
    }

    @Override
    public Deleted deleteBatch(Instant cutoff, int limit) {
        if (limit < 1) {
            throw new IllegalArgumentException("limit must be at least 1");
        }
        List<Boolean> views = Failures.withHandle(jdbi, "delete old change-log rows", handle -> handle.createQuery(DELETE_BATCH)
                .bind("cutoff", OffsetDateTime.ofInstant(cutoff, ZoneOffset.UTC))
                .bind("limit", limit)
                .mapTo(Boolean.class)
                .list());
        int viewRows = (int) views.stream().filter(Boolean::booleanValue).count();
        return new Deleted(viewRows, views.size() - viewRows);
    }
}
