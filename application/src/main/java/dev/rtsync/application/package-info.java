/**
 * The use cases of rtsync ({@code usecase}), the ports they drive ({@code port.out}) and the
 * messages a client receives ({@code message}). Depends on the domain and the JDK only.
 */
package dev.rtsync.application;
