package org.herd.core.time;

/**
 * The only source of time for protocol logic. Production code is handed {@link SystemClock};
 * tests hand in a {@link ManualClock} and move it by hand, so no unit test sleeps.
 *
 * <p>Deadlines are compared as {@code deadline - now <= 0} so that the comparison survives
 * wrap-around of the nanosecond counter.
 */
public interface Clock {

    /** A monotonic time in nanoseconds; only differences between two readings mean anything. */
    long nanoTime();

    /** Wall-clock milliseconds since the epoch, for certificate validity only. */
    long epochMillis();
}
