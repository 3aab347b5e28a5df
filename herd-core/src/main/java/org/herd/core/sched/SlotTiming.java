package org.herd.core.sched;

/**
 * The slot arithmetic of §3.4 (DESIGN.md §3 "Constant rate"), in one place.
 *
 * <p>Tick {@code k} starts at {@code originNanos + (k - originTick) * TICK_NANOS}. A link of rate
 * {@code m} with phase {@code p} (a fraction of its slot interval in units of 2<sup>-16</sup>)
 * has, in tick {@code k}, the {@code m} slots
 *
 * <pre>
 *   start(k) + phaseOffset(m, p) + floor(j * TICK_NANOS / m),   j = 0 .. m-1
 * </pre>
 *
 * <p>Slot times are computed from the tick number, never by adding an interval to the previous
 * slot, so 20/m ms that is not a whole number of nanoseconds (m = 3, 7, ...) cannot drift: each
 * tick holds exactly m slots, and since {@code phaseOffset < TICK_NANOS / m} the last slot of a
 * tick is still inside the tick.
 */
public final class SlotTiming {

    /** One tick: the frame period of the voice codec, 20 ms (§3.4.1: one cell per frame). */
    public static final long TICK_NANOS = 20_000_000L;
    /** The highest rate multiple accepted: 1000·u is one slot every 20 µs. */
    public static final int MAX_RATE = 1000;
    /** Phases are fractions of a slot interval in units of 2^-16. */
    public static final int PHASE_ONE = 1 << 16;

    private SlotTiming() {
    }

    /** The offset of slot 0 in a tick for rate {@code m} and phase {@code phase16}. */
    public static long phaseOffsetNanos(int m, int phase16) {
        return ((TICK_NANOS / m) * phase16) >>> 16;
    }

    /** The offset of slot {@code j} from the start of its tick. */
    public static long slotOffsetNanos(int m, int phase16, int j) {
        return phaseOffsetNanos(m, phase16) + (j * TICK_NANOS) / m;
    }

    /**
     * A deterministic, well-spread phase for the {@code n}-th link: the fractional part of
     * n·(golden ratio), which keeps any number of links added one by one nearly evenly spread
     * over the slot interval (a low-discrepancy sequence), so that 200 links do not all fire
     * at the same instant.
     */
    public static int goldenPhase(long n) {
        // 0x9E3779B97F4A7C15 = 2^64 / golden ratio; the top 16 bits of n * it are frac(n/phi).
        return (int) ((n * 0x9E3779B97F4A7C15L) >>> 48);
    }

    /** Checks a rate multiple; throws {@link IllegalArgumentException} if outside 1..MAX_RATE. */
    public static int checkRate(int m) {
        if (m < 1 || m > MAX_RATE) {
            throw new IllegalArgumentException("rate multiple must be 1.." + MAX_RATE + ": " + m);
        }
        return m;
    }
}
