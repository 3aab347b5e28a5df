package org.herd.core.crypto;

/** What a relay hop does with a forward cell after removing its layer ({@link OnionRelay#processForward}). */
public enum OnionVerdict {
    /** The cell is for this hop: its body now holds the plaintext relay header and data. */
    RECOGNIZED,
    /** Not for this hop: the layer is removed and the nonce transformed; send it to the next hop. */
    FORWARD,
    /** Tampered, replayed, or unrecognised at the last hop: discard it (already counted). */
    DROP
}
