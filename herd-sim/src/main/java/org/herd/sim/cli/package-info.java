/**
 * The {@code herd sim} command family (picocli): generate, convert, attack intersection,
 * anonymity, superpeers, cost. Each prints a table, writes a CSV, draws PNG charts with
 * {@code --plot DIR}, and with {@code --json} prints one JSON object as its last line.
 */
package org.herd.sim.cli;
