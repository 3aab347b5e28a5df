package org.herd.core.circuit;

import java.security.SecureRandom;
import java.util.Arrays;
import java.util.List;
import org.herd.core.crypto.Ntor;
import org.herd.core.crypto.NtorException;
import org.herd.core.crypto.OnionLayers;
import org.herd.core.crypto.OnionOriginator;
import org.herd.core.wire.Bytes;
import org.herd.core.wire.Cell;
import org.herd.core.wire.CellCommand;
import org.herd.core.wire.ControlMessages;
import org.herd.core.wire.MalformedMessageException;
import org.herd.core.wire.RelayCommand;

/**
 * The originator's side of one circuit (§3.2 of the Herd paper): a client's circuit
 * (client → its Mix → its rendezvous Mix) or a Mix's pre-built circuit to another Mix. Built hop
 * by hop — CREATE to the first hop, then EXTEND through the circuit — with one ntor handshake
 * per hop; each step has a deadline read from the owner's clock.
 *
 * <pre>
 *  NEW --start--> CREATING --CREATED--> (EXTENDING --EXTENDED-->)* OPEN --destroy/DESTROY--> CLOSED
 *  CREATING/EXTENDING --deadline passed, bad handshake, DESTROY--> FAILED
 * </pre>
 *
 * Owned by one thread (the owner's); the owner routes this circuit's cells here and dispatches
 * what {@link #decryptBackward} recognises.
 */
public final class Circuit {

    /** Where a circuit is in its life. */
    public enum State {
        /** Not started. */
        NEW,
        /** CREATE sent to the first hop. */
        CREATING,
        /** EXTEND sent through the circuit to the last hop built so far. */
        EXTENDING,
        /** Every hop is built. */
        OPEN,
        /** Torn down normally. */
        CLOSED,
        /** Could not be built (timeout or failed handshake) or was destroyed while building. */
        FAILED
    }

    private final CellOutlet outlet;
    private final int peer;
    private final int circuitId;
    private final List<MixRef> path;
    private final SecureRandom random;
    private final long stepTimeoutNanos;
    private final OnionOriginator onion = OnionLayers.originator();
    private final byte[] cell = new byte[Cell.SIZE];

    private State state = State.NEW;
    private Ntor.Client pending;
    private long deadline;
    private int nextMessageId;
    private String failure = "";
    /** Set by a Mix when it splices this circuit onto another; {@link LinkCircuit#NONE} otherwise. */
    long splice = LinkCircuit.NONE;

    /**
     * A circuit over the link to {@code peer} (which leads to {@code path.get(0)}) with id
     * {@code circuitId} on that link.
     */
    public Circuit(CellOutlet outlet, int peer, int circuitId, List<MixRef> path, SecureRandom random,
            long stepTimeoutNanos) {
        if (path.isEmpty() || path.size() > OnionOriginator.MAX_HOPS) {
            throw new IllegalArgumentException("a circuit has 1.." + OnionOriginator.MAX_HOPS + " hops");
        }
        this.outlet = outlet;
        this.peer = peer;
        this.circuitId = circuitId;
        this.path = List.copyOf(path);
        this.random = random;
        this.stepTimeoutNanos = stepTimeoutNanos;
    }

    /** Sends CREATE to the first hop. */
    public void start(long now) {
        if (state != State.NEW) {
            throw new IllegalStateException("circuit already started: " + state);
        }
        pending = Ntor.client(Ntor.herdId(path.get(0).identity()), path.get(0).onionKey(), random);
        Arrays.fill(cell, (byte) 0);
        Bytes.putInt(cell, Cell.CIRCUIT_ID_OFFSET, circuitId);
        cell[Cell.COMMAND_OFFSET] = (byte) CellCommand.CREATE;
        byte[] h = pending.handshake();
        System.arraycopy(h, 0, cell, Cell.PAYLOAD_OFFSET, h.length);
        // State first: an outlet may deliver synchronously, and the answer must find us waiting.
        state = State.CREATING;
        deadline = now + stepTimeoutNanos;
        outlet.send(peer, cell, 0);
    }

    /** Handles the first hop's CREATED cell; false (and FAILED, DESTROY sent) if it does not verify. */
    public boolean onCreated(byte[] buffer, int offset, long now) {
        if (state != State.CREATING) {
            return false;
        }
        byte[] reply = Arrays.copyOfRange(buffer, offset + Cell.PAYLOAD_OFFSET,
                offset + Cell.PAYLOAD_OFFSET + ControlMessages.NTOR_SERVER_SIZE);
        return hopDone(reply, now);
    }

    /** Handles an EXTENDED message from the last built hop. */
    public boolean onExtended(int fromHop, byte[] message, long now) {
        if (state != State.EXTENDING || fromHop != onion.hopCount() - 1) {
            return false;
        }
        try {
            return hopDone(ControlMessages.Extended.decode(message).reply(), now);
        } catch (MalformedMessageException e) {
            fail("bad EXTENDED: " + e.getMessage());
            return false;
        }
    }

    private boolean hopDone(byte[] reply, long now) {
        try {
            onion.addHop(pending.finish(reply).hopKeys());
        } catch (NtorException e) {
            fail("hop " + onion.hopCount() + ": " + e.getMessage());
            return false;
        }
        pending = null;
        int built = onion.hopCount();
        if (built == path.size()) {
            state = State.OPEN;
            return true;
        }
        MixRef next = path.get(built);
        pending = Ntor.client(Ntor.herdId(next.identity()), next.onionKey(), random);
        state = State.EXTENDING;
        deadline = now + stepTimeoutNanos;
        sendControl(RelayCommand.EXTEND, built - 1, new ControlMessages.Extend(pending.handshake()).encode());
        return true;
    }

    /** Fails the circuit if its current step's deadline has passed; true if it did. */
    public boolean poll(long now) {
        if ((state == State.CREATING || state == State.EXTENDING) && deadline - now <= 0) {
            fail("timeout while " + state);
            return true;
        }
        return false;
    }

    private void fail(String why) {
        failure = why;
        sendDestroy();
        state = State.FAILED;
        pending = null;
    }

    /** Tears the circuit down: DESTROY to the first hop. */
    public void destroy() {
        if (state == State.CLOSED || state == State.FAILED) {
            return;
        }
        sendDestroy();
        state = State.CLOSED;
    }

    /** The first hop destroyed the circuit. */
    public void destroyedRemotely() {
        state = state == State.OPEN ? State.CLOSED : State.FAILED;
        failure = failure.isEmpty() ? "destroyed by the network" : failure;
        pending = null;
    }

    private void sendDestroy() {
        Arrays.fill(cell, (byte) 0);
        Bytes.putInt(cell, Cell.CIRCUIT_ID_OFFSET, circuitId);
        cell[Cell.COMMAND_OFFSET] = (byte) CellCommand.DESTROY;
        outlet.send(peer, cell, 0);
    }

    /** Sends a control message (fragmented if long) to hop {@code targetHop}. */
    public void sendControl(int relayCommand, int targetHop, byte[] message) {
        ControlWriter.write(cell, circuitId, relayCommand, nextMessageId++ & 0xFFFF, message,
                (b, o) -> sendRelay(b, o, targetHop));
    }

    /**
     * Encrypts the plaintext relay cell at {@code buffer[offset..]} (relay command, stream, length and
     * data written by the caller) for hop {@code targetHop}, stamps this circuit's id and sends it.
     * Data path: allocates nothing.
     */
    public void sendRelay(byte[] buffer, int offset, int targetHop) {
        Bytes.putInt(buffer, offset + Cell.CIRCUIT_ID_OFFSET, circuitId);
        buffer[offset + Cell.COMMAND_OFFSET] = (byte) CellCommand.RELAY;
        onion.encryptForward(buffer, offset, targetHop);
        outlet.send(peer, buffer, offset);
    }

    /** Peels a backward RELAY cell: the index of the hop that sent it (plaintext in place), or -1 (counted). */
    public int decryptBackward(byte[] buffer, int offset) {
        return onion.decryptBackward(buffer, offset);
    }

    /** The state. */
    public State state() {
        return state;
    }

    /** Why the circuit failed, or "". */
    public String failure() {
        return failure;
    }

    /** The link (peer handle) of the first hop. */
    public int peer() {
        return peer;
    }

    /** This circuit's id on the first link. */
    public int circuitId() {
        return circuitId;
    }

    /** The key of this circuit on its first link. */
    public long key() {
        return LinkCircuit.of(peer, circuitId);
    }

    /** The Mixes of the path, first hop first. */
    public List<MixRef> path() {
        return path;
    }

    /** The last hop. */
    public MixRef lastHop() {
        return path.get(path.size() - 1);
    }

    /** Index of the last hop (the one to target for messages to the circuit's end). */
    public int lastHopIndex() {
        return path.size() - 1;
    }

    /** Backward cells that failed every hop's MAC (tampering) on this circuit. */
    public long integrityFailures() {
        return onion.integrityFailures();
    }

    /** Backward cells dropped as replays. */
    public long replaysDropped() {
        return onion.replaysDropped();
    }

    @Override
    public String toString() {
        return "Circuit[" + LinkCircuit.toString(key()) + ", " + state + ", " + path.size() + " hops]";
    }
}
