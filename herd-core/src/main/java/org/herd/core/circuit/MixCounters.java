package org.herd.core.circuit;

/**
 * What a {@link Mix} dropped or refused, by cause (written only by the Mix's thread; read in tests
 * and by the metrics endpoint). Each counter is a drop-and-count site on the data or control path.
 */
public final class MixCounters {
    long chaff;
    long unknownCellCommands;
    long malformedCells;
    long unknownCircuit;
    long badCircuitId;
    long forwardDrops;
    long backwardDrops;
    long unknownRelayCommands;
    long unexpectedRelayCommands;
    long malformedMessages;
    long handshakeFailures;
    long extendFailures;
    long refusedConnects;
    long refusedAtCapacity;
    long splicedCells;
    long parkedCalls;
    long heldResumes;
    long resumedCalls;
    long duplicateControl;
    long idleLayersReleased;
    long idleSplicesEnded;

    /**
     * Circuits whose onion layers dropped their AES instances after carrying no cell for a sweep
     * period ({@link Mix#IDLE_SWEEP_NANOS}); the next cell makes them again.
     */
    public long idleLayersReleased() {
        return idleLayersReleased;
    }

    /** Splices ended because they carried no cell for {@link Mix#SPLICE_IDLE_NANOS} (END lost, party gone). */
    public long idleSplicesEnded() {
        return idleSplicesEnded;
    }

    /** PADDING (chaff) cells received and discarded. */
    public long chaff() {
        return chaff;
    }

    /** Link cells with a command this version does not know. */
    public long unknownCellCommands() {
        return unknownCellCommands;
    }

    /** Link cells that cannot be valid (circuit id 0 with a circuit command, bad relay length). */
    public long malformedCells() {
        return malformedCells;
    }

    /** Cells for a circuit this Mix does not have. */
    public long unknownCircuit() {
        return unknownCircuit;
    }

    /** CREATEs with an id from the wrong half of the id space, or for an id in use. */
    public long badCircuitId() {
        return badCircuitId;
    }

    /** Forward relay cells dropped by the onion layer (tampered, replayed). */
    public long forwardDrops() {
        return forwardDrops;
    }

    /** Backward relay cells dropped on circuits this Mix originated (tampered, replayed). */
    public long backwardDrops() {
        return backwardDrops;
    }

    /** Recognised relay cells whose relay command this version does not know. */
    public long unknownRelayCommands() {
        return unknownRelayCommands;
    }

    /** Recognised relay cells with a known command that makes no sense here or now. */
    public long unexpectedRelayCommands() {
        return unexpectedRelayCommands;
    }

    /** Control messages that did not decode, and fragment abuse. */
    public long malformedMessages() {
        return malformedMessages;
    }

    /** CREATE or EXTEND handshakes that failed. */
    public long handshakeFailures() {
        return handshakeFailures;
    }

    /** EXTENDs to a Mix this Mix has no link to, or whose CREATED never came. */
    public long extendFailures() {
        return extendFailures;
    }

    /** CONNECTs refused (not registered, busy, no pre-built circuit). */
    public long refusedConnects() {
        return refusedConnects;
    }

    /** CONNECTs and RESUMEs refused because a link of the splice was at capacity (also in {@link #refusedConnects()}). */
    public long refusedAtCapacity() {
        return refusedAtCapacity;
    }

    /** Cells re-originated across a rendezvous splice. */
    public long splicedCells() {
        return splicedCells;
    }

    /** Calls whose other half was destroyed, kept at this Mix (as R2) waiting for a RESUME (§3.5). */
    /** RESUMEs that arrived while their call was still spliced here, held until the lost half was torn down. */
    public long heldResumes() {
        return heldResumes;
    }

    public long parkedCalls() {
        return parkedCalls;
    }

    /** Parked calls spliced again by a RESUME. */
    public long resumedCalls() {
        return resumedCalls;
    }

    /**
     * Re-sent control messages handled as duplicates: a REGISTER already registered (answered
     * again) or still pending (dropped), a CONNECT or RESUME on a circuit already spliced (passed
     * on, or at R2 a RESUME answered again), and END copies arriving after the splice is undone.
     */
    public long duplicateControl() {
        return duplicateControl;
    }
}
