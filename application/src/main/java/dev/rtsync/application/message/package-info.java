/**
 * What a client is told, as Java types. Their JSON form belongs to the WebSocket adapter.
 */
package dev.rtsync.application.message;
