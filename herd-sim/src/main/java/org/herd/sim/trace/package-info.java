/**
 * Call traces for the trace-driven evaluation of §4.1 of the Herd paper: the documented CSV
 * form (start, duration, caller, callee with opaque hashed ids), the compact binary form
 * (fixed 16-byte little-endian records sorted by start time, read through large buffers),
 * and the converter between them. See {@code docs/sim.md} for the format specification.
 */
package org.herd.sim.trace;
