package org.herd.core.call;

import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.herd.core.circuit.CellOutlet;
import org.herd.core.circuit.Circuit;
import org.herd.core.circuit.CircuitIds;
import org.herd.core.circuit.MixRef;
import org.herd.core.crypto.ClientCertificate;
import org.herd.core.crypto.IdentityKeyPair;
import org.herd.core.crypto.IdentityPublicKey;
import org.herd.core.crypto.Ntor;
import org.herd.core.crypto.NtorException;
import org.herd.core.crypto.OnionKeyPair;
import org.herd.core.crypto.OnionPublicKey;
import org.herd.core.directory.RendezvousBinding;
import org.herd.core.time.Clock;
import org.herd.core.wire.Bytes;
import org.herd.core.wire.Cell;
import org.herd.core.wire.CellCodec;
import org.herd.core.wire.CellCommand;
import org.herd.core.wire.ControlMessages;
import org.herd.core.wire.MalformedMessageException;
import org.herd.core.wire.RelayCell;
import org.herd.core.wire.RelayCommand;

/**
 * The Herd client library's protocol core (§3.2, §3.3 of the Herd paper): joins one or two zones
 * (one constant-rate link to a Mix in each), pre-builds its circuits — client → its Mix → a
 * rendezvous Mix drawn uniformly from the zone's Mixes (I5), one to register and receive calls on,
 * one to place calls from — registers at its rendezvous Mix, places, accepts and hangs up calls.
 * Call set-up costs one public-key operation per side (the end-to-end handshake, which depends on
 * the callee and cannot be done ahead); every circuit handshake is done beforehand.
 *
 * <p>Two-zone option: a client that joined two zones places each call from the zone that differs
 * from the callee's, so it never makes an intra-zone call.
 *
 * <p>One thread calls every method; {@link #onCell} and {@link Call#sendFrame} allocate nothing
 * for voice cells. Bad cells are dropped and counted in {@link #counters()}.
 */
public final class CallClient {

    /** Events of the client, on its thread. */
    public interface Listener {
        /** The directory answered the REGISTER of zone {@code zone} ({@link ControlMessages} status). */
        default void onRegistered(String zone, int status) {
        }

        /** A call is ringing: {@link Call#accept()} or {@link Call#hangUp()}. */
        default void onIncoming(Call call) {
        }

        /** A call became active. */
        default void onConnected(Call call) {
        }

        /** A call ended. */
        default void onEnded(Call call, int reason) {
        }

        /** A voice frame arrived in order of frame number or not (the jitter buffer orders). */
        default void onFrame(Call call, long frameNumber, byte[] buffer, int offset, int length) {
        }

        /**
         * The client's Mix in {@code zone} failed (§3.5): open a link to {@code mix}, another Mix
         * of the zone, and report it with {@link CallClient#mixLinkUp}. If no link comes up within
         * a handshake step the client asks for another Mix.
         */
        default void onRejoin(String zone, MixRef mix) {
        }

        /** A call interrupted by this side's Mix failure is spliced again; frames flow. */
        default void onResumed(Call call) {
        }
    }

    /**
     * One zone the client joins: its certificate there, the link to its Mix, and the zone's Mixes
     * (from verified descriptors) among which the rendezvous Mix is drawn.
     */
    public record Zone(ClientCertificate certificate, int mixPeer, MixRef mix, List<MixRef> zoneMixes) {
        /** Checks. */
        public Zone {
            Objects.requireNonNull(certificate);
            Objects.requireNonNull(mix);
            zoneMixes = List.copyOf(zoneMixes);
            if (zoneMixes.isEmpty() || !zoneMixes.contains(mix)) {
                throw new IllegalArgumentException("the zone's Mixes must include the client's Mix");
            }
        }

        /** The zone's name. */
        public String name() {
            return certificate.zone();
        }
    }

    /** What the client dropped, by cause. */
    public static final class Counters {
        long circuitDrops;
        long unknownCircuit;
        long unknownRelayCommands;
        long unexpected;
        long malformed;
        long retransmissions;
        long duplicates;
        long staleAnswers;

        /** Backward relay cells no hop's MAC recognised, or replays. */
        public long circuitDrops() {
            return circuitDrops;
        }

        /** Cells for a circuit the client does not have. */
        public long unknownCircuit() {
            return unknownCircuit;
        }

        /** Recognised relay cells with an unknown relay command. */
        public long unknownRelayCommands() {
            return unknownRelayCommands;
        }

        /** Known relay commands that make no sense now (e.g. DATA with no active call). */
        public long unexpected() {
            return unexpected;
        }

        /** Malformed cells and control messages. */
        public long malformed() {
            return malformed;
        }

        /** Control requests re-sent because no answer came in time ({@link CallClient#MAX_SENDS}). */
        public long retransmissions() {
            return retransmissions;
        }

        /**
         * Answers and requests that were duplicates, ignored (or answered again): a late answer to
         * a request already answered (REGISTERED, ANSWER, CONNECTED, RESUMED), a copy of an END
         * after the call ended, a CONNECT for a call already ringing, active or just ended.
         */
        public long duplicates() {
            return duplicates;
        }

        /**
         * ANSWERs dropped because their request id is not that of the LOOKUP in flight on their
         * circuit: late answers (positive or negative) to the LOOKUP of a call that already ended,
         * or answers to a LOOKUP the rendezvous Mix could not read ({@link ControlMessages#NO_REQUEST_ID}).
         */
        public long staleAnswers() {
            return staleAnswers;
        }
    }

    /** The first wait after a refused REGISTER; it doubles with every refusal in a row. */
    public static final long REGISTER_BACKOFF_FIRST_NANOS = java.util.concurrent.TimeUnit.MILLISECONDS.toNanos(40);
    /** The longest wait between REGISTERs that were refused. */
    public static final long REGISTER_BACKOFF_MAX_NANOS = java.util.concurrent.TimeUnit.SECONDS.toNanos(1);

    /**
     * Copies of a control request that expects an answer (REGISTER, LOOKUP, CONNECT, RESUME) sent
     * before its step deadline ends it: the first at once, then after 1/{@value #RETRANSMIT_DIVISOR},
     * 3/{@value #RETRANSMIT_DIVISOR} and 7/{@value #RETRANSMIT_DIVISOR} of the step timeout (each
     * wait twice the one before). A set-up whose every copy (or every answer) was lost ends with
     * {@link Call#TIMEOUT} at the deadline; a REGISTER starts over with a new cookie.
     */
    public static final int MAX_SENDS = 4;
    /** The first re-send of an unanswered request waits the step timeout divided by this. */
    public static final int RETRANSMIT_DIVISOR = 10;

    /**
     * The wait before the second re-join of a zone in a row (the first is at once, so a single Mix
     * failure costs no time); each later one waits twice as long, up to
     * {@link #REJOIN_BACKOFF_MAX_NANOS}, drawn uniformly from [½, 1] of that (jitter, so the
     * clients of a failed Mix do not come back in step).
     */
    public static final long REJOIN_BACKOFF_FIRST_NANOS = java.util.concurrent.TimeUnit.SECONDS.toNanos(1);
    /** The longest wait between re-joins of a zone. */
    public static final long REJOIN_BACKOFF_MAX_NANOS = java.util.concurrent.TimeUnit.SECONDS.toNanos(60);
    /**
     * A link to a zone's Mix that lasted this long resets the count of failures in a row (and
     * forgets which Mixes failed before).
     */
    public static final long REJOIN_STABLE_NANOS = java.util.concurrent.TimeUnit.SECONDS.toNanos(30);

    /**
     * How long a REGISTER's {@link RendezvousBinding} is valid (1 hour, within the directory's
     * maximum); the client registers again when half of it is left.
     */
    public static final long REGISTRATION_LIFETIME_MS = 3_600_000L;

    /**
     * A resume gets this many handshake steps (link to the new Mix, circuits, RESUME) before the
     * call ends with {@link Call#RESUME_FAILED}; the Mix side waits {@code Mix.Config.resumeWindowNanos()}.
     */
    public static final int RESUME_STEPS = 3;

    /** Per-zone state. */
    private final class Attachment {
        Zone zone;
        boolean rejoining;
        /** While rejoining: {@link Listener#onRejoin} was called (else the back-off still runs). */
        boolean rejoinAsked;
        /** While rejoining and not asked yet: when to ask. */
        long rejoinAskAt;
        /** Links to this zone's Mixes lost (or never up) in a row, less than {@link #REJOIN_STABLE_NANOS} apart. */
        int rejoinFailures;
        /** When the current link to the zone's Mix came up. */
        long linkUpAt;
        MixRef rejoinTarget;
        long rejoinDeadline;
        final List<MixRef> failedMixes = new ArrayList<>();
        int silentTicks;
        Circuit inbound;
        Circuit outbound;
        boolean registered;
        boolean registering;
        /** Refusals in a row (a rendezvous Mix without its directory link answers a non-OK status). */
        int registerRefusals;
        /** No REGISTER before this (clock nanos): the back-off after a refusal. */
        long registerNotBefore;
        long registerDeadline;
        ControlRequest registerRequest;
        long bindingUntil;
        byte[] cookie;

        Attachment(Zone zone) {
            this.zone = zone;
        }
    }

    private final IdentityKeyPair identity;
    private final OnionKeyPair endToEndKey;
    private final CellOutlet outlet;
    private final Clock clock;
    private final SecureRandom random;
    private final Listener listener;
    private final long stepTimeoutNanos;
    private final List<Attachment> attachments = new ArrayList<>();
    private final List<Call> calls = new ArrayList<>();
    private final Counters counters = new Counters();
    private final org.herd.core.circuit.Reassembler inbox;
    /** Ids of the last calls that ended here, so a late copy of their CONNECT never rings again. */
    private final long[] endedCallIds = new long[16];
    private int endedCalls;
    private int silenceLimitTicks;

    /**
     * A client with identity key {@code identity} (certified by its zones) and end-to-end onion key
     * {@code endToEndKey} (bound to the identity, rendezvous Mix and cookie by a
     * {@link RendezvousBinding} when registering).
     */
    public CallClient(IdentityKeyPair identity, OnionKeyPair endToEndKey, CellOutlet outlet, Clock clock,
            SecureRandom random, Listener listener, long stepTimeoutNanos) {
        this.identity = Objects.requireNonNull(identity);
        this.endToEndKey = Objects.requireNonNull(endToEndKey);
        this.outlet = Objects.requireNonNull(outlet);
        this.clock = Objects.requireNonNull(clock);
        this.random = Objects.requireNonNull(random);
        this.listener = Objects.requireNonNull(listener);
        this.stepTimeoutNanos = stepTimeoutNanos;
        this.inbox = new org.herd.core.circuit.Reassembler(8, stepTimeoutNanos);
    }

    /** Joins {@code zone} (its link is up) and starts building that zone's circuits. */
    public void join(Zone zone) {
        if (!zone.certificate().clientKey().equals(identity.publicKey())) {
            throw new IllegalArgumentException("the certificate is not this client's");
        }
        if (attachments.size() == 2) {
            throw new IllegalStateException("a client joins at most two zones");
        }
        Attachment a = new Attachment(zone);
        attachments.add(a);
        long now = clock.nanoTime();
        a.linkUpAt = now;
        a.inbound = build(a, now);
        a.outbound = build(a, now);
        // Started only once findable: an outlet may deliver the answer synchronously.
        a.inbound.start(now);
        a.outbound.start(now);
    }

    /** A circuit to the zone's Mix and on to a rendezvous Mix chosen uniformly among the zone's Mixes (I5). */
    private Circuit build(Attachment a, long now) {
        List<MixRef> mixes = new ArrayList<>(a.zone.zoneMixes());
        // A Mix that failed this client is not drawn again (its circuit could not be built); the
        // draw stays uniform over the others (I5).
        if (mixes.size() > a.failedMixes.size()) {
            mixes.removeAll(a.failedMixes);
        }
        MixRef rendezvous = mixes.get(random.nextInt(mixes.size()));
        List<MixRef> path = rendezvous.equals(a.zone.mix()) ? List.of(a.zone.mix()) : List.of(a.zone.mix(), rendezvous);
        int high = CircuitIds.weUseHighBit(identity.publicKey(), a.zone.mix().identity()) ? 0x8000_0000 : 0;
        int id;
        do {
            id = random.nextInt() & 0x7FFF_FFFF | high;
        } while (id == 0 || find(a.zone.mixPeer(), id) != null);
        return new Circuit(outlet, a.zone.mixPeer(), id, path, random, stepTimeoutNanos);
    }

    private Circuit find(int peer, int circuitId) {
        for (Attachment a : attachments) {
            for (Circuit c : new Circuit[] {a.inbound, a.outbound}) {
                if (c != null && c.peer() == peer && c.circuitId() == circuitId) {
                    return c;
                }
            }
        }
        return null;
    }

    private Attachment attachmentOf(Circuit c) {
        for (Attachment a : attachments) {
            if (a.inbound == c || a.outbound == c) {
                return a;
            }
        }
        return null;
    }

    private Call callOn(Circuit c) {
        for (int i = 0; i < calls.size(); i++) {
            if (calls.get(i).circuit() == c) {
                return calls.get(i);
            }
        }
        return null;
    }

    /**
     * Timers, once per tick: circuit and call deadlines, rebuilding lost circuits (with a fresh
     * uniform rendezvous choice), and registering once the inbound circuit is open.
     */
    public void poll() {
        long now = clock.nanoTime();
        inbox.expire(now);
        for (Call call : new ArrayList<>(calls)) {
            if ((call.state == Call.State.LOOKING_UP || call.state == Call.State.CONNECTING)) {
                if (call.deadline - now <= 0) {
                    call.finish(ControlMessages.END_HANGUP, Call.TIMEOUT);
                } else {
                    resend(call.request, call.circuit(), now);
                }
            }
        }
        for (Attachment a : attachments) {
            if (!a.rejoining && silenceLimitTicks > 0 && ++a.silentTicks >= silenceLimitTicks) {
                mixLost(a);
            }
            if (a.rejoining) {
                if (!a.rejoinAsked) {
                    if (a.rejoinAskAt - now <= 0) {
                        askRejoin(a, now);
                    }
                } else if (a.rejoinDeadline - now <= 0) {
                    if (a.rejoinTarget != null) {
                        a.failedMixes.add(a.rejoinTarget); // no link came up in time
                    }
                    a.rejoinFailures++;
                    requestRejoin(a, now);
                }
                continue;
            }
            a.inbound.poll(now);
            a.outbound.poll(now);
            if (dead(a.inbound)) {
                endCallOn(a.inbound);
                a.registered = false;
                a.registering = false;
                a.inbound = build(a, now);
                a.inbound.start(now);
            }
            if (dead(a.outbound)) {
                endCallOn(a.outbound);
                a.outbound = build(a, now);
                a.outbound.start(now);
            }
            if (a.registering && a.registerDeadline - now <= 0) {
                a.registering = false; // no REGISTERED to any copy: try again with a fresh cookie
            } else if (a.registering && a.inbound.state() == Circuit.State.OPEN) {
                resend(a.registerRequest, a.inbound, now);
            }
            if (a.registered && a.bindingUntil - clock.epochMillis() <= REGISTRATION_LIFETIME_MS / 2) {
                a.registered = false; // renew before the directory's registration lapses
            }
            if (a.inbound.state() == Circuit.State.OPEN && !a.registered && !a.registering
                    && now - a.registerNotBefore >= 0) {
                register(a);
            }
        }
        for (Call call : new ArrayList<>(calls)) {
            if (!call.resuming) {
                continue;
            }
            if (call.resumeDeadline - now <= 0) {
                call.finish(ControlMessages.END_HANGUP, Call.RESUME_FAILED);
                continue;
            }
            if (call.resumeSent) {
                resend(call.request, call.circuit(), now);
                continue;
            }
            Attachment a = attachment(call.zone);
            if (!call.resumeSent && a != null && !a.rejoining && a.outbound.state() == Circuit.State.OPEN
                    && callOn(a.outbound) == null) {
                // The call moves to the new outbound circuit and asks the callee's rendezvous Mix
                // R2, where the surviving half waits, to splice it again.
                call.moveTo(a.outbound);
                call.resumeSent = true;
                call.request = request(RelayCommand.RESUME,
                        new ControlMessages.Resume(call.callId, call.rendezvous.encoded()).encode());
                call.request.send(a.outbound, now);
            }
        }
    }

    private ControlRequest request(int relayCommand, byte[] message) {
        return new ControlRequest(relayCommand, message, stepTimeoutNanos / RETRANSMIT_DIVISOR);
    }

    private void resend(ControlRequest request, Circuit circuit, long now) {
        if (request != null && circuit.state() == Circuit.State.OPEN && request.resendIfDue(circuit, now)) {
            counters.retransmissions++;
        }
    }

    /**
     * Failure detection with no link event: the Mix of a zone counts as failed after
     * {@code ticks} polls without any cell from it (chaff included); 0 (the default) disables it.
     */
    public void silenceLimit(int ticks) {
        if (ticks < 0) {
            throw new IllegalArgumentException("negative silence limit");
        }
        this.silenceLimitTicks = ticks;
    }

    /**
     * The link to {@code peer} is gone. If it was the link to a zone's Mix, the client re-joins
     * another Mix of that zone (§3.5): {@link Listener#onRejoin} asks for a link, then circuits are
     * rebuilt, the client registers again, and an active call is resumed by RESUME with its call
     * id through the new rendezvous Mix to the callee's rendezvous Mix, keeping its end-to-end
     * keys and frame counters. Calls not yet active end ({@link Call#CIRCUIT_LOST}).
     */
    public void linkDown(int peer) {
        for (Attachment a : attachments) {
            if (!a.rejoining && a.zone.mixPeer() == peer) {
                mixLost(a);
            }
        }
    }

    /** A link to {@code mix}, asked for by {@link Listener#onRejoin}, is up as {@code peer}. */
    public void mixLinkUp(int peer, MixRef mix) {
        for (Attachment a : attachments) {
            if (a.rejoining && mix.equals(a.rejoinTarget)) {
                long now = clock.nanoTime();
                a.rejoining = false;
                a.rejoinTarget = null;
                a.linkUpAt = now;
                a.silentTicks = 0;
                a.zone = new Zone(a.zone.certificate(), peer, mix, a.zone.zoneMixes());
                a.inbound = build(a, now);
                a.outbound = build(a, now);
                a.inbound.start(now);
                a.outbound.start(now);
                return;
            }
        }
        throw new IllegalStateException("no re-join is waiting for " + mix);
    }

    private void mixLost(Attachment a) {
        long now = clock.nanoTime();
        endCallOn(a.inbound);
        endCallOn(a.outbound);
        // The link is gone: nothing can be sent on these circuits any more.
        a.inbound.destroyedRemotely();
        a.outbound.destroyedRemotely();
        inbox.forget(a.inbound.key());
        inbox.forget(a.outbound.key());
        a.registered = false;
        a.registering = false;
        if (now - a.linkUpAt >= REJOIN_STABLE_NANOS) {
            // That link had been fine for a while: this is a fresh failure, and the Mixes that
            // failed before may well be back.
            a.rejoinFailures = 0;
            a.failedMixes.clear();
        }
        a.failedMixes.add(a.zone.mix());
        a.rejoinFailures++;
        requestRejoin(a, now);
    }

    /**
     * Re-joins the zone: at once after one failure (a call resumes without delay), otherwise after
     * {@link #rejoinBackoffNanos} so that a starved Mix is not hammered by every client it lost.
     */
    private void requestRejoin(Attachment a, long now) {
        a.rejoining = true;
        a.rejoinAsked = false;
        a.rejoinTarget = null;
        long wait = rejoinBackoffNanos(a.rejoinFailures);
        a.rejoinAskAt = now + wait;
        if (wait == 0) {
            askRejoin(a, now);
        }
    }

    /**
     * The wait before re-joining after {@code failures} failures in a row: 0 for the first, then
     * {@link #REJOIN_BACKOFF_FIRST_NANOS} doubling up to {@link #REJOIN_BACKOFF_MAX_NANOS}, each
     * drawn uniformly from [½, 1] of that with the injected random source.
     */
    long rejoinBackoffNanos(int failures) {
        if (failures <= 1) {
            return 0;
        }
        long cap = REJOIN_BACKOFF_FIRST_NANOS << Math.min(failures - 2, 20);
        cap = Math.min(REJOIN_BACKOFF_MAX_NANOS, cap);
        return cap / 2 + (long) (random.nextDouble() * (cap / 2));
    }

    /** Asks for a link to a Mix of the zone drawn uniformly from those not yet failed. */
    private void askRejoin(Attachment a, long now) {
        a.rejoinAsked = true;
        List<MixRef> candidates = new ArrayList<>();
        for (MixRef m : a.zone.zoneMixes()) {
            if (!a.failedMixes.contains(m)) {
                candidates.add(m);
            }
        }
        a.rejoining = true;
        a.rejoinDeadline = now + stepTimeoutNanos;
        if (candidates.isEmpty()) {
            // Every Mix of the zone failed us: calls cannot resume; try them all again later.
            for (Call call : new ArrayList<>(calls)) {
                if (call.resuming && a.zone.name().equals(call.zone)) {
                    call.finish(ControlMessages.END_HANGUP, Call.RESUME_FAILED);
                }
            }
            a.failedMixes.clear();
            a.rejoinTarget = null;
            return;
        }
        a.rejoinTarget = candidates.get(random.nextInt(candidates.size()));
        listener.onRejoin(a.zone.name(), a.rejoinTarget);
    }

    private static boolean dead(Circuit c) {
        return c.state() == Circuit.State.FAILED || c.state() == Circuit.State.CLOSED;
    }

    /**
     * The circuit under a call is gone: an active call is resumed on a rebuilt circuit (its other
     * half waits at the callee's rendezvous Mix); a call still being set up ends.
     */
    private void endCallOn(Circuit c) {
        Call call = callOn(c);
        if (call == null) {
            return;
        }
        if (call.resuming) {
            call.resumeSent = false; // the RESUME's circuit is gone too: send it again on the next one
            return;
        }
        if (call.state == Call.State.ACTIVE) {
            call.resuming = true;
            call.resumeSent = false;
            call.resumeDeadline = clock.nanoTime() + RESUME_STEPS * stepTimeoutNanos;
        } else {
            call.end(Call.CIRCUIT_LOST);
        }
    }

    private void register(Attachment a) {
        a.registering = true;
        long now = clock.nanoTime();
        a.registerDeadline = now + stepTimeoutNanos;
        a.cookie = new byte[ControlMessages.COOKIE_SIZE];
        random.nextBytes(a.cookie);
        OnionPublicKey onion = endToEndKey.publicKey();
        long until = Math.min(a.zone.certificate().validUntil(), clock.epochMillis() + REGISTRATION_LIFETIME_MS);
        a.bindingUntil = until;
        RendezvousBinding binding = RendezvousBinding.sign(identity, a.zone.name(), a.inbound.lastHop().identity(),
                a.cookie, onion, until);
        byte[] msg = new ControlMessages.Register(a.cookie, onion.encoded(), until, binding.signature(),
                a.zone.certificate().encoded()).encode();
        a.registerRequest = request(RelayCommand.REGISTER, msg);
        a.registerRequest.send(a.inbound, now);
    }

    /**
     * Places a call to the holder of {@code callee} (a certificate exchanged out of band), from the
     * zone that differs from the callee's if the client joined two. The call starts LOOKING_UP.
     */
    public Call call(ClientCertificate callee) throws CallException {
        if (attachments.isEmpty()) {
            throw new CallException(CallException.Reason.NOT_READY, "no zone joined");
        }
        Attachment a = attachments.get(0);
        for (Attachment other : attachments) {
            if (!other.zone.name().equals(callee.zone())) {
                a = other;
                break;
            }
        }
        Circuit c = a.outbound;
        if (c.state() != Circuit.State.OPEN) {
            throw new CallException(CallException.Reason.NOT_READY, "circuit is " + c.state());
        }
        if (callOn(c) != null) {
            throw new CallException(CallException.Reason.BUSY, "a call is in progress");
        }
        Call call = new Call(this, c, true, callee, Call.State.LOOKING_UP);
        call.callId = random.nextLong();
        call.zone = a.zone.name();
        long now = clock.nanoTime();
        call.deadline = now + stepTimeoutNanos;
        calls.add(call);
        // A fresh request id per LOOKUP (every copy carries the same): the ANSWER echoes it, so a
        // late answer to an earlier call's LOOKUP, negative ones included, cannot end this call.
        do {
            call.lookupId = random.nextLong();
        } while (call.lookupId == ControlMessages.NO_REQUEST_ID);
        call.request = request(RelayCommand.LOOKUP,
                new ControlMessages.Lookup(call.lookupId, callee.zone(), callee.clientKey().encoded()).encode());
        call.request.send(c, now);
        return call;
    }

    /**
     * Handles one cell from the link to {@code peer} (a Mix). May overwrite the cell in place and
     * keeps no reference to the buffer.
     */
    public void onCell(int peer, byte[] buffer, int offset) {
        for (int i = 0; i < attachments.size(); i++) {
            if (attachments.get(i).zone.mixPeer() == peer) {
                attachments.get(i).silentTicks = 0; // chaff counts: the Mix is alive
            }
        }
        int command = buffer[offset + Cell.COMMAND_OFFSET] & 0xFF;
        if (command == CellCommand.PADDING) {
            return;
        }
        Circuit c = find(peer, Bytes.getInt(buffer, offset + Cell.CIRCUIT_ID_OFFSET));
        if (c == null) {
            counters.unknownCircuit++;
            return;
        }
        switch (command) {
            case CellCommand.CREATED -> {
                if (!c.onCreated(buffer, offset, clock.nanoTime())) {
                    counters.malformed++;
                }
            }
            case CellCommand.DESTROY -> {
                c.destroyedRemotely();
                endCallOn(c);
            }
            case CellCommand.RELAY -> onRelay(c, buffer, offset);
            default -> counters.malformed++;
        }
    }

    private void onRelay(Circuit c, byte[] buffer, int offset) {
        int hop = c.decryptBackward(buffer, offset);
        if (hop < 0) {
            counters.circuitDrops++;
            return;
        }
        if (CellCodec.checkRelayHeader(buffer, offset) != CellCodec.OK) {
            counters.malformed++;
            return;
        }
        int rc = CellCodec.relayCommand(buffer, offset);
        int length = CellCodec.relayDataLength(buffer, offset);
        if (rc == RelayCommand.DATA) {
            Call call = callOn(c);
            if (call == null || hop != c.lastHopIndex() || CellCodec.relayStreamId(buffer, offset) != Call.STREAM) {
                counters.unexpected++;
                return;
            }
            call.onData(buffer, offset + RelayCell.BODY_OFFSET + RelayCell.DATA_OFFSET, length);
            return;
        }
        if (!RelayCommand.isKnown(rc)) {
            counters.unknownRelayCommands++;
            return;
        }
        byte[] message = inbox.accept(c.key(), rc, buffer, offset, length, clock.nanoTime());
        if (message == null) {
            counters.malformed += inbox.takeDrops();
            return;
        }
        try {
            onControl(c, hop, rc, message);
        } catch (MalformedMessageException e) {
            counters.malformed++;
        }
    }

    private void onControl(Circuit c, int hop, int rc, byte[] message) throws MalformedMessageException {
        if (rc == RelayCommand.EXTENDED) {
            if (!c.onExtended(hop, message, clock.nanoTime())) {
                counters.unexpected++;
            }
            return;
        }
        if (hop != c.lastHopIndex() || c.state() != Circuit.State.OPEN) {
            counters.unexpected++;
            return;
        }
        Attachment a = attachmentOf(c);
        Call call = callOn(c);
        switch (rc) {
            case RelayCommand.REGISTERED -> {
                int status = ControlMessages.Registered.decode(message).status();
                if (c != a.inbound) {
                    counters.unexpected++;
                    return;
                }
                if (!a.registering) {
                    counters.duplicates++; // the answer to a copy of a REGISTER already answered
                    return;
                }
                a.registering = false;
                a.registerRequest = null;
                a.registered = status == ControlMessages.STATUS_OK;
                if (a.registered) {
                    a.registerRefusals = 0;
                } else {
                    // Back off (40 ms, 80 ms, ... up to REGISTER_BACKOFF_MAX_NANOS): a refusal
                    // usually means the rendezvous Mix's directory link is not up yet, and
                    // asking again every tick only loads both.
                    a.registerRefusals = Math.min(a.registerRefusals + 1, 16);
                    long backoff = Math.min(REGISTER_BACKOFF_MAX_NANOS, REGISTER_BACKOFF_FIRST_NANOS << (a.registerRefusals - 1));
                    a.registerNotBefore = clock.nanoTime() + backoff;
                }
                listener.onRegistered(a.zone.name(), status);
            }
            case RelayCommand.ANSWER -> onAnswer(a, c, call, ControlMessages.Answer.decode(message));
            case RelayCommand.CONNECT -> onConnect(a, c, call, ControlMessages.Connect.decode(message));
            case RelayCommand.CONNECTED -> onConnected(c, call, ControlMessages.Connected.decode(message));
            case RelayCommand.RESUMED -> {
                long id = ControlMessages.Resumed.decode(message).callId();
                if (call != null && !call.resuming && id == call.callId) {
                    counters.duplicates++; // R2 answered a copy of the RESUME again
                    return;
                }
                if (call == null || !call.resumeSent || id != call.callId) {
                    counters.unexpected++;
                    return;
                }
                call.resuming = false;
                call.resumeSent = false;
                call.request = null;
                call.resumes++;
                listener.onResumed(call);
            }
            case RelayCommand.END -> {
                int reason = ControlMessages.End.decode(message).reason();
                if (call == null) {
                    counters.duplicates++; // a copy of an END (ControlMessages.END_COPIES), or a race with a teardown
                } else if (call.state == Call.State.CONNECTING) {
                    // A copy of the CONNECT may still be on its way and splice again behind this
                    // refusal: END follows it on the same circuit and undoes that.
                    call.finish(ControlMessages.END_HANGUP, reason);
                } else {
                    call.end(reason);
                }
            }
            default -> counters.unexpected++;
        }
    }

    private void onAnswer(Attachment a, Circuit c, Call call, ControlMessages.Answer answer) {
        if (c != a.outbound) {
            counters.unexpected++; // calls are placed from the outbound circuit only
            return;
        }
        if (call == null || answer.requestId() != call.lookupId) {
            // Not the answer to this call's LOOKUP: a late one (OK or not) to the LOOKUP of a call
            // that already ended, or a refusal of a LOOKUP the Mix could not read.
            counters.staleAnswers++;
            return;
        }
        if (call.state != Call.State.LOOKING_UP) {
            counters.duplicates++; // the answer to a copy of this call's LOOKUP
            return;
        }
        call.request = null;
        if (answer.status() != ControlMessages.STATUS_OK) {
            call.end(answer.status() == ControlMessages.STATUS_NOT_REGISTERED
                    ? ControlMessages.END_NOT_REGISTERED : Call.UNKNOWN_CALLEE);
            return;
        }
        OnionPublicKey onion = OnionPublicKey.of(answer.onionKey());
        // The binding must be the callee's own signature naming this rendezvous Mix, cookie and
        // onion key in the callee's zone: neither the directory nor a Mix can redirect the call.
        RendezvousBinding binding = new RendezvousBinding(call.peer().zone(), call.peer().clientKey(),
                IdentityPublicKey.of(answer.rendezvous()), answer.cookie(), answer.onionKey(), answer.bindingUntil(),
                answer.bindingSignature());
        if (answer.bindingUntil() - clock.epochMillis() <= 0 || !binding.verify()) {
            call.end(Call.BAD_ANSWER);
            return;
        }
        call.rendezvous = binding.rendezvousMix();
        call.handshake = Ntor.client(Ntor.herdId(call.peer().clientKey()), onion, random);
        call.state = Call.State.CONNECTING;
        long now = clock.nanoTime();
        call.deadline = now + stepTimeoutNanos;
        call.request = request(RelayCommand.CONNECT, new ControlMessages.Connect(call.callId, answer.rendezvous(),
                answer.cookie(), call.handshake.handshake()).encode());
        call.request.send(call.circuit(), now);
    }

    private void onConnect(Attachment a, Circuit c, Call existing, ControlMessages.Connect connect) {
        if (c != a.inbound) {
            counters.unexpected++;
            return;
        }
        if (existing != null) {
            if (existing.callId != connect.callId()) {
                counters.unexpected++;
                return;
            }
            // A copy of the CONNECT (the caller got no CONNECTED in time): never a second ring;
            // if the call was accepted, the CONNECTED may have been lost, so it goes again.
            counters.duplicates++;
            if (existing.state == Call.State.ACTIVE && !existing.resuming) {
                existing.resendConnected();
            }
            return;
        }
        if (endedRecently(connect.callId())) {
            // A late copy of the CONNECT of a call that already ended here spliced the rendezvous
            // Mixes again: END undoes that, and nothing rings.
            counters.duplicates++;
            sendEnd(c, ControlMessages.END_HANGUP);
            return;
        }
        Ntor.ServerResult r;
        try {
            r = Ntor.server(connect.handshake(), Ntor.herdId(identity.publicKey()), List.of(endToEndKey), random);
        } catch (NtorException e) {
            counters.malformed++;
            c.sendControl(RelayCommand.END, c.lastHopIndex(),
                    new ControlMessages.End(ControlMessages.END_REFUSED).encode());
            return;
        }
        Call call = new Call(this, c, false, null, Call.State.RINGING);
        call.callId = connect.callId();
        call.zone = a.zone.name();
        call.rendezvous = c.lastHop().identity();
        call.calleeReply = r.reply();
        call.keyMaterial = r.keys().expand(org.herd.core.crypto.e2e.FrameSealer.KEY_MATERIAL_SIZE);
        calls.add(call);
        listener.onIncoming(call);
    }

    private void onConnected(Circuit c, Call call, ControlMessages.Connected connected) {
        if (call != null && call.state == Call.State.ACTIVE && connected.callId() == call.callId) {
            counters.duplicates++; // the callee answered a copy of the CONNECT again
            return;
        }
        if ((call == null || call.state == Call.State.LOOKING_UP) && endedRecently(connected.callId())) {
            // A call that ended here (timed out, refused) was connected after all by a late copy
            // of its CONNECT: hang it up so no splice is left behind.
            counters.duplicates++;
            sendEnd(c, ControlMessages.END_HANGUP);
            return;
        }
        if (call == null || call.state != Call.State.CONNECTING || connected.callId() != call.callId) {
            counters.unexpected++;
            return;
        }
        call.request = null;
        try {
            byte[] material = call.handshake.finish(connected.reply())
                    .expand(org.herd.core.crypto.e2e.FrameSealer.KEY_MATERIAL_SIZE);
            call.sealer = org.herd.core.crypto.e2e.FrameSealer.caller(material);
            java.util.Arrays.fill(material, (byte) 0);
        } catch (NtorException e) {
            call.finish(ControlMessages.END_REFUSED, Call.BAD_ANSWER);
            return;
        }
        call.handshake = null;
        call.state = Call.State.ACTIVE;
        listener.onConnected(call);
    }

    void callEnded(Call call) {
        calls.remove(call);
        endedCallIds[endedCalls++ % endedCallIds.length] = call.callId;
    }

    private boolean endedRecently(long callId) {
        for (int i = 0; i < Math.min(endedCalls, endedCallIds.length); i++) {
            if (endedCallIds[i] == callId) {
                return true;
            }
        }
        return false;
    }

    /** END on {@code c} to its last hop, {@link ControlMessages#END_COPIES} times. */
    static void sendEnd(Circuit c, int reason) {
        byte[] end = new ControlMessages.End(reason).encode();
        for (int i = 0; i < ControlMessages.END_COPIES; i++) {
            c.sendControl(RelayCommand.END, c.lastHopIndex(), end);
        }
    }

    Listener listener() {
        return listener;
    }

    /** Drop counters. */
    public Counters counters() {
        return counters;
    }

    private Attachment attachment(String zone) {
        for (Attachment a : attachments) {
            if (a.zone.name().equals(zone)) {
                return a;
            }
        }
        return null;
    }

    /** True once the zone's directory accepted this client's registration. */
    public boolean isRegistered(String zone) {
        Attachment a = attachment(zone);
        return a != null && a.registered;
    }

    /** The circuit calls to this client arrive on, in {@code zone}, or null. */
    public Circuit inboundCircuit(String zone) {
        Attachment a = attachment(zone);
        return a == null ? null : a.inbound;
    }

    /** The circuit this client places calls from, in {@code zone}, or null. */
    public Circuit outboundCircuit(String zone) {
        Attachment a = attachment(zone);
        return a == null ? null : a.outbound;
    }

    /** True once every circuit of every joined zone is open. */
    public boolean ready() {
        for (Attachment a : attachments) {
            if (a.inbound.state() != Circuit.State.OPEN || a.outbound.state() != Circuit.State.OPEN) {
                return false;
            }
        }
        return !attachments.isEmpty();
    }

    /** Calls in progress. */
    public List<Call> calls() {
        return List.copyOf(calls);
    }
}
