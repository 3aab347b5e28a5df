/**
 * Layer 0 (beside {@code time}): counters the data path uses to drop-and-count bad input
 * without allocating or locking (STYLE.md habit 7).
 */
package org.herd.core.metrics;
