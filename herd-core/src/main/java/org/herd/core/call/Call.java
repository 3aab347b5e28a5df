package org.herd.core.call;

import java.util.Arrays;
import org.herd.core.circuit.Circuit;
import org.herd.core.crypto.ClientCertificate;
import org.herd.core.crypto.IdentityPublicKey;
import org.herd.core.crypto.Ntor;
import org.herd.core.crypto.e2e.FrameSealer;
import org.herd.core.wire.Bytes;
import org.herd.core.wire.Cell;
import org.herd.core.wire.ControlMessages;
import org.herd.core.wire.RelayCell;
import org.herd.core.wire.RelayCommand;

/**
 * One voice call at a client (§3.3 of the Herd paper), on the caller's circuit to its rendezvous
 * Mix or on the callee's registered circuit. An explicit state machine:
 *
 * <pre>
 *  caller:  LOOKING_UP --ANSWER ok--> CONNECTING --CONNECTED--> ACTIVE --hangUp/END--> ENDED
 *  callee:  RINGING --accept--> ACTIVE --hangUp/END--> ENDED;  RINGING --hangUp--> ENDED
 *  any state but ENDED: END received, circuit lost, or deadline passed --> ENDED
 *  ACTIVE, this side's Mix failed: resuming (still ACTIVE) --RESUMED--> ACTIVE; --deadline/END--> ENDED
 * </pre>
 *
 * Voice frames are sealed end to end ({@link FrameSealer}) and sent one per relay DATA cell on
 * stream {@link #STREAM}; {@link #sendFrame} allocates nothing. Owned by the client's thread.
 */
public final class Call {

    /** Where the call is. */
    public enum State {
        /** Caller: LOOKUP sent, waiting for the directory's ANSWER. */
        LOOKING_UP,
        /** Caller: CONNECT sent, waiting for CONNECTED. */
        CONNECTING,
        /** Callee: CONNECT received; {@link #accept()} or {@link #hangUp()}. */
        RINGING,
        /** Frames flow both ways. */
        ACTIVE,
        /** Over; {@link #endReason()} says why. */
        ENDED
    }

    /** The relay stream that carries a call's frames. */
    public static final int STREAM = 1;
    /** Local end reason: the callee's zone directory does not know the callee. */
    public static final int UNKNOWN_CALLEE = 100;
    /**
     * Local end reason: no answer to any of the {@link CallClient#MAX_SENDS} copies of the LOOKUP
     * or CONNECT before the step deadline.
     */
    public static final int TIMEOUT = 101;
    /** Local end reason: the answer or the callee's handshake did not verify. */
    public static final int BAD_ANSWER = 102;
    /** Local end reason: the circuit under the call was torn down. */
    public static final int CIRCUIT_LOST = 103;
    /** Local end reason: this client's Mix failed and the call could not be resumed in time (§3.5). */
    public static final int RESUME_FAILED = 104;

    private final CallClient client;
    private Circuit circuit;
    private final boolean caller;
    private final ClientCertificate peer;
    private final byte[] cell = new byte[Cell.SIZE];
    private final byte[] frame = new byte[FrameSealer.MAX_FRAME];

    State state;
    long callId;
    /** Caller: the request id of this call's LOOKUP, echoed by its ANSWER (never {@link ControlMessages#NO_REQUEST_ID}). */
    long lookupId;
    /** The request awaiting its answer (LOOKUP, CONNECT, RESUME), re-sent until answered; null if none. */
    ControlRequest request;
    long deadline;
    Ntor.Client handshake;
    byte[] calleeReply;
    byte[] keyMaterial;
    FrameSealer sealer;
    int endReason;
    String zone;
    IdentityPublicKey rendezvous;
    boolean resuming;
    boolean resumeSent;
    long resumeDeadline;
    long resumes;
    long framesSent;
    long framesReceived;

    Call(CallClient client, Circuit circuit, boolean caller, ClientCertificate peer, State state) {
        this.client = client;
        this.circuit = circuit;
        this.caller = caller;
        this.peer = peer;
        this.state = state;
    }

    /** Callee: accepts a ringing call (sends CONNECTED). */
    public void accept() {
        if (state != State.RINGING) {
            throw new IllegalStateException("cannot accept a call that is " + state);
        }
        sealer = FrameSealer.callee(keyMaterial);
        Arrays.fill(keyMaterial, (byte) 0);
        state = State.ACTIVE;
        circuit.sendControl(RelayCommand.CONNECTED, circuit.lastHopIndex(),
                new ControlMessages.Connected(callId, calleeReply).encode());
        client.listener().onConnected(this);
    }

    /** Callee: a copy of the CONNECT arrived after accepting; the CONNECTED may have been lost, so it goes again. */
    void resendConnected() {
        circuit.sendControl(RelayCommand.CONNECTED, circuit.lastHopIndex(),
                new ControlMessages.Connected(callId, calleeReply).encode());
    }

    /**
     * Hangs up, or refuses a ringing call: END (reason HANGUP, or REFUSED when ringing) through the
     * rendezvous Mixes, which undo their splices.
     */
    public void hangUp() {
        finish(state == State.RINGING ? ControlMessages.END_REFUSED : ControlMessages.END_HANGUP,
                ControlMessages.END_HANGUP);
    }

    /** Ends the call locally for {@code localReason}, sending END with {@code wireReason} if the network holds state for it. */
    void finish(int wireReason, int localReason) {
        if (state == State.ENDED) {
            return;
        }
        if (state != State.LOOKING_UP && !(resuming && !resumeSent)) {
            // Several copies: a lost END would leave the rendezvous Mixes spliced.
            CallClient.sendEnd(circuit, wireReason);
        }
        end(localReason);
    }

    /**
     * Seals and sends one voice frame ({@code length} ≤ {@link FrameSealer#MAX_FRAME}); false if
     * the call is not active. Allocates nothing.
     */
    public boolean sendFrame(byte[] data, int off, int length) {
        if (state != State.ACTIVE || resuming) {
            return false;
        }
        int body = RelayCell.BODY_OFFSET;
        int sealed = sealer.seal(data, off, length, cell, body + RelayCell.DATA_OFFSET);
        cell[body + RelayCell.RELAY_COMMAND_OFFSET] = (byte) RelayCommand.DATA;
        Bytes.putShort(cell, body + RelayCell.STREAM_ID_OFFSET, STREAM);
        Bytes.putShort(cell, body + RelayCell.LENGTH_OFFSET, sealed);
        Arrays.fill(cell, body + RelayCell.DATA_OFFSET + sealed, Cell.SIZE, (byte) 0);
        circuit.sendRelay(cell, 0, circuit.lastHopIndex());
        framesSent++;
        return true;
    }

    /** A DATA cell's payload for this call arrived; opens it and hands the frame to the listener. */
    void onData(byte[] buffer, int dataOffset, int length) {
        if (state != State.ACTIVE) {
            client.counters().unexpected++;
            return;
        }
        int n = sealer.open(buffer, dataOffset, length, frame, 0);
        if (n < 0) {
            return;
        }
        framesReceived++;
        client.listener().onFrame(this, sealer.lastFrameOpened(), frame, 0, n);
    }

    void end(int reason) {
        if (state == State.ENDED) {
            return;
        }
        state = State.ENDED;
        endReason = reason;
        handshake = null;
        if (keyMaterial != null) {
            Arrays.fill(keyMaterial, (byte) 0);
        }
        client.callEnded(this);
        client.listener().onEnded(this, reason);
    }

    /** The state. */
    public State state() {
        return state;
    }

    /**
     * True while this side's Mix failed and the call is being resumed (§3.5): the state stays
     * {@link State#ACTIVE}, keys and frame counters are kept, and {@link #sendFrame} refuses
     * (frames of the gap are lost, never queued).
     */
    public boolean isResuming() {
        return resuming;
    }

    /** How many times this call was resumed after a Mix failure on this side. */
    public long resumes() {
        return resumes;
    }

    /** The call id (shared by both sides and the rendezvous Mixes). */
    public long callId() {
        return callId;
    }

    /** Moves the call to {@code c} (a resume); package use. */
    void moveTo(Circuit c) {
        circuit = c;
    }

    /** Why the call ended: an END reason of {@link ControlMessages} or a local one of this class. */
    public int endReason() {
        return endReason;
    }

    /** True for the caller's side. */
    public boolean isCaller() {
        return caller;
    }

    /** The callee's certificate (caller side), or null on the callee's side (callers are anonymous). */
    public ClientCertificate peer() {
        return peer;
    }

    /** The circuit carrying this call. */
    public Circuit circuit() {
        return circuit;
    }

    /** Frames sent. */
    public long framesSent() {
        return framesSent;
    }

    /** Frames received and opened. */
    public long framesReceived() {
        return framesReceived;
    }

    /** Received frames dropped end to end (tampered, replayed, malformed). */
    public long framesDropped() {
        return sealer == null ? 0 : sealer.tamperedFrames() + sealer.replayedFrames() + sealer.malformedFrames();
    }

    @Override
    public String toString() {
        return "Call[" + (caller ? "caller" : "callee") + ", " + state + (resuming ? ", resuming" : "") + "]";
    }
}
