package org.herd.core.crypto;

/**
 * The originator's (client's) side of a circuit's onion layers: it shares {@link HopKeys} with
 * every hop, so it wraps a forward cell in one layer per hop up to the target and peels every
 * layer off a backward cell. Obtain one from {@link OnionLayers#originator()}.
 *
 * <p>Cells are {@link org.herd.core.wire.Cell#SIZE}-byte RELAY cells in a caller's buffer at
 * {@code cellOffset}; only the onion nonce and body are touched (layout in
 * {@link org.herd.core.wire.RelayCell}). Data-path methods allocate nothing and return codes:
 * bad cells are dropped and counted. Not thread-safe: owned by the circuit's event-loop thread.
 */
public interface OnionOriginator {

    /** The most hops a circuit may have (five in the paper, seven with superpeers, plus slack). */
    int MAX_HOPS = 8;

    /** Appends the next hop (after its CREATED/EXTENDED); control path. */
    void addHop(HopKeys keys);

    /** Hops added so far. */
    int hopCount();

    /**
     * Encrypts a forward cell for hop {@code targetHop} (0 = first hop). The caller has written
     * the relay command, stream id, length and data of the body; this sets recognized and MAC,
     * applies layers {@code targetHop..0} and writes a fresh nonce.
     */
    void encryptForward(byte[] buffer, int cellOffset, int targetHop);

    /**
     * Peels a backward cell: returns the index of the hop that originated it, with the plaintext
     * body in place, or -1 if no hop's MAC verifies or it is a replay (dropped and counted).
     */
    int decryptBackward(byte[] buffer, int cellOffset);

    /** Backward cells that no hop's MAC recognised. */
    long integrityFailures();

    /** Backward cells that were recognised but replayed or older than the replay window. */
    long replaysDropped();
}
