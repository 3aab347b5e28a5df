package org.herd.core.crypto;

/**
 * Sliding-window replay filter over 64-bit cell counters (in the manner of RFC 6479): accepts
 * each counter once, in any order, as long as it is within {@link #SIZE} of the highest seen.
 * At 50 cells/s a window of 1024 tolerates reordering of 20 s — far beyond any voice deadline.
 * No allocation; not thread-safe (owned by the thread that owns the circuit).
 */
final class ReplayWindow {

    /** Window width in counters. */
    static final int SIZE = 1024;

    private final long[] bits = new long[SIZE / 64];
    private long top = -1;

    /** True (and remembers it) if {@code counter} is new and not older than the window; false otherwise. */
    boolean accept(long counter) {
        if (counter < 0) {
            return false;
        }
        if (counter > top) {
            long advance = counter - top;
            if (advance >= SIZE) {
                java.util.Arrays.fill(bits, 0L);
            } else {
                for (long c = top + 1; c <= counter; c++) {
                    clear(c);
                }
            }
            top = counter;
            set(counter);
            return true;
        }
        if (top - counter >= SIZE || isSet(counter)) {
            return false;
        }
        set(counter);
        return true;
    }

    private void set(long c) {
        bits[(int) ((c >>> 6) & (bits.length - 1))] |= 1L << (c & 63);
    }

    private void clear(long c) {
        bits[(int) ((c >>> 6) & (bits.length - 1))] &= ~(1L << (c & 63));
    }

    private boolean isSet(long c) {
        return (bits[(int) ((c >>> 6) & (bits.length - 1))] & (1L << (c & 63))) != 0;
    }
}
