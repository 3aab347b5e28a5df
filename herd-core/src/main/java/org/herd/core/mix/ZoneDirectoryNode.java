package org.herd.core.mix;

import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.function.Supplier;
import java.util.function.UnaryOperator;
import org.herd.core.crypto.IdentityKeyPair;
import org.herd.core.crypto.IdentityPublicKey;
import org.herd.core.directory.DirectoryMessages;
import org.herd.core.directory.DirectoryProtocolException;
import org.herd.core.directory.DirectoryResponse;
import org.herd.core.directory.DirectoryService;
import org.herd.core.directory.ClientCertificateRecord;
import org.herd.core.directory.IssuedCertificates;
import org.herd.core.link.LinkConfig;
import org.herd.core.link.LinkException;
import org.herd.core.wire.Bytes;
import org.herd.core.time.Clock;

/**
 * A zone directory process's runtime (§3.1, §3.4.2, §3.4.3, §3.5 of the Herd paper): the zone's
 * directory service (a {@link DirectoryService}'s {@code handle}, e.g. of an {@link EmbeddedDirectory})
 * behind a {@link DirectoryLinkServer}, and a timer on the links' event loop that every {@code pollMillis}
 * <ol>
 * <li>runs the rate controller's epoch step ({@link DirectoryService#onEpoch()}): reports of the
 * last epoch become the rate of the epoch {@code leadEpochs} ahead, stored durably;</li>
 * <li>pushes the signed directory document (descriptors, epoch schedule, the rates of the current
 * and the next epochs) to every linked Mix ({@link DirectoryLinkCodec#DOCUMENT}) — the Mixes of
 * the zone apply the announced rates at the announced tick; a lost push is repeated by the next;</li>
 * <li>has a Mix of its zone forward each inter-zone RATE_PROPOSAL to the peer zone's directory
 * ({@link DirectoryLinkCodec#FORWARD}: directories have no links to each other, every Mix has
 * one to every directory); each proposal is sent on {@link #PROPOSAL_REPEATS} polls, as UDP may
 * lose one and a proposal is idempotent;</li>
 * </ol>
 * and pushes the client certificates it issued ({@link DirectoryLinkCodec#CLIENTS}) to the zone's
 * Mixes, which admit those clients' links by them: when a Mix of the zone links, every valid
 * certificate in the directory's store (so also those issued before a restart), page by page
 * (a <em>sweep</em>), again {@link #RESWEEP_MILLIS} after each sweep (a page lost on the way is
 * resent), and each certificate a JOIN issues at once and on the next {@link #PROPOSAL_REPEATS}
 * − 1 polls. Pages use only spare room of the directory link: one is queued only when the link's
 * slot queue is empty, and fills at most half of it ({@link #pageCells}), so REGISTERED, ANSWER
 * and RESPONSE cells always find room; the document goes before any page.
 * Mixes send UTILISATION_REPORTs, and clients JOIN and GET_DIRECTORY, as directory-protocol
 * requests ({@link DirectoryLinkCodec#REQUEST}) answered from the service.
 */
public final class ZoneDirectoryNode implements AutoCloseable {

    /** Polls on which each peer proposal is sent (and each certificate a JOIN issued is pushed). */
    public static final int PROPOSAL_REPEATS = 3;

    /** A Mix of the zone is sent every valid certificate again this long after its last sweep ended. */
    public static final long RESWEEP_MILLIS = 300_000;

    /** Period of the certificate pump: every tick, a page per Mix whose link's queue is empty. */
    static final long PUMP_MILLIS = 20;

    /** Certificates read from the store at once per sweep. */
    static final int STORE_BATCH = 256;

    /** A Mix with more JOIN-issued certificates than this waiting is swept again instead (the store has them all). */
    static final int MAX_FRESH = 4096;

    /** The largest CLIENTS message: what one directory-link message carries. */
    private static final int MAX_MESSAGE = DirectoryLinkCodec.MAX_FRAGMENTS * DirectoryLinkCodec.FRAGMENT_DATA;

    /**
     * What the directory process runs with.
     *
     * @param zoneMixes the keys of this zone's Mixes (they forward proposals for it)
     * @param allMixes the keys of every Mix of every zone (each links to every directory)
     * @param openToClients admit links from any key for JOIN and GET_DIRECTORY
     * @param rate the directory links' rate, cells per tick
     * @param pollMillis the epoch step and push period
     */
    public record Settings(IdentityKeyPair key, InetSocketAddress listen, Set<IdentityPublicKey> zoneMixes,
            Set<IdentityPublicKey> allMixes, boolean openToClients, int rate, long pollMillis, LinkConfig link) {
        /** Checks. */
        public Settings {
            Objects.requireNonNull(key);
            Objects.requireNonNull(listen);
            zoneMixes = Set.copyOf(zoneMixes);
            allMixes = Set.copyOf(allMixes);
            Objects.requireNonNull(link);
            if (rate < 1 || pollMillis < 1) {
                throw new IllegalArgumentException("rate and pollMillis must be positive");
            }
        }
    }

    /** What happens, on the event loop. */
    public interface Events extends DirectoryLinkServer.Events {
        /** A peer directory answered a forwarded proposal. */
        default void proposalAnswered(int status, String reason) {
        }

        /** A REGISTER forwarded by {@code rendezvous} was answered with {@code status} (0: stored durably). */
        default void registered(IdentityPublicKey rendezvous, int status) {
        }

        /** A LOOKUP was answered with {@code status} (0: found). */
        default void lookedUp(int status) {
        }

        /** A Mix's UTILISATION_REPORT was accepted (and stored by the service): its figures and load. */
        default void reported(org.herd.core.directory.UtilisationReport report) {
        }
    }

    private record Pending(String zone, byte[] request, int[] left) {
    }

    /** What this directory still owes one linked Mix, pushed by {@link #pump} when its link has room. */
    private static final class Outbox {
        final IdentityPublicKey mix;
        final boolean zoneMix;
        boolean documentOwed = true;
        /** Certificates issued at JOIN, pushed before the sweep's. */
        final ArrayDeque<byte[]> fresh = new ArrayDeque<>();
        /** The sweep's certificates read from the store and not pushed yet. */
        final ArrayDeque<ClientCertificateRecord> batch = new ArrayDeque<>();
        boolean sweeping;
        /** The last client key read from the store in this sweep; null: from the first. */
        IdentityPublicKey cursor;
        boolean storeExhausted;
        long nextSweepMillis;
        /** JOIN certificates were dropped during this sweep (some behind its cursor): sweep again at once after it. */
        boolean sweepAgain;
        long certificatesPushed;
        long sweeps;

        Outbox(IdentityPublicKey mix, boolean zoneMix) {
            this.mix = mix;
            this.zoneMix = zoneMix;
        }

        void startSweep() {
            sweeping = true;
            sweepAgain = false;
            cursor = null;
            storeExhausted = false;
            batch.clear();
        }
    }

    private final String zone;
    private final Events events;
    private final UnaryOperator<byte[]> service;
    private final Supplier<List<DirectoryService.PeerRequest>> epochStep;
    private final DirectoryLinkServer server;
    private final List<Pending> proposals = new ArrayList<>();
    private final IssuedCertificates certificates;
    private final Clock clock;
    private final Set<IdentityPublicKey> zoneMixes;
    private final Set<IdentityPublicKey> allMixes;
    private final Map<IdentityPublicKey, Outbox> outboxes = new LinkedHashMap<>();
    /** Certificates JOINs issued, with the polls left on which they are pushed again. */
    private final List<Pending> joined = new ArrayList<>();
    private long pages;
    private long taskFailures;
    private long documentsPushed;
    private long proposalsSent;
    private long proposalsAccepted;
    private long proposalsRefused;

    private ZoneDirectoryNode(String zone, UnaryOperator<byte[]> service, Supplier<List<DirectoryService.PeerRequest>> epochStep,
            IssuedCertificates certificates, Settings s, Clock clock, Events events) throws LinkException {
        this.zone = Objects.requireNonNull(zone);
        this.events = Objects.requireNonNull(events);
        this.service = Objects.requireNonNull(service);
        this.epochStep = epochStep;
        this.certificates = Objects.requireNonNull(certificates);
        this.clock = Objects.requireNonNull(clock);
        this.zoneMixes = s.zoneMixes();
        this.allMixes = s.allMixes();
        DirectoryLinkServer.Events serverEvents = new DirectoryLinkServer.Events() {
            @Override
            public void linkUp(IdentityPublicKey mix) {
                if (allMixes.contains(mix)) {
                    // A (re)linked Mix gets the document first, then (of this zone) every valid certificate.
                    Outbox o = new Outbox(mix, zoneMixes.contains(mix));
                    if (o.zoneMix) {
                        o.startSweep();
                    }
                    outboxes.put(mix, o);
                }
                events.linkUp(mix);
            }

            @Override
            public void linkDown(IdentityPublicKey mix, org.herd.core.link.LinkFailureReason reason) {
                outboxes.remove(mix);
                events.linkDown(mix, reason);
            }

            @Override
            public void response(IdentityPublicKey mix, byte[] message) {
                try {
                    DirectoryResponse r = DirectoryMessages.decodeResponse(java.util.Arrays.copyOfRange(message, 9, message.length));
                    if (r.isOk()) {
                        proposalsAccepted++;
                    } else {
                        proposalsRefused++;
                    }
                    events.proposalAnswered(r.status(), r.reason());
                } catch (DirectoryProtocolException e) {
                    proposalsRefused++;
                }
            }
        };
        this.server = DirectoryLinkServer.start(s.link(), s.key(), s.listen(), s.allMixes(), s.openToClients(), s.rate(),
                handler(), clock, serverEvents);
        // A repeating task that throws is never run again: a failure (e.g. the store busy) is
        // counted and the next run tries again.
        server.links().every(s.pollMillis(), () -> guarded(() -> poll(s.zoneMixes())));
        server.links().every(PUMP_MILLIS, () -> guarded(this::pump));
    }

    /**
     * Binds and starts serving {@code directory} on {@code settings.listen()}, running its epoch step every poll.
     *
     * @throws LinkException if the socket cannot be bound
     */
    public static ZoneDirectoryNode start(EmbeddedDirectory directory, Settings settings, Clock clock, Events events)
            throws LinkException {
        DirectoryService svc = directory.service();
        long[] purgedAt = {Long.MIN_VALUE};
        Supplier<List<DirectoryService.PeerRequest>> step = () -> {
            // Expired certificates, registrations and reports go about once a minute (no role timer here).
            long now = clock.epochMillis();
            if (purgedAt[0] == Long.MIN_VALUE || now - purgedAt[0] >= 60_000) {
                purgedAt[0] = now;
                svc.purgeExpired();
            }
            return svc.onEpoch();
        };
        return new ZoneDirectoryNode(svc.zone(), svc::handle, step, svc::validClientCertificates, settings, clock, events);
    }

    /**
     * Binds and serves the directory of {@code zone} whose requests {@code service} answers (bytes
     * of a directory-protocol request to the bytes of its response, e.g. {@link DirectoryService#handle});
     * {@code epochStep}, if not null, is run every poll and its RATE_PROPOSALs forwarded; a role
     * that runs the epoch step itself hands them over with {@link #propose}. {@code certificates}
     * are the valid client certificates of the directory's store
     * ({@link DirectoryService#validClientCertificates}), pushed to each Mix of the zone that links.
     *
     * @throws LinkException if the socket cannot be bound
     */
    public static ZoneDirectoryNode start(String zone, UnaryOperator<byte[]> service,
            Supplier<List<DirectoryService.PeerRequest>> epochStep, IssuedCertificates certificates, Settings settings,
            Clock clock, Events events) throws LinkException {
        return new ZoneDirectoryNode(zone, service, epochStep, certificates, settings, clock, events);
    }

    /** Forwards a RATE_PROPOSAL to its peer directory through a Mix of this zone (any thread). */
    public void propose(DirectoryService.PeerRequest request) {
        server.links().execute(() -> proposals.add(new Pending(request.peerZone(), request.request(),
                new int[] {PROPOSAL_REPEATS})));
    }

    /** {@link DirectoryLinkService#handlerFor}, remembering the certificates JOINs issue. */
    private DirectoryLinkService.Handler handler() {
        DirectoryLinkService.Handler plain = DirectoryLinkService.handlerFor(zone, service);
        return new DirectoryLinkService.Handler() {
            @Override
            public org.herd.core.wire.ControlMessages.Registered register(IdentityPublicKey rendezvous,
                    org.herd.core.wire.ControlMessages.Register request) {
                org.herd.core.wire.ControlMessages.Registered r = plain.register(rendezvous, request);
                events.registered(rendezvous, r.status());
                return r;
            }

            @Override
            public org.herd.core.wire.ControlMessages.Answer lookup(org.herd.core.wire.ControlMessages.Lookup request) {
                org.herd.core.wire.ControlMessages.Answer a = plain.lookup(request);
                events.lookedUp(a.status());
                return a;
            }

            @Override
            public byte[] request(IdentityPublicKey peer, byte[] directoryRequest) {
                byte[] response = service.apply(directoryRequest);
                int type = DirectoryMessages.peekType(directoryRequest);
                if (type == DirectoryMessages.JOIN) {
                    remember(response);
                } else if (type == DirectoryMessages.UTILISATION_REPORT) {
                    reported(directoryRequest, response);
                }
                return response;
            }
        };
    }

    /** Tells {@link Events#reported} of a report the service accepted. */
    private void reported(byte[] request, byte[] response) {
        try {
            if (DirectoryMessages.decodeResponse(response).isOk()
                    && DirectoryMessages.decodeRequest(request).request() instanceof org.herd.core.directory.DirectoryRequest.Report r) {
                events.reported(r.toUtilisationReport());
            }
        } catch (DirectoryProtocolException | IllegalArgumentException e) {
            // The service accepted it, so it decodes; nothing to tell otherwise.
        }
    }

    /** Runs {@code task}; a runtime failure is counted ({@link #taskFailures()}), not thrown out of the loop's timer. */
    private void guarded(Runnable task) {
        try {
            task.run();
        } catch (RuntimeException e) {
            taskFailures++;
        }
    }

    /** Poll or pump runs that failed (a store error, say) and were retried on their next tick. */
    public long taskFailures() {
        return server.links().call(() -> taskFailures);
    }

    /** Pushes the certificate a JOIN response issued to the zone's Mixes by the next pump and on the next polls. */
    private void remember(byte[] joinResponse) {
        try {
            DirectoryResponse r = DirectoryMessages.decodeResponse(joinResponse);
            if (r.isOk()) {
                byte[] cert = DirectoryResponse.JoinResult.decode(r.body()).clientCertificate();
                joined.add(new Pending(zone, cert, new int[] {PROPOSAL_REPEATS - 1}));
                offerFresh(cert); // the pump (every PUMP_MILLIS) sends it; the JOIN's answer does not wait on the store
            }
        } catch (DirectoryProtocolException e) {
            // Our own service's response: cannot happen; nothing to remember.
        }
    }

    private void offerFresh(byte[] certificate) {
        for (Outbox o : outboxes.values()) {
            if (!o.zoneMix) {
                continue;
            }
            if (o.fresh.contains(certificate)) {
                continue; // the same JOIN's repeat while its first copy still waits
            }
            if (o.fresh.size() >= MAX_FRESH) {
                // A burst of JOINs larger than the link drains: the store has every one of them.
                // A sweep under way goes on from its cursor; a whole new one follows it at once.
                o.fresh.clear();
                if (o.sweeping) {
                    o.sweepAgain = true;
                } else {
                    o.startSweep();
                }
            } else {
                o.fresh.add(certificate);
            }
        }
    }

    /**
     * Cells of one CLIENTS page on a link whose queue holds {@code queueBound} cells: half of it
     * (at least one), so the responses to the Mix's requests always find room behind a page.
     */
    static int pageCells(int queueBound) {
        return Math.max(1, queueBound / 2);
    }

    /**
     * Every tick: for each linked Mix whose link's queue is empty, the document if one is owed,
     * else one CLIENTS page — JOIN-issued certificates first, then the sweep's, read from the
     * store {@link #STORE_BATCH} at a time.
     */
    private void pump() {
        long now = clock.epochMillis();
        for (Outbox o : outboxes.values()) {
            int bound = server.queueBound(o.mix);
            if (bound == 0 || server.queueRoom(o.mix) < bound) {
                continue; // not linked, or cells still waiting: this tick's room is for responses
            }
            if (o.documentOwed) {
                byte[] document = document();
                byte[] m = document == null ? null : DirectoryLinkCodec.message(DirectoryLinkCodec.DOCUMENT, 0, document);
                if (m == null || server.sendWhole(o.mix, m)) {
                    documentsPushed += m == null ? 0 : 1;
                    o.documentOwed = false;
                } else if (DirectoryLinkCodec.cellCount(m.length) > bound) {
                    // Larger than the queue can ever hold: best effort, as before paging (the Mix drops a cut one).
                    server.send(o.mix, m);
                    o.documentOwed = false;
                }
                continue;
            }
            if (!o.zoneMix) {
                continue;
            }
            if (!o.sweeping && o.fresh.isEmpty() && now - o.nextSweepMillis >= 0) {
                o.startSweep();
            }
            byte[] page = page(o, Math.min(MAX_MESSAGE, pageCells(bound) * DirectoryLinkCodec.FRAGMENT_DATA) - 9, now);
            if (page != null && server.sendWhole(o.mix, DirectoryLinkCodec.message(DirectoryLinkCodec.CLIENTS, 0, page))) {
                pages++;
            }
        }
    }

    /** The next CLIENTS body of at most {@code maxBody} bytes for {@code o}, or null if nothing is owed. */
    private byte[] page(Outbox o, int maxBody, long now) {
        List<byte[]> fit = new ArrayList<>();
        int size = 2;
        while (true) {
            byte[] next = o.fresh.peek();
            boolean fromSweep = next == null;
            if (fromSweep) {
                if (!o.sweeping) {
                    break;
                }
                if (o.batch.isEmpty() && !o.storeExhausted) {
                    List<ClientCertificateRecord> read = certificates.page(o.cursor, STORE_BATCH);
                    o.batch.addAll(read);
                    if (!read.isEmpty()) {
                        o.cursor = read.get(read.size() - 1).client();
                    }
                    o.storeExhausted = read.size() < STORE_BATCH;
                }
                ClientCertificateRecord r = o.batch.peek();
                if (r == null) {
                    // Every valid certificate was pushed: the next sweep a while from now.
                    o.sweeping = false;
                    o.sweeps++;
                    o.nextSweepMillis = o.sweepAgain ? now : now + RESWEEP_MILLIS;
                    o.sweepAgain = false;
                    break;
                }
                if (r.expiresAtMillis() - now <= 0) {
                    o.batch.poll(); // expired since it was read
                    continue;
                }
                next = r.signedCertificate();
            }
            if (size + 2 + next.length > maxBody) {
                if (fit.isEmpty()) {
                    // Cannot fit even alone (a certificate is ~130 bytes, a page at least one cell): skip it.
                    if (fromSweep) {
                        o.batch.poll();
                    } else {
                        o.fresh.poll();
                    }
                    continue;
                }
                break;
            }
            if (fromSweep) {
                o.batch.poll();
            } else {
                o.fresh.poll();
            }
            fit.add(next);
            size += 2 + next.length;
        }
        if (fit.isEmpty()) {
            return null;
        }
        o.certificatesPushed += fit.size();
        return clientsMessage(fit, size);
    }

    /** The current signed document, asked of the service like any GET_DIRECTORY; null if it refuses. */
    private byte[] document() {
        byte[] request = DirectoryMessages.encodeRequest(0, new org.herd.core.directory.DirectoryRequest.GetDirectory());
        try {
            DirectoryResponse r = DirectoryMessages.decodeResponse(service.apply(request));
            return r.isOk() ? r.body() : null;
        } catch (DirectoryProtocolException e) {
            return null;
        }
    }

    private void poll(Set<IdentityPublicKey> zoneMixes) {
        if (epochStep != null) {
            for (DirectoryService.PeerRequest p : epochStep.get()) {
                proposals.add(new Pending(p.peerZone(), p.request(), new int[] {PROPOSAL_REPEATS}));
            }
        }
        for (Iterator<Pending> it = proposals.iterator(); it.hasNext();) {
            Pending p = it.next();
            byte[] zone = p.zone().getBytes(StandardCharsets.US_ASCII);
            byte[] body = new byte[1 + zone.length + p.request().length];
            body[0] = (byte) zone.length;
            System.arraycopy(zone, 0, body, 1, zone.length);
            System.arraycopy(p.request(), 0, body, 1 + zone.length, p.request().length);
            if (server.sendToAny(zoneMixes::contains, DirectoryLinkCodec.message(DirectoryLinkCodec.FORWARD, 0, body))) {
                proposalsSent++;
            }
            if (--p.left()[0] <= 0) {
                it.remove();
            }
        }
        // The document to every linked Mix (a lost push is repeated by the next), ahead of any page.
        for (Outbox o : outboxes.values()) {
            o.documentOwed = true;
        }
        for (Iterator<Pending> it = joined.iterator(); it.hasNext();) {
            Pending p = it.next();
            offerFresh(p.request());
            if (--p.left()[0] <= 0) {
                it.remove();
            }
        }
        pump();
    }

    private static byte[] clientsMessage(List<byte[]> fit, int size) {
        byte[] m = new byte[size];
        Bytes.putShort(m, 0, fit.size());
        int off = 2;
        for (byte[] c : fit) {
            Bytes.putShort(m, off, c.length);
            System.arraycopy(c, 0, m, off + 2, c.length);
            off += 2 + c.length;
        }
        return m;
    }

    /** The link server (address, counters). */
    public DirectoryLinkServer server() {
        return server;
    }

    /** Documents pushed, proposals sent / accepted / refused by the peer (read on the loop). */
    public long[] counters() {
        return server.links().call(() -> new long[] {documentsPushed, proposalsSent, proposalsAccepted, proposalsRefused});
    }

    /**
     * What was pushed to one linked Mix of the zone: client certificates (counting repeats) and
     * completed sweeps (every valid certificate of the store once).
     */
    public record CertificatePush(long certificates, long sweeps) {
    }

    /** The certificate pushes to {@code mix} since it last linked, or null if it is not linked (read on the loop). */
    public CertificatePush certificatePush(IdentityPublicKey mix) {
        return server.links().call(() -> {
            Outbox o = outboxes.get(mix);
            return o == null ? null : new CertificatePush(o.certificatesPushed, o.sweeps);
        });
    }

    /** CLIENTS pages pushed to all Mixes (read on the loop). */
    public long pagesPushed() {
        return server.links().call(() -> pages);
    }

    /** Stops the links (the directory's store stays open: close it separately). */
    @Override
    public void close() {
        server.close();
    }
}
