/** Primitive collections sized for month-scale traces (no boxing, no per-entry objects). */
package org.herd.sim.util;
