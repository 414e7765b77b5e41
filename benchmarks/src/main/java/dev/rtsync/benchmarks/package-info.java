/**
 * The load tool of issue 6 ({@link dev.rtsync.benchmarks.LoadTest}): browsers simulated over the
 * real WebSocket protocol, changes committed through PostgreSQL's trigger, and the latency between
 * the two. See docs/benchmarks.md.
 */
package dev.rtsync.benchmarks;
