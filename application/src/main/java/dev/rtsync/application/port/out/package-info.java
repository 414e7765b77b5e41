/**
 * The driven ports: what the use cases need from the outside world, named for the need
 * ({@code SubscriptionStore}, {@code ChangeLog}, {@code TokenVerifier}, {@code ClientChannel},
 * {@code HealthProbe}, {@code Telemetry}), and {@code ConnectionLevels}, the counts the
 * application provides for {@code Telemetry} to read when asked. Adapters are named technology + port ({@code PostgresSubscriptionStore});
 * the in-memory fakes in the test-jar {@code InMemory…}. Time comes through {@link java.time.Clock}.
 *
 * <p>No method takes or returns {@code null}. A database that cannot be reached surfaces as
 * {@link dev.rtsync.application.port.out.StorageUnavailableException}.
 */
package dev.rtsync.application.port.out;
