package org.herd.core.circuit;

/**
 * Packs a link's peer handle and a circuit id on that link into one {@code long}, the key of every
 * circuit lookup (no allocation per cell). A peer handle is the small non-negative integer the
 * link layer gave the link; circuit ids are unsigned 32-bit values, 0 being the link itself.
 */
public final class LinkCircuit {

    /** "No hop": the circuit ends here. */
    public static final long NONE = -1L;

    private LinkCircuit() {
    }

    /** The key of circuit {@code circuitId} on the link to {@code peer}. */
    public static long of(int peer, int circuitId) {
        if (peer < 0) {
            throw new IllegalArgumentException("peer handle " + peer);
        }
        return (long) peer << 32 | (circuitId & 0xFFFF_FFFFL);
    }

    /** The peer handle of {@code key}. */
    public static int peer(long key) {
        return (int) (key >>> 32);
    }

    /** The circuit id of {@code key}. */
    public static int circuitId(long key) {
        return (int) key;
    }

    /** Printable form, e.g. {@code 3/0x8000002a}. */
    public static String toString(long key) {
        return key == NONE ? "none" : peer(key) + "/0x" + Integer.toHexString(circuitId(key));
    }
}
