/**
 * JMH microbenchmarks of rtsync's hot paths, run with {@code java -jar benchmarks/target/benchmarks.jar jmh}.
 * One class per hot path, named {@code <What>Benchmark}: the wire codec gets one here once the
 * WebSocket adapter has it.
 */
package dev.rtsync.benchmarks.jmh;
