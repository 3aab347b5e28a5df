package org.herd.core.crypto;

/**
 * One relay hop's side of a circuit's onion layers (a Mix or rendezvous Mix on the circuit).
 * Obtain one from {@link OnionLayers#relay(HopKeys)}. Same buffer conventions, no allocation and
 * no exceptions on the data path as {@link OnionOriginator}; not thread-safe.
 */
public interface OnionRelay {

    /**
     * Removes this hop's layer from a forward cell. {@code lastHop} says that the circuit has no
     * next hop here, so a cell that is not recognised is dropped and counted as an integrity failure.
     */
    OnionVerdict processForward(byte[] buffer, int cellOffset, boolean lastHop);

    /** Adds this hop's backward layer to a cell coming from further along the circuit. */
    void processBackward(byte[] buffer, int cellOffset);

    /**
     * Originates a backward cell at this hop: the caller has written relay command, stream id,
     * length and data; this sets recognized, MAC and a fresh nonce and adds this hop's layer.
     */
    void originateBackward(byte[] buffer, int cellOffset);

    /**
     * Upkeep for memory, called periodically (e.g. every few seconds) on the owning thread: a
     * direction that carried no cell since the previous call drops its AES instances (about
     * 0.7 KB each; made again, once, by its next cell). Keys, counters and replay window stay, so
     * nothing a later cell needs is lost. Returns true if anything was dropped.
     */
    boolean releaseIdleCiphers();

    /**
     * Consecutive {@link #releaseIdleCiphers()} calls, up to the last, between which no cell crossed
     * this hop in either direction (0 if one did).
     */
    int idleSweeps();

    /** The AES instances this hop holds now, both directions (inspection: status and tests). */
    int cipherCount();

    /** Forward cells dropped because nothing recognised them at the last hop (tampering). */
    long integrityFailures();

    /** Forward cells recognised here but replayed or older than the replay window. */
    long replaysDropped();
}
