package org.herd.core.circuit;

import java.nio.ByteBuffer;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.herd.core.crypto.IdentityPublicKey;
import org.herd.core.crypto.Ntor;
import org.herd.core.crypto.NtorException;
import org.herd.core.crypto.OnionKeyPair;
import org.herd.core.crypto.OnionLayers;
import org.herd.core.crypto.OnionVerdict;
import org.herd.core.time.Clock;
import org.herd.core.wire.Bytes;
import org.herd.core.wire.Cell;
import org.herd.core.wire.CellCodec;
import org.herd.core.wire.CellCommand;
import org.herd.core.wire.ControlMessages;
import org.herd.core.wire.MalformedMessageException;
import org.herd.core.wire.RelayCommand;

/**
 * The circuit layer of a Mix (§3.2 layered encryption, §3.3 rendezvous of the Herd paper): answers
 * CREATE and EXTEND, relays onion cells, and acts as rendezvous Mix — it keeps pre-built one-hop
 * circuits to the other Mixes, forwards REGISTER/LOOKUP to the zone directories, and splices a
 * caller's circuit onto a callee's (through a pre-built Mix-to-Mix circuit) when a CONNECT comes.
 * At every splice the cell is recognised and re-originated under the next circuit's keys, so its
 * bytes differ unrelatably on every link (I1).
 *
 * <p><b>State</b> (I2/I3): per circuit only a {@link CircuitTable.Entry} (previous hop, next hop,
 * onion layers); besides, transient control state — a CREATE awaiting CREATED for an EXTEND, a
 * request awaiting the directory, a partial control message — each removed when answered, and
 * the rendezvous registrations {@code cookie → circuit key} of clients that chose this Mix. As
 * R2 it also keeps the call id of each splice it made and, for
 * {@link Config#resumeWindowNanos()}, the surviving half of a call whose other half was
 * destroyed, until the party that lost it sends RESUME (§3.5; {@code docs/network.md}).
 *
 * <p><b>Threading</b>: one thread (the link reactor that owns this Mix's links) calls every method;
 * nothing blocks; {@link #onCell} allocates nothing for relayed, spliced and voice cells.
 * Bad cells are dropped and counted in {@link #counters()}.
 */
public final class Mix {

    /**
     * Tunables, validated once.
     *
     * @param resumeWindowNanos how long a rendezvous Mix R2 keeps the surviving half of a call
     *                          whose other half was destroyed, waiting for a RESUME (§3.5)
     */
    public record Config(int poolPerMix, long stepTimeoutNanos, int reassemblySlots, long reassemblyNanos,
                         long resumeWindowNanos) {
        /** Validates. */
        public Config {
            if (poolPerMix < 0 || stepTimeoutNanos <= 0 || reassemblySlots < 1 || reassemblyNanos <= 0
                    || resumeWindowNanos <= 0) {
                throw new IllegalArgumentException("bad Mix config");
            }
        }

        /** A config with the default resume window ({@link #DEFAULT_RESUME_WINDOW_NANOS}). */
        public Config(int poolPerMix, long stepTimeoutNanos, int reassemblySlots, long reassemblyNanos) {
            this(poolPerMix, stepTimeoutNanos, reassemblySlots, reassemblyNanos, DEFAULT_RESUME_WINDOW_NANOS);
        }

        /** Default resume window: 15 s, three handshake steps' worth for a client to re-join and resume. */
        public static final long DEFAULT_RESUME_WINDOW_NANOS = 15_000_000_000L;

        /** Two spare circuits per Mix, 5 s per handshake step, 64 partial messages for 5 s each, 15 s to resume. */
        public static Config defaults() {
            return new Config(2, 5_000_000_000L, 64, 5_000_000_000L, DEFAULT_RESUME_WINDOW_NANOS);
        }
    }

    /**
     * Admission of calls at a rendezvous Mix (§3.4): a splice carries one call, one payload cell
     * per tick each way over the two links of the splice at this Mix. Consulted when R1 or R2
     * splices for a CONNECT or RESUME; a refusal ends the set-up with END({@code END_AT_CAPACITY}).
     * Called on the Mix's thread.
     */
    public interface Admission {
        /** Reserves one call on the links to {@code peerIn} and {@code peerOut}; false (nothing reserved) if either is full. */
        boolean admit(int peerIn, int peerOut);

        /** Releases a call admitted by {@link #admit}. */
        void release(int peerIn, int peerOut);

        /** Admits everything (the default). */
        Admission UNLIMITED = new Admission() {
            @Override
            public boolean admit(int peerIn, int peerOut) {
                return true;
            }

            @Override
            public void release(int peerIn, int peerOut) {
            }
        };
    }

    private final IdentityPublicKey identity;
    private final byte[] ntorId;
    private final List<OnionKeyPair> onionKeys;
    private final CellOutlet outlet;
    private final Clock clock;
    private final SecureRandom random;
    private final DirectoryEndpoint directory;
    private final Config config;

    /**
     * Period of the memory upkeep in {@link #poll()}: a circuit through this Mix whose layers
     * carried no cell for a whole period (so after 5–10 s: a client's registered inbound circuit
     * between calls, an outbound one after a LOOKUP) drops its AES instances, about 0.7 KB each,
     * up to 7 per hop. Circuits that carry a call use theirs every tick and keep them.
     */
    public static final long IDLE_SWEEP_NANOS = 5_000_000_000L;

    /**
     * A splice at this rendezvous Mix that carried no cell either way for this long (5 min: longer
     * than any ringing, while an answered call carries a frame every 20 ms) is ended with
     * END({@link ControlMessages#END_IDLE}) both ways: its END was lost on every copy, or a party
     * vanished without one. Checked by the sweep of {@link #IDLE_SWEEP_NANOS}.
     */
    public static final long SPLICE_IDLE_NANOS = 300_000_000_000L;
    private static final int SPLICE_IDLE_SWEEPS = (int) (SPLICE_IDLE_NANOS / IDLE_SWEEP_NANOS);

    private final CircuitTable table = new CircuitTable();
    private final LongMap<Circuit> own = new LongMap<>();
    private final List<Circuit> ownList = new ArrayList<>();
    private final LongMap<long[]> pendingExtends = new LongMap<>();
    private final Map<Long, long[]> pendingRequests = new HashMap<>(); // id -> {circuit key, deadline}
    private final Map<Long, ByteBuffer> pendingCookies = new HashMap<>();
    private final Map<ByteBuffer, Long> registrations = new HashMap<>();
    private final Map<IdentityPublicKey, Integer> peersByIdentity = new HashMap<>();
    private final Map<Integer, IdentityPublicKey> identityByPeer = new HashMap<>();
    private final List<MixRef> rendezvousPeers = new ArrayList<>();
    // At R2 only: the call id of each circuit end it spliced (entry prev key -> call id), and the
    // surviving half of a call whose other half was destroyed (call id -> {entry prev key, deadline}).
    private final Map<Long, Long> spliceCalls = new HashMap<>();
    private final Map<Long, long[]> parked = new HashMap<>();
    /**
     * RESUMEs that overtook the news of the break (call id -> {entry key, deadline}): the resuming
     * client noticed its dead Mix before this Mix (or R1) did, so the call is still spliced here.
     * Held until the old half is torn down and parked, then spliced at once; refused at the deadline.
     */
    private final Map<Long, long[]> pendingResumes = new HashMap<>();
    private final Reassembler reassembler;
    private final MixCounters counters = new MixCounters();
    private long lastIdleSweepNanos;
    private final byte[] cell = new byte[Cell.SIZE];
    /** The plaintext of an END crossing a splice, kept to send its copies (ControlMessages.END_COPIES). */
    private final byte[] endCell = new byte[Cell.SIZE];
    // Splices admitted by the Admission: entry prev key -> {peer in, peer out}; released in poll()
    // once the entry is gone or no longer spliced (at most one tick late).
    private final Map<Long, int[]> admitted = new HashMap<>();
    private Admission admission = Admission.UNLIMITED;
    private long nextRequestId = 1;
    private int nextMessageId;

    /** A Mix with identity key {@code identity} answering with {@code onionKeys} (current first). */
    public Mix(IdentityPublicKey identity, List<OnionKeyPair> onionKeys, CellOutlet outlet, Clock clock,
            SecureRandom random, DirectoryEndpoint directory, Config config) {
        this.identity = Objects.requireNonNull(identity);
        this.ntorId = Ntor.herdId(identity);
        this.onionKeys = List.copyOf(onionKeys);
        this.outlet = Objects.requireNonNull(outlet);
        this.clock = Objects.requireNonNull(clock);
        this.random = Objects.requireNonNull(random);
        this.directory = Objects.requireNonNull(directory);
        this.config = Objects.requireNonNull(config);
        this.reassembler = new Reassembler(config.reassemblySlots(), config.reassemblyNanos());
        this.lastIdleSweepNanos = clock.nanoTime();
    }

    // ---------------------------------------------------------------- links

    /** The link layer authenticated a link to {@code peer} whose identity key is {@code peerIdentity}. */
    public void linkUp(int peer, IdentityPublicKey peerIdentity) {
        peersByIdentity.put(peerIdentity, peer);
        identityByPeer.put(peer, peerIdentity);
    }

    /** The link to {@code peer} is gone: every circuit using it is torn down. */
    public void linkDown(int peer) {
        IdentityPublicKey id = identityByPeer.remove(peer);
        if (id != null) {
            peersByIdentity.remove(id);
        }
        for (CircuitTable.Entry e : table.entries()) {
            if (LinkCircuit.peer(e.prev()) == peer) {
                onDestroy(e.prev());
            } else if (e.next() != LinkCircuit.NONE && LinkCircuit.peer(e.next()) == peer && table.get(e.next()) == e) {
                onDestroy(e.next());
            }
        }
        for (Circuit oc : new ArrayList<>(ownList)) {
            if (oc.peer() == peer) {
                ownDestroyed(oc);
            }
        }
    }

    /** Keeps {@link Config#poolPerMix()} pre-built circuits to {@code mix} (a rendezvous Mix of any zone). */
    public void addRendezvousPeer(MixRef mix) {
        if (!mix.identity().equals(identity)) {
            rendezvousPeers.add(mix);
        }
    }

    /**
     * Allocates a free circuit id on the link to {@code peer}: the end with the lower identity key
     * (unsigned byte order) uses ids with the high bit clear, the other end ids with it set, so
     * the two ends never collide without talking; the rest is random (no id reveals a count).
     */
    int allocateCircuitId(int peer) {
        IdentityPublicKey other = identityByPeer.get(peer);
        if (other == null) {
            throw new IllegalStateException("no authenticated link " + peer);
        }
        int high = CircuitIds.weUseHighBit(identity, other) ? 0x8000_0000 : 0;
        for (;;) {
            int id = random.nextInt() & 0x7FFF_FFFF | high;
            long key = LinkCircuit.of(peer, id);
            if (id != 0 && !table.contains(key) && !own.containsKey(key) && !pendingExtends.containsKey(key)) {
                return id;
            }
        }
    }

    // ---------------------------------------------------------------- data path

    /**
     * Handles one cell received on the link to {@code peer}. The Mix may overwrite
     * {@code buffer[offset..offset+256)} (it re-encrypts in place) and keeps no reference to it.
     */
    public void onCell(int peer, byte[] buffer, int offset) {
        int command = buffer[offset + Cell.COMMAND_OFFSET] & 0xFF;
        if (command == CellCommand.PADDING) {
            counters.chaff++;
            return;
        }
        int circuitId = Bytes.getInt(buffer, offset + Cell.CIRCUIT_ID_OFFSET);
        if (circuitId == 0) {
            counters.malformedCells++;
            return;
        }
        long key = LinkCircuit.of(peer, circuitId);
        switch (command) {
            case CellCommand.RELAY -> onRelay(key, buffer, offset);
            case CellCommand.CREATE -> onCreate(peer, circuitId, key, buffer, offset);
            case CellCommand.CREATED -> onCreatedCell(key, buffer, offset);
            case CellCommand.DESTROY -> {
                if (!onDestroy(key)) {
                    counters.unknownCircuit++;
                }
            }
            default -> counters.unknownCellCommands++;
        }
    }

    private void onRelay(long key, byte[] buffer, int offset) {
        CircuitTable.Entry e = table.get(key);
        if (e != null) {
            if (key == e.prev()) {
                boolean spliced = table.isSpliced(e);
                boolean last = e.next() == LinkCircuit.NONE || spliced;
                OnionVerdict v = e.relay().processForward(buffer, offset, last);
                if (v == OnionVerdict.FORWARD) {
                    sendOn(e.next(), buffer, offset);
                } else if (v == OnionVerdict.RECOGNIZED) {
                    onRecognized(e, spliced, buffer, offset);
                } else {
                    counters.forwardDrops++;
                }
            } else {
                e.relay().processBackward(buffer, offset);
                sendOn(e.prev(), buffer, offset);
            }
            return;
        }
        Circuit oc = own.get(key);
        if (oc == null) {
            counters.unknownCircuit++;
            return;
        }
        int hop = oc.decryptBackward(buffer, offset);
        if (hop < 0) {
            counters.backwardDrops++;
            return;
        }
        onOwnRecognized(oc, hop, buffer, offset);
    }

    private void sendOn(long key, byte[] buffer, int offset) {
        Bytes.putInt(buffer, offset + Cell.CIRCUIT_ID_OFFSET, LinkCircuit.circuitId(key));
        outlet.send(LinkCircuit.peer(key), buffer, offset);
    }

    private void onRecognized(CircuitTable.Entry e, boolean spliced, byte[] buffer, int offset) {
        if (CellCodec.checkRelayHeader(buffer, offset) != CellCodec.OK) {
            counters.malformedCells++;
            return;
        }
        int rc = CellCodec.relayCommand(buffer, offset);
        if (spliced) {
            switch (rc) {
                case RelayCommand.DATA, RelayCommand.CONNECTED, RelayCommand.RESUMED -> crossFromEntry(e, buffer, offset);
                case RelayCommand.CONNECT -> {
                    // A CONNECT re-sent by the caller (its CONNECTED, or the CONNECT past this
                    // Mix, was lost): the splice exists, so pass it on; the callee answers a
                    // duplicate with CONNECTED again and never rings twice.
                    counters.duplicateControl++;
                    crossFromEntry(e, buffer, offset);
                }
                case RelayCommand.RESUME -> onSplicedResume(e, buffer, offset);
                case RelayCommand.END -> {
                    System.arraycopy(buffer, offset, endCell, 0, Cell.SIZE);
                    crossFromEntry(e, buffer, offset);
                    for (int i = 1; i < ControlMessages.END_COPIES; i++) {
                        System.arraycopy(endCell, 0, cell, 0, Cell.SIZE);
                        crossFromEntry(e, cell, 0);
                    }
                    unspliceEntry(e);
                }
                default -> countBad(rc);
            }
            return;
        }
        switch (rc) {
            case RelayCommand.EXTEND, RelayCommand.REGISTER, RelayCommand.LOOKUP, RelayCommand.CONNECT,
                    RelayCommand.RESUME -> {
                byte[] message = reassemble(e.prev(), rc, buffer, offset);
                if (message != null) {
                    onControl(e, rc, message);
                }
            }
            case RelayCommand.END -> {
                // A hang-up that raced a teardown, or the survivor of a parked call hanging up:
                // nothing left to splice; forget the wait. Otherwise a copy of an END that already
                // undid the splice (ControlMessages.END_COPIES): nothing to do.
                if (!unpark(e.prev())) {
                    counters.duplicateControl++;
                }
            }
            default -> countBad(rc);
        }
    }

    private void countBad(int rc) {
        if (RelayCommand.isKnown(rc)) {
            counters.unexpectedRelayCommands++;
        } else {
            counters.unknownRelayCommands++;
        }
    }

    private byte[] reassemble(long key, int rc, byte[] buffer, int offset) {
        long before = reassembler.malformed + reassembler.overflow;
        byte[] m = reassembler.accept(key, rc, buffer, offset, CellCodec.relayDataLength(buffer, offset),
                clock.nanoTime());
        counters.malformedMessages += reassembler.malformed + reassembler.overflow - before;
        return m;
    }

    /**
     * A RESUME on a circuit that is already spliced: at R2 (it spliced this circuit for the call)
     * the RESUMED was lost and the client re-sent its RESUME, so it is answered again; at the
     * resuming client's new rendezvous Mix it is passed on to R2, as a re-sent CONNECT is.
     */
    private void onSplicedResume(CircuitTable.Entry e, byte[] buffer, int offset) {
        Long callId = spliceCalls.get(e.prev());
        counters.duplicateControl++;
        if (callId == null) {
            crossFromEntry(e, buffer, offset);
            return;
        }
        byte[] message = reassemble(e.prev(), RelayCommand.RESUME, buffer, offset);
        if (message == null) {
            return;
        }
        try {
            if (ControlMessages.Resume.decode(message).callId() == callId) {
                sendBackward(e, RelayCommand.RESUMED, new ControlMessages.Resumed(callId).encode());
            } else {
                counters.unexpectedRelayCommands++;
            }
        } catch (MalformedMessageException ex) {
            counters.malformedMessages++;
        }
    }

    /** A cell recognised at {@code e}, which is spliced: re-originate it on the other circuit. */
    private void crossFromEntry(CircuitTable.Entry e, byte[] buffer, int offset) {
        CircuitTable.Entry partner = table.get(e.next());
        if (partner != null) {
            crossTo(partner, buffer, offset);
            return;
        }
        Circuit oc = own.get(e.next());
        if (oc != null && oc.state() == Circuit.State.OPEN) {
            oc.sendRelay(buffer, offset, oc.lastHopIndex());
            counters.splicedCells++;
        }
    }

    private void onOwnRecognized(Circuit oc, int hop, byte[] buffer, int offset) {
        if (CellCodec.checkRelayHeader(buffer, offset) != CellCodec.OK) {
            counters.malformedCells++;
            return;
        }
        int rc = CellCodec.relayCommand(buffer, offset);
        if (rc == RelayCommand.EXTENDED && oc.state() == Circuit.State.EXTENDING) {
            byte[] m = reassemble(oc.key(), rc, buffer, offset);
            if (m != null && !oc.onExtended(hop, m, clock.nanoTime())) {
                counters.handshakeFailures++;
            }
            return;
        }
        CircuitTable.Entry partner = oc.splice == LinkCircuit.NONE ? null : table.get(oc.splice);
        if (partner == null || !(rc == RelayCommand.DATA || rc == RelayCommand.CONNECTED || rc == RelayCommand.END
                || rc == RelayCommand.RESUMED)) {
            countBad(rc);
            return;
        }
        if (rc != RelayCommand.END) {
            crossTo(partner, buffer, offset);
            return;
        }
        System.arraycopy(buffer, offset, endCell, 0, Cell.SIZE);
        crossTo(partner, buffer, offset);
        for (int i = 1; i < ControlMessages.END_COPIES; i++) {
            System.arraycopy(endCell, 0, cell, 0, Cell.SIZE);
            crossTo(partner, cell, 0);
        }
        partner.next(LinkCircuit.NONE);
        retire(oc);
    }

    /** Re-originates the recognised cell at {@code buffer[offset..]} towards the originator of {@code partner}. */
    private void crossTo(CircuitTable.Entry partner, byte[] buffer, int offset) {
        Bytes.putInt(buffer, offset + Cell.CIRCUIT_ID_OFFSET, LinkCircuit.circuitId(partner.prev()));
        partner.relay().originateBackward(buffer, offset);
        outlet.send(LinkCircuit.peer(partner.prev()), buffer, offset);
        counters.splicedCells++;
    }

    // ---------------------------------------------------------------- circuit set-up and teardown

    private void onCreate(int peer, int circuitId, long key, byte[] buffer, int offset) {
        IdentityPublicKey other = identityByPeer.get(peer);
        boolean peerHigh = (circuitId & 0x8000_0000) != 0;
        if (other == null || table.contains(key) || own.containsKey(key) || pendingExtends.containsKey(key)
                || peerHigh != CircuitIds.weUseHighBit(other, identity)) {
            counters.badCircuitId++;
            return;
        }
        byte[] handshake = Arrays.copyOfRange(buffer, offset + Cell.PAYLOAD_OFFSET,
                offset + Cell.PAYLOAD_OFFSET + ControlMessages.NTOR_CLIENT_SIZE);
        Ntor.ServerResult r;
        try {
            r = Ntor.server(handshake, ntorId, onionKeys, random);
        } catch (NtorException ex) {
            counters.handshakeFailures++;
            sendLinkCell(key, CellCommand.DESTROY, null);
            return;
        }
        table.add(key, OnionLayers.relay(r.keys().hopKeys()));
        sendLinkCell(key, CellCommand.CREATED, r.reply());
    }

    private void sendLinkCell(long key, int command, byte[] payload) {
        Arrays.fill(cell, (byte) 0);
        Bytes.putInt(cell, Cell.CIRCUIT_ID_OFFSET, LinkCircuit.circuitId(key));
        cell[Cell.COMMAND_OFFSET] = (byte) command;
        if (payload != null) {
            System.arraycopy(payload, 0, cell, Cell.PAYLOAD_OFFSET, payload.length);
        }
        outlet.send(LinkCircuit.peer(key), cell, 0);
    }

    private void onCreatedCell(long key, byte[] buffer, int offset) {
        long[] pending = pendingExtends.remove(key);
        if (pending != null) {
            CircuitTable.Entry e = table.get(key);
            if (e != null && e.next() == key) {
                byte[] reply = Arrays.copyOfRange(buffer, offset + Cell.PAYLOAD_OFFSET,
                        offset + Cell.PAYLOAD_OFFSET + ControlMessages.NTOR_SERVER_SIZE);
                sendBackward(e, RelayCommand.EXTENDED, new ControlMessages.Extended(reply).encode());
            }
            return;
        }
        Circuit oc = own.get(key);
        if (oc == null) {
            counters.unknownCircuit++;
            return;
        }
        if (!oc.onCreated(buffer, offset, clock.nanoTime())) {
            counters.handshakeFailures++;
            retire(oc);
        }
    }

    /** Sends a control message towards the originator of {@code e}, originated at this hop. */
    private void sendBackward(CircuitTable.Entry e, int relayCommand, byte[] message) {
        long prev = e.prev();
        ControlWriter.write(cell, LinkCircuit.circuitId(prev), relayCommand, nextMessageId++ & 0xFFFF, message,
                (b, o) -> {
                    e.relay().originateBackward(b, o);
                    outlet.send(LinkCircuit.peer(prev), b, o);
                });
    }

    /** Handles DESTROY on {@code key}; false if there is no such circuit. */
    private boolean onDestroy(long key) {
        CircuitTable.Entry e = table.get(key);
        if (e != null) {
            if (table.isSpliced(e)) {
                if (key != e.prev()) {
                    return false;
                }
                unspliceEntry(e, ControlMessages.END_DESTROYED);
            } else if (e.next() != LinkCircuit.NONE) {
                // A plain relay: pass the teardown on to the other side.
                sendLinkCell(key == e.prev() ? e.next() : e.prev(), CellCommand.DESTROY, null);
                pendingExtends.remove(e.next());
            }
            forget(e);
            return true;
        }
        Circuit oc = own.get(key);
        if (oc == null) {
            return false;
        }
        oc.destroyedRemotely();
        ownDestroyed(oc);
        return true;
    }

    private void ownDestroyed(Circuit oc) {
        CircuitTable.Entry partner = oc.splice == LinkCircuit.NONE ? null : table.get(oc.splice);
        if (partner != null) {
            partner.next(LinkCircuit.NONE);
            sendEnd(partner, ControlMessages.END_DESTROYED);
        }
        oc.splice = LinkCircuit.NONE;
        own.remove(oc.key());
        ownList.remove(oc);
        reassembler.forget(oc.key());
    }

    private void retire(Circuit oc) {
        oc.splice = LinkCircuit.NONE;
        oc.destroy();
        own.remove(oc.key());
        ownList.remove(oc);
        reassembler.forget(oc.key());
    }

    private void forget(CircuitTable.Entry e) {
        spliceCalls.remove(e.prev());
        unpark(e.prev());
        table.remove(e);
        reassembler.forget(e.prev());
        registrations.values().removeIf(k -> k == e.prev());
    }

    /** After an END crossed the splice at {@code e}: undo the splice on both sides. */
    private void unspliceEntry(CircuitTable.Entry e) {
        spliceCalls.remove(e.prev());
        CircuitTable.Entry partner = table.get(e.next());
        if (partner != null) {
            spliceCalls.remove(partner.prev());
            partner.next(LinkCircuit.NONE);
        } else {
            Circuit oc = own.get(e.next());
            if (oc != null) {
                retire(oc);
            }
        }
        e.next(LinkCircuit.NONE);
    }

    /**
     * {@code e} is going away while spliced: END to the other side, then undo the splice. At R2
     * (a call id is known) the other side is parked instead for {@link Config#resumeWindowNanos()}:
     * the party whose half was lost may re-join and RESUME (§3.5), and the survivor's call stays
     * up; its cells reaching the parked end meanwhile are dropped (lost, never held back).
     */
    private void unspliceEntry(CircuitTable.Entry e, int reason) {
        Long callId = spliceCalls.remove(e.prev());
        CircuitTable.Entry partner = table.get(e.next());
        if (partner != null) {
            partner.next(LinkCircuit.NONE);
            spliceCalls.remove(partner.prev());
            if (callId != null && reason == ControlMessages.END_DESTROYED) {
                parked.put(callId, new long[] {partner.prev(), clock.nanoTime() + config.resumeWindowNanos()});
                counters.parkedCalls++;
                long[] pending = pendingResumes.remove(callId);
                CircuitTable.Entry resumer = pending == null ? null : table.get(pending[0]);
                if (resumer != null && resumer.prev() == pending[0] && resumer.next() == LinkCircuit.NONE) {
                    resumeOnto(resumer, callId, parked.remove(callId));
                }
            } else {
                sendEnd(partner, reason);
            }
        } else {
            Circuit oc = own.get(e.next());
            if (oc != null) {
                retire(oc);
            }
        }
        e.next(LinkCircuit.NONE);
    }

    // ---------------------------------------------------------------- control messages

    private void onControl(CircuitTable.Entry e, int rc, byte[] message) {
        try {
            switch (rc) {
                case RelayCommand.EXTEND -> onExtend(e, ControlMessages.Extend.decode(message));
                case RelayCommand.REGISTER -> onRegister(e, ControlMessages.Register.decode(message));
                case RelayCommand.LOOKUP -> onLookup(e, ControlMessages.Lookup.decode(message));
                case RelayCommand.CONNECT -> onConnect(e, ControlMessages.Connect.decode(message), message);
                case RelayCommand.RESUME -> onResume(e, ControlMessages.Resume.decode(message), message);
                default -> countBad(rc);
            }
        } catch (MalformedMessageException ex) {
            counters.malformedMessages++;
            if (rc == RelayCommand.CONNECT || rc == RelayCommand.RESUME) {
                refuse(e, ControlMessages.END_REFUSED);
            } else if (rc == RelayCommand.REGISTER) {
                sendBackward(e, RelayCommand.REGISTERED,
                        new ControlMessages.Registered(ControlMessages.STATUS_BAD_REQUEST).encode());
            } else if (rc == RelayCommand.LOOKUP) {
                // Echo the request id if there is one, so that the caller sees BAD_REQUEST at once.
                long id = message.length >= Long.BYTES ? Bytes.getLong(message, 0) : ControlMessages.NO_REQUEST_ID;
                sendBackward(e, RelayCommand.ANSWER, ControlMessages.Answer.refused(id, ControlMessages.STATUS_BAD_REQUEST).encode());
            }
        }
    }

    private void onExtend(CircuitTable.Entry e, ControlMessages.Extend m) {
        if (e.next() != LinkCircuit.NONE) {
            counters.unexpectedRelayCommands++;
            return;
        }
        IdentityPublicKey next = IdentityPublicKey.of(Arrays.copyOfRange(m.handshake(), 0, IdentityPublicKey.SIZE));
        Integer peer = peersByIdentity.get(next);
        if (peer == null || next.equals(identity)) {
            counters.extendFailures++;
            sendLinkCell(e.prev(), CellCommand.DESTROY, null);
            forget(e);
            return;
        }
        int id = allocateCircuitId(peer);
        long nextKey = LinkCircuit.of(peer, id);
        table.extend(e, nextKey);
        pendingExtends.put(nextKey, new long[] {clock.nanoTime() + config.stepTimeoutNanos()});
        sendLinkCell(nextKey, CellCommand.CREATE, m.handshake());
    }

    private void onRegister(CircuitTable.Entry e, ControlMessages.Register m) {
        ByteBuffer cookie = ByteBuffer.wrap(m.cookie().clone());
        // A REGISTER re-sent by the client (it got no REGISTERED in time) never makes a second
        // registration: registered already (the REGISTERED was lost) -> answered again at once;
        // still with the directory -> dropped, the pending answer will do.
        Long held = registrations.get(cookie);
        if (held != null && held == e.prev()) {
            counters.duplicateControl++;
            sendBackward(e, RelayCommand.REGISTERED,
                    new ControlMessages.Registered(ControlMessages.STATUS_OK).encode());
            return;
        }
        for (Map.Entry<Long, ByteBuffer> p : pendingCookies.entrySet()) {
            long[] request = pendingRequests.get(p.getKey());
            if (request != null && request[0] == e.prev() && p.getValue().equals(cookie)) {
                counters.duplicateControl++;
                return;
            }
        }
        long id = nextRequestId++;
        pendingRequests.put(id, new long[] {e.prev(), clock.nanoTime() + config.stepTimeoutNanos()});
        pendingCookies.put(id, cookie);
        directory.register(id, identity, m);
    }

    private void onLookup(CircuitTable.Entry e, ControlMessages.Lookup m) {
        long id = nextRequestId++;
        pendingRequests.put(id, new long[] {e.prev(), clock.nanoTime() + config.stepTimeoutNanos()});
        directory.lookup(id, m);
    }

    /** The directory answered REGISTER request {@code requestId}; call on the Mix's thread. */
    public void onRegistered(long requestId, ControlMessages.Registered reply) {
        long[] pending = pendingRequests.remove(requestId);
        ByteBuffer cookie = pendingCookies.remove(requestId);
        CircuitTable.Entry e = pending == null ? null : table.get(pending[0]);
        if (e == null || e.prev() != pending[0]) {
            return;
        }
        if (reply.status() == ControlMessages.STATUS_OK && cookie != null) {
            registrations.values().removeIf(k -> k == e.prev());
            registrations.put(cookie, e.prev());
        }
        sendBackward(e, RelayCommand.REGISTERED, reply.encode());
    }

    /** The directory answered LOOKUP request {@code requestId}; call on the Mix's thread. */
    public void onAnswer(long requestId, ControlMessages.Answer reply) {
        long[] pending = pendingRequests.remove(requestId);
        CircuitTable.Entry e = pending == null ? null : table.get(pending[0]);
        if (e != null && e.prev() == pending[0]) {
            sendBackward(e, RelayCommand.ANSWER, reply.encode());
        }
    }

    private void onConnect(CircuitTable.Entry e, ControlMessages.Connect m, byte[] raw) {
        if (IdentityPublicKey.of(m.rendezvous()).equals(identity)) {
            // This Mix is the callee's rendezvous Mix R2 (the CONNECT came from R1, or from the
            // caller's own circuit when both chose this Mix).
            Long calleeKey = registrations.get(ByteBuffer.wrap(m.cookie()));
            CircuitTable.Entry callee = calleeKey == null ? null : table.get(calleeKey);
            if (callee == null || callee.prev() != calleeKey) {
                refuse(e, ControlMessages.END_NOT_REGISTERED);
                return;
            }
            if (callee == e || callee.next() != LinkCircuit.NONE) {
                refuse(e, ControlMessages.END_REFUSED);
                return;
            }
            if (!admit(e, LinkCircuit.peer(callee.prev()))) {
                return;
            }
            e.next(callee.prev());
            callee.next(e.prev());
            spliceCalls.put(e.prev(), m.callId());
            spliceCalls.put(callee.prev(), m.callId());
            sendBackward(callee, RelayCommand.CONNECT, raw);
            return;
        }
        // This Mix is the caller's rendezvous Mix R1: take a pre-built circuit to R2.
        forwardToRendezvous(e, IdentityPublicKey.of(m.rendezvous()), RelayCommand.CONNECT, raw);
    }

    /** Splices {@code e} onto a pre-built circuit to {@code target} and sends {@code raw} on it (none: END). */
    private void forwardToRendezvous(CircuitTable.Entry e, IdentityPublicKey target, int rc, byte[] raw) {
        Circuit oc = takePooled(target);
        if (oc == null) {
            refuse(e, ControlMessages.END_NO_CIRCUIT);
            return;
        }
        if (!admit(e, oc.peer())) {
            return;
        }
        e.next(oc.key());
        oc.splice = e.prev();
        oc.sendControl(rc, oc.lastHopIndex(), raw);
    }

    /**
     * RESUME (§3.5): at R2, splices the parked half of the call onto the circuit the RESUME came
     * on and answers RESUMED; elsewhere (the resuming client's new rendezvous Mix) takes a
     * pre-built circuit to R2 and forwards it, exactly as for CONNECT.
     */
    private void onResume(CircuitTable.Entry e, ControlMessages.Resume m, byte[] raw) {
        IdentityPublicKey target = IdentityPublicKey.of(m.rendezvous());
        if (!target.equals(identity)) {
            forwardToRendezvous(e, target, RelayCommand.RESUME, raw);
            return;
        }
        long[] p = parked.remove(m.callId());
        if (p == null && spliceCalls.containsValue(m.callId()) && !spliceCalls.containsKey(e.prev())) {
            // The call is still spliced here: the RESUME overtook the teardown of the lost half.
            long[] held = pendingResumes.get(m.callId());
            if (held != null && held[0] == e.prev()) {
                counters.duplicateControl++; // a copy of a RESUME already held
                return;
            }
            pendingResumes.put(m.callId(), new long[] {e.prev(), clock.nanoTime() + config.resumeWindowNanos()});
            counters.heldResumes++;
            return;
        }
        resumeOnto(e, m.callId(), p);
    }

    /** Splices the resuming circuit {@code e} onto the parked half {@code p} of call {@code callId}, or refuses. */
    private void resumeOnto(CircuitTable.Entry e, long callId, long[] p) {
        CircuitTable.Entry survivor = p == null ? null : table.get(p[0]);
        if (survivor == null || survivor.prev() != p[0] || survivor == e || survivor.next() != LinkCircuit.NONE) {
            refuse(e, ControlMessages.END_NO_CALL);
            return;
        }
        if (!admit(e, LinkCircuit.peer(survivor.prev()))) {
            parked.put(callId, p);
            return;
        }
        e.next(survivor.prev());
        survivor.next(e.prev());
        spliceCalls.put(e.prev(), callId);
        spliceCalls.put(survivor.prev(), callId);
        counters.resumedCalls++;
        sendBackward(e, RelayCommand.RESUMED, new ControlMessages.Resumed(callId).encode());
    }

    /** Asks the Admission for a splice of {@code e} onto a circuit on {@code peerOut}'s link; refuses the set-up if not. */
    private boolean admit(CircuitTable.Entry e, int peerOut) {
        int peerIn = LinkCircuit.peer(e.prev());
        if (!admission.admit(peerIn, peerOut)) {
            counters.refusedAtCapacity++;
            refuse(e, ControlMessages.END_AT_CAPACITY);
            return false;
        }
        int[] previous = admitted.put(e.prev(), new int[] {peerIn, peerOut});
        if (previous != null) {
            admission.release(previous[0], previous[1]);
        }
        return true;
    }

    /** Ends every splice idle for {@link #SPLICE_IDLE_NANOS}: END(IDLE) to both sides, the splice undone. */
    private void endIdleSplices() {
        for (CircuitTable.Entry e : table.entries()) {
            if (table.isSpliced(e) && e.relay().idleSweeps() >= SPLICE_IDLE_SWEEPS) {
                counters.idleSplicesEnded++;
                sendEnd(e, ControlMessages.END_IDLE);
                unspliceEntry(e, ControlMessages.END_IDLE);
            }
        }
    }

    /** Releases the admissions of splices that are gone. */
    private void releaseEndedSplices() {
        for (Iterator<Map.Entry<Long, int[]>> it = admitted.entrySet().iterator(); it.hasNext();) {
            Map.Entry<Long, int[]> a = it.next();
            CircuitTable.Entry e = table.get(a.getKey());
            if (e == null || e.prev() != a.getKey() || e.next() == LinkCircuit.NONE) {
                it.remove();
                admission.release(a.getValue()[0], a.getValue()[1]);
            }
        }
    }

    /** Sets the call admission (default {@link Admission#UNLIMITED}); call before the first cell. */
    public void admission(Admission a) {
        this.admission = Objects.requireNonNull(a);
    }

    /** Calls admitted and not yet released. */
    public int admittedCalls() {
        return admitted.size();
    }

    /** Forgets the parked call whose surviving half is {@code entryKey}; false if there was none. */
    private boolean unpark(long entryKey) {
        return parked.values().removeIf(p -> p[0] == entryKey);
    }

    private void refuse(CircuitTable.Entry e, int reason) {
        counters.refusedConnects++;
        sendEnd(e, reason);
    }

    /** END towards the originator of {@code e}, {@link ControlMessages#END_COPIES} times (END has no acknowledgement). */
    private void sendEnd(CircuitTable.Entry e, int reason) {
        byte[] message = new ControlMessages.End(reason).encode();
        for (int i = 0; i < ControlMessages.END_COPIES; i++) {
            sendBackward(e, RelayCommand.END, message);
        }
    }

    private Circuit takePooled(IdentityPublicKey target) {
        for (Circuit oc : ownList) {
            if (oc.state() == Circuit.State.OPEN && oc.splice == LinkCircuit.NONE
                    && oc.lastHop().identity().equals(target)) {
                return oc;
            }
        }
        return null;
    }

    // ---------------------------------------------------------------- timers

    /**
     * Timers and upkeep, once per tick: fails handshakes past their deadline, expires partial
     * messages, and tops up the pre-built circuits to every rendezvous peer (off the critical
     * path of any call: a CONNECT only ever takes a circuit that is already open).
     */
    public void poll() {
        long now = clock.nanoTime();
        if (now - lastIdleSweepNanos >= IDLE_SWEEP_NANOS) {
            lastIdleSweepNanos = now;
            counters.idleLayersReleased += table.releaseIdleCiphers();
            endIdleSplices();
        }
        releaseEndedSplices();
        for (Iterator<Map.Entry<Long, long[]>> it = pendingResumes.entrySet().iterator(); it.hasNext();) {
            long[] pending = it.next().getValue();
            if (pending[1] - now <= 0) {
                it.remove();
                CircuitTable.Entry resumer = table.get(pending[0]);
                if (resumer != null && resumer.prev() == pending[0] && resumer.next() == LinkCircuit.NONE) {
                    refuse(resumer, ControlMessages.END_NO_CALL);
                }
            }
        }
        for (long key : pendingExtends.keys()) {
            if (pendingExtends.get(key)[0] - now <= 0) {
                pendingExtends.remove(key);
                CircuitTable.Entry e = table.get(key);
                if (e != null) {
                    counters.extendFailures++;
                    sendLinkCell(e.prev(), CellCommand.DESTROY, null);
                    sendLinkCell(key, CellCommand.DESTROY, null);
                    forget(e);
                }
            }
        }
        reassembler.expire(now);
        // A parked half whose party never resumed: the call is over for the survivor too.
        for (Iterator<Map.Entry<Long, long[]>> it = parked.entrySet().iterator(); it.hasNext();) {
            long[] p = it.next().getValue();
            if (p[1] - now <= 0) {
                it.remove();
                CircuitTable.Entry e = table.get(p[0]);
                if (e != null && e.prev() == p[0] && e.next() == LinkCircuit.NONE) {
                    sendEnd(e, ControlMessages.END_DESTROYED);
                }
            }
        }
        // A directory that never answers must not leave state behind (the client retries).
        for (Iterator<Map.Entry<Long, long[]>> it = pendingRequests.entrySet().iterator(); it.hasNext();) {
            Map.Entry<Long, long[]> p = it.next();
            if (p.getValue()[1] - now <= 0) {
                pendingCookies.remove(p.getKey());
                it.remove();
            }
        }
        for (Iterator<Circuit> it = new ArrayList<>(ownList).iterator(); it.hasNext();) {
            Circuit oc = it.next();
            if (oc.poll(now)) {
                counters.handshakeFailures++;
            }
            if (oc.state() == Circuit.State.FAILED || oc.state() == Circuit.State.CLOSED) {
                own.remove(oc.key());
                ownList.remove(oc);
            }
        }
        for (MixRef target : rendezvousPeers) {
            Integer peer = peersByIdentity.get(target.identity());
            if (peer == null) {
                continue;
            }
            int spare = 0;
            for (Circuit oc : ownList) {
                if (oc.splice == LinkCircuit.NONE && oc.lastHop().identity().equals(target.identity())) {
                    spare++;
                }
            }
            for (; spare < config.poolPerMix(); spare++) {
                Circuit oc = new Circuit(outlet, peer, allocateCircuitId(peer), List.of(target), random,
                        config.stepTimeoutNanos());
                own.put(oc.key(), oc);
                ownList.add(oc);
                oc.start(now);
            }
        }
    }

    // ---------------------------------------------------------------- inspection

    /** This Mix's identity key. */
    public IdentityPublicKey identity() {
        return identity;
    }

    /** The circuit table (read-only use: tests of I2/I3, status). */
    public CircuitTable table() {
        return table;
    }

    /** Drop and refusal counters. */
    public MixCounters counters() {
        return counters;
    }

    /** Open, unused pre-built circuits to {@code target}. */
    public int spareCircuits(IdentityPublicKey target) {
        int n = 0;
        for (Circuit oc : ownList) {
            if (oc.state() == Circuit.State.OPEN && oc.splice == LinkCircuit.NONE
                    && oc.lastHop().identity().equals(target)) {
                n++;
            }
        }
        return n;
    }

    /** Circuits this Mix originated (pre-built), for inspection. */
    public List<Circuit> ownCircuits() {
        return List.copyOf(ownList);
    }

    /** Rendezvous registrations held (cookie → circuit), count only. */
    public int registrations() {
        return registrations.size();
    }

    /** Pending control state (extends, directory requests, partial messages, parked calls): 0 when idle. */
    public int pendingControlState() {
        return pendingExtends.size() + pendingRequests.size() + pendingCookies.size() + reassembler.pending()
                + parked.size() + pendingResumes.size();
    }

    /** Calls this Mix holds half of, waiting for a RESUME (§3.5). */
    public int parkedCalls() {
        return parked.size();
    }
}
