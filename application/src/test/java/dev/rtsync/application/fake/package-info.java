/**
 * In-memory adapters for every driven port, shared with the other modules through this
 * module's test-jar. Each passes the same contract tests as its real adapter.
 */
package dev.rtsync.application.fake;
