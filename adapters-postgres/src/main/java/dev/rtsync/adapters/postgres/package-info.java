/**
 * The PostgreSQL adapters: {@link dev.rtsync.adapters.postgres.PostgresSubscriptionStore},
 * {@link dev.rtsync.adapters.postgres.PostgresChangeLog} and
 * {@link dev.rtsync.adapters.postgres.PostgresHealthProbe}, with JDBI over one HikariCP pool
 * ({@link dev.rtsync.adapters.postgres.PostgresDatabase}), the address parser
 * {@link dev.rtsync.adapters.postgres.DatabaseUrl} and the Flyway runner
 * {@link dev.rtsync.adapters.postgres.Migrations}. The schema and the reader's correctness
 * argument are in {@code docs/database.md}.
 */
package dev.rtsync.adapters.postgres;
