/**
 * Output of the simulator commands: progress bar with rate and ETA, tables, CSV files, PNG
 * charts mirroring the figures of §4.1 of the Herd paper, and the one-line JSON summary.
 */
package org.herd.sim.report;
