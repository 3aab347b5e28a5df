package org.herd.core.mix;

import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
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
 * <li>pushes the certificates of the clients that joined ({@link DirectoryLinkCodec#CLIENTS}) to
 * the zone's Mixes, which admit their links by them.</li>
 * </ol>
 * Mixes send UTILISATION_REPORTs, and clients JOIN and GET_DIRECTORY, as directory-protocol
 * requests ({@link DirectoryLinkCodec#REQUEST}) answered from the service.
 */
public final class ZoneDirectoryNode implements AutoCloseable {

    /** Polls on which each peer proposal is sent. */
    public static final int PROPOSAL_REPEATS = 3;

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
    }

    private record Pending(String zone, byte[] request, int[] left) {
    }

    private final String zone;
    private final Events events;
    private final UnaryOperator<byte[]> service;
    private final Supplier<List<DirectoryService.PeerRequest>> epochStep;
    private final DirectoryLinkServer server;
    private final List<Pending> proposals = new ArrayList<>();
    private final java.util.Map<IdentityPublicKey, byte[]> joined = new java.util.LinkedHashMap<>();
    private int clientsPushed = -1;
    private long documentsPushed;
    private long proposalsSent;
    private long proposalsAccepted;
    private long proposalsRefused;

    private ZoneDirectoryNode(String zone, UnaryOperator<byte[]> service, Supplier<List<DirectoryService.PeerRequest>> epochStep,
            Settings s, Clock clock, Events events) throws LinkException {
        this.zone = Objects.requireNonNull(zone);
        this.events = Objects.requireNonNull(events);
        this.service = Objects.requireNonNull(service);
        this.epochStep = epochStep;
        DirectoryLinkServer.Events serverEvents = new DirectoryLinkServer.Events() {
            @Override
            public void linkUp(IdentityPublicKey mix) {
                events.linkUp(mix);
            }

            @Override
            public void linkDown(IdentityPublicKey mix, org.herd.core.link.LinkFailureReason reason) {
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
        server.links().every(s.pollMillis(), () -> poll(s.zoneMixes()));
    }

    /**
     * Binds and starts serving {@code directory} on {@code settings.listen()}, running its epoch step every poll.
     *
     * @throws LinkException if the socket cannot be bound
     */
    public static ZoneDirectoryNode start(EmbeddedDirectory directory, Settings settings, Clock clock, Events events)
            throws LinkException {
        DirectoryService svc = directory.service();
        return new ZoneDirectoryNode(svc.zone(), svc::handle, svc::onEpoch, settings, clock, events);
    }

    /**
     * Binds and serves the directory of {@code zone} whose requests {@code service} answers (bytes
     * of a directory-protocol request to the bytes of its response, e.g. {@link DirectoryService#handle});
     * {@code epochStep}, if not null, is run every poll and its RATE_PROPOSALs forwarded; a role
     * that runs the epoch step itself hands them over with {@link #propose}.
     *
     * @throws LinkException if the socket cannot be bound
     */
    public static ZoneDirectoryNode start(String zone, UnaryOperator<byte[]> service,
            Supplier<List<DirectoryService.PeerRequest>> epochStep, Settings settings, Clock clock, Events events)
            throws LinkException {
        return new ZoneDirectoryNode(zone, service, epochStep, settings, clock, events);
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
                if (DirectoryMessages.peekType(directoryRequest) == DirectoryMessages.JOIN) {
                    remember(response);
                }
                return response;
            }
        };
    }

    /** Keeps the certificate a JOIN response issued, to push it to the zone's Mixes. */
    private void remember(byte[] joinResponse) {
        try {
            DirectoryResponse r = DirectoryMessages.decodeResponse(joinResponse);
            if (r.isOk()) {
                byte[] cert = DirectoryResponse.JoinResult.decode(r.body()).clientCertificate();
                joined.remove(org.herd.core.crypto.ClientCertificate.decode(cert).clientKey());
                joined.put(org.herd.core.crypto.ClientCertificate.decode(cert).clientKey(), cert);
            }
        } catch (DirectoryProtocolException | org.herd.core.crypto.CertificateException e) {
            // Our own service's response: cannot happen; nothing to remember.
        }
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
        byte[] document = document();
        if (document != null && server.broadcast(DirectoryLinkCodec.message(DirectoryLinkCodec.DOCUMENT, 0, document)) > 0) {
            documentsPushed++;
        }
        List<byte[]> clients = List.copyOf(joined.values());
        // Pushed when the list changed, and every poll while it is short (a Mix that linked late learns it too).
        if (!clients.isEmpty() && (clients.size() != clientsPushed || clients.size() <= 64)) {
            server.broadcast(DirectoryLinkCodec.message(DirectoryLinkCodec.CLIENTS, 0, clientsMessage(clients)));
            clientsPushed = clients.size();
        }
    }

    private static byte[] clientsMessage(List<byte[]> certificates) {
        int size = 2;
        List<byte[]> fit = new ArrayList<>();
        for (int i = certificates.size() - 1; i >= 0; i--) {
            byte[] c = certificates.get(i);
            // The newest first, as many as fit in one directory-link message.
            if (size + 2 + c.length > DirectoryLinkCodec.MAX_FRAGMENTS * DirectoryLinkCodec.FRAGMENT_DATA - 9) {
                break;
            }
            fit.add(c);
            size += 2 + c.length;
        }
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

    /** Stops the links (the directory's store stays open: close it separately). */
    @Override
    public void close() {
        server.close();
    }
}
