package org.herd.core.directory;

import org.herd.core.time.Clock;

/**
 * Numbers the rate epochs (§3.4.2, §3.4.3): epoch {@code n} is the wall-clock interval
 * {@code [origin + n·length, origin + (n+1)·length)}. Link rates change only at epoch boundaries.
 *
 * <p>Epochs are counted on wall-clock time ({@link Clock#epochMillis()}), not on the monotonic
 * clock, because two zones' directories and all their mixes must agree on which epoch it is
 * without talking to each other; the origin and length are configuration shared by the whole
 * network. Production epochs last hours; tests use seconds.
 *
 * @param originEpochMillis wall-clock start of epoch 0, in ms since 1970
 * @param lengthMillis      the length of one epoch in ms (positive)
 */
public record EpochSchedule(long originEpochMillis, long lengthMillis) {

    /** Default epoch length: one hour (the paper: rate changes "on time scales of hours"). */
    public static final long DEFAULT_LENGTH_MILLIS = 3_600_000L;

    /** Validates the length. */
    public EpochSchedule {
        if (lengthMillis <= 0) {
            throw new IllegalArgumentException("epoch length must be positive: " + lengthMillis + " ms");
        }
    }

    /** The epoch containing wall-clock time {@code epochMillis}; times before the origin are refused. */
    public long epochAt(long epochMillis) {
        long sinceOrigin = epochMillis - originEpochMillis;
        if (sinceOrigin < 0) {
            throw new IllegalArgumentException("time " + epochMillis + " is before the epoch origin " + originEpochMillis);
        }
        return sinceOrigin / lengthMillis;
    }

    /** The epoch the clock is in now. */
    public long currentEpoch(Clock clock) {
        return epochAt(clock.epochMillis());
    }

    /** Wall-clock start of {@code epoch}, in ms since 1970. */
    public long startMillis(long epoch) {
        if (epoch < 0) {
            throw new IllegalArgumentException("negative epoch " + epoch);
        }
        return Math.addExact(originEpochMillis, Math.multiplyExact(epoch, lengthMillis));
    }

    /** Milliseconds from {@code epochMillis} until the next epoch boundary (in {@code (0, length]}). */
    public long millisUntilNextEpoch(long epochMillis) {
        return startMillis(epochAt(epochMillis) + 1) - epochMillis;
    }
}
