package org.herd.core.time;

import java.util.concurrent.TimeUnit;

/**
 * A {@link Clock} that moves only when told to. Used by unit tests to drive timers and slot
 * schedulers deterministically ("advance to 1 ns before the deadline: nothing happens").
 */
public final class ManualClock implements Clock {

    private long nanos;
    private long epochMillis;

    /** A clock at monotonic time 0 and wall time 2026-01-01T00:00:00Z. */
    public ManualClock() {
        this(0L, 1_767_225_600_000L);
    }

    /** A clock at the given monotonic and wall times. */
    public ManualClock(long nanos, long epochMillis) {
        this.nanos = nanos;
        this.epochMillis = epochMillis;
    }

    @Override
    public long nanoTime() {
        return nanos;
    }

    @Override
    public long epochMillis() {
        return epochMillis;
    }

    /** Moves both readings forward by {@code amount} of {@code unit}; returns the new nano time. */
    public long advance(long amount, TimeUnit unit) {
        long delta = unit.toNanos(amount);
        if (delta < 0) {
            throw new IllegalArgumentException("a clock does not go backwards: " + delta);
        }
        nanos += delta;
        epochMillis += TimeUnit.NANOSECONDS.toMillis(delta);
        return nanos;
    }

    /** Sets the monotonic reading to {@code nanos} (must not be earlier than the current one). */
    public void setNanoTime(long nanos) {
        if (nanos - this.nanos < 0) {
            throw new IllegalArgumentException("a clock does not go backwards");
        }
        this.epochMillis += TimeUnit.NANOSECONDS.toMillis(nanos - this.nanos);
        this.nanos = nanos;
    }

    /** Sets the wall-clock reading, e.g. to test certificate expiry. */
    public void setEpochMillis(long epochMillis) {
        this.epochMillis = epochMillis;
    }
}
