package org.herd.core.link;

/**
 * The anti-replay window of a link's application-data records (RFC 6347 §4.1.2.6): a record is
 * accepted once, in any order, if its sequence number is no more than 63 below the highest
 * authenticated one. The window is checked before the tag (cheap drop of replays) and updated
 * only after the tag verified (so a forgery cannot move it). No allocation; event loop only.
 */
final class RecordReplayWindow {

    /** Window width in records (RFC 6347 §4.1.2.6 suggests at least 32; 64 as Bouncy Castle and OpenSSL keep). */
    static final int SIZE = 64;

    private long highest = -1;
    /** Bit i set: sequence number {@code highest - i} was accepted. */
    private long bitmap;

    /** True if {@code seq} was already accepted or is too old to tell. */
    boolean isReplay(long seq) {
        if (seq > highest) {
            return false;
        }
        long age = highest - seq;
        return age >= SIZE || (bitmap & (1L << age)) != 0;
    }

    /** Records that an authenticated record with {@code seq} (not a replay) was accepted. */
    void accept(long seq) {
        if (seq > highest) {
            long shift = seq - highest;
            bitmap = highest < 0 || shift >= SIZE ? 1L : (bitmap << shift) | 1L;
            highest = seq;
        } else {
            long age = highest - seq;
            if (age < SIZE) {
                bitmap |= 1L << age;
            }
        }
    }

    /** The highest accepted sequence number, or -1. */
    long highest() {
        return highest;
    }
}
