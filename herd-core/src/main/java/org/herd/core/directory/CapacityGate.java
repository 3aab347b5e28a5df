package org.herd.core.directory;

import java.util.Objects;

/**
 * Admission control for one link (or one pool of links) of a {@link RateScope} (§3.4): a new
 * payload flow is admitted only if the payload cells per tick already admitted plus the new
 * flow's fit in the rate now in force; otherwise the call is refused at once. Nothing is ever
 * queued, because a queued voice flow would only turn into delay.
 *
 * <p>The rate is read from the {@link RateSource} at every admission, so a rate change at an
 * epoch boundary applies to the next call without any notification. If a lowered rate leaves
 * more flows active than it can carry, no new flow is admitted until enough have been released
 * ({@link #overCapacity()} says by how much).
 *
 * <p>Thread-safe; admission is per call set-up, not per cell.
 */
public final class CapacityGate {

    /** The result of an admission request. */
    public enum Admission {
        /** The flow fits; the caller must {@link #release(int)} it when the call ends. */
        ADMITTED,
        /** The flow does not fit in the current rate; the call is refused, nothing was reserved. */
        REFUSED_AT_CAPACITY
    }

    private final RateScope scope;
    private final RateSource rates;
    private int activeCells;
    private long admitted;
    private long refused;

    /** A gate for {@code scope} with rates from {@code rates}. */
    public CapacityGate(RateScope scope, RateSource rates) {
        this.scope = Objects.requireNonNull(scope, "scope");
        this.rates = Objects.requireNonNull(rates, "rates");
    }

    /**
     * Admits a flow of {@code cellsPerTick} payload cells per tick (one voice direction is 1), or
     * refuses it if it does not fit in the current rate.
     */
    public synchronized Admission tryAdmit(int cellsPerTick) {
        if (cellsPerTick < 1) {
            throw new IllegalArgumentException("a flow carries at least 1 cell per tick: " + cellsPerTick);
        }
        int capacity = rates.currentRate(scope);
        if ((long) activeCells + cellsPerTick > capacity) {
            refused++;
            return Admission.REFUSED_AT_CAPACITY;
        }
        activeCells += cellsPerTick;
        admitted++;
        return Admission.ADMITTED;
    }

    /** Releases a flow admitted earlier. */
    public synchronized void release(int cellsPerTick) {
        if (cellsPerTick < 1 || cellsPerTick > activeCells) {
            throw new IllegalStateException("release of " + cellsPerTick + " cells/tick with only " + activeCells + " active");
        }
        activeCells -= cellsPerTick;
    }

    /** Payload cells per tick currently admitted. */
    public synchronized int activeCellsPerTick() {
        return activeCells;
    }

    /** How many cells per tick the active flows exceed the current rate by (0 normally). */
    public synchronized int overCapacity() {
        return Math.max(0, activeCells - rates.currentRate(scope));
    }

    /** Flows admitted so far. */
    public synchronized long admittedCount() {
        return admitted;
    }

    /** Flows refused so far. */
    public synchronized long refusedCount() {
        return refused;
    }

    /** The scope whose rate bounds this gate. */
    public RateScope scope() {
        return scope;
    }
}
