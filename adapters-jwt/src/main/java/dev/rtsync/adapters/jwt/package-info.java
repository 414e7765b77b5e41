/**
 * The {@code TokenVerifier} port over Nimbus JOSE+JWT: {@link dev.rtsync.adapters.jwt.NimbusTokenVerifier}.
 */
package dev.rtsync.adapters.jwt;
