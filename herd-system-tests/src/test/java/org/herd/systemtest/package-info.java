/**
 * System tests (test tier 3 of STYLE.md): the {@code herd} program's roles as real processes on
 * loopback, started with the test classpath, bounded in time, stopping what they start.
 */
package org.herd.systemtest;
