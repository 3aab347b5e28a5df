/**
 * JMH microbenchmarks of Herd's per-cell path (wire, onion layers, slot scheduling, DTLS
 * records), each with a baseline in the same run; run with {@code bin/herd bench jmh}, which
 * adds JMH's GC profiler so that allocation per operation is printed beside the time.
 */
package org.herd.bench.jmh;
