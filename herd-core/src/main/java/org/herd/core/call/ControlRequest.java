package org.herd.core.call;

import org.herd.core.circuit.Circuit;

/**
 * A control request a client sent on a circuit and awaits the answer to (REGISTER, LOOKUP,
 * CONNECT, RESUME; §3.3, §3.5 of the Herd paper), re-sent with exponential back-off because a cell
 * can be lost (a starved process overflowing its socket buffer): the first copy goes at once, the
 * next after {@code firstIntervalNanos}, then after twice that, and so on, at most
 * {@link CallClient#MAX_SENDS} copies in all. Each copy is the same message bytes (a new fragment
 * message id), so the receivers recognise a duplicate by its content (cookie, call id). Times come
 * from the caller (the client's injected clock); owned by the client's thread.
 */
final class ControlRequest {

    private final int relayCommand;
    private final byte[] message;
    private final long firstIntervalNanos;
    private int sends;
    private long resendAt;

    ControlRequest(int relayCommand, byte[] message, long firstIntervalNanos) {
        this.relayCommand = relayCommand;
        this.message = message;
        this.firstIntervalNanos = firstIntervalNanos;
    }

    /** Sends a copy on {@code circuit} to its last hop and schedules the next one. */
    void send(Circuit circuit, long now) {
        circuit.sendControl(relayCommand, circuit.lastHopIndex(), message);
        sends++;
        resendAt = now + (firstIntervalNanos << (sends - 1));
    }

    /** Re-sends on {@code circuit} if the next copy is due and copies are left; true if it sent one. */
    boolean resendIfDue(Circuit circuit, long now) {
        if (sends >= CallClient.MAX_SENDS || resendAt - now > 0) {
            return false;
        }
        send(circuit, now);
        return true;
    }

    /** Copies sent so far. */
    int sends() {
        return sends;
    }
}
