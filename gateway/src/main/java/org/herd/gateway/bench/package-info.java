/**
 * {@code herd bench}: load harnesses and JMH runs that measure Herd against the targets of
 * DESIGN.md §7, printing ratios against a baseline measured in the same run.
 */
package org.herd.gateway.bench;
