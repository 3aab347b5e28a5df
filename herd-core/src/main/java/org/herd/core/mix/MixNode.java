package org.herd.core.mix;

import java.net.InetSocketAddress;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import org.herd.core.circuit.Mix;
import org.herd.core.circuit.MixRef;
import org.herd.core.crypto.IdentityPublicKey;
import org.herd.core.crypto.NodeKeys;
import org.herd.core.link.LinkConfig;
import org.herd.core.link.LinkException;
import org.herd.core.link.LinkFailureReason;
import org.herd.core.node.NodeLinks;
import org.herd.core.sched.RateClass;
import org.herd.core.time.Clock;

/**
 * A Mix process's runtime (§3.1–§3.4 of the Herd paper): the pure circuit {@link Mix} on real
 * links. One {@link NodeLinks} (one DTLS endpoint, one event loop, constant-rate senders);
 * the Mix's {@code CellOutlet} copies into the slot queue of the peer's link (full: dropped and
 * counted); {@link Mix#poll()} runs every 20 ms tick on the loop. Links:
 * <ul>
 * <li>a full mesh to every other Mix of every zone; of each pair the Mix with the lower identity
 * key (unsigned byte order) dials, so two Mixes never dial each other at once;</li>
 * <li>one link to every zone directory (this Mix dials), carrying {@link DirectoryLinkCodec}
 * cells for the rendezvous REGISTER/LOOKUP ({@link RemoteDirectory});</li>
 * <li>inbound client links, admitted by identity key from an allow-list of certified clients.</li>
 * </ul>
 * Rate classes, one each: client links, intra-zone Mix links, inter-zone Mix links, directory links.
 */
public final class MixNode implements AutoCloseable {

    /** Another Mix: its descriptor's keys and the address this Mix dials (the descriptor's, or a relay's). */
    public record Peer(MixRef ref, InetSocketAddress dial) {
        /** Checks. */
        public Peer {
            Objects.requireNonNull(ref);
            Objects.requireNonNull(dial);
        }
    }

    /** A zone directory's link address and key. */
    public record Directory(String zone, IdentityPublicKey key, InetSocketAddress address) {
        /** Checks. */
        public Directory {
            Objects.requireNonNull(zone);
            Objects.requireNonNull(key);
            Objects.requireNonNull(address);
        }
    }

    /** Rates in cells per 20 ms tick, per link class. */
    public record Rates(int client, int intraZone, int interZone, int directory) {
        /** Checks. */
        public Rates {
            if (client < 1 || intraZone < 1 || interZone < 1 || directory < 1) {
                throw new IllegalArgumentException("every rate must be at least 1 cell per tick");
            }
        }
    }

    /**
     * Everything a Mix needs to run, validated once.
     *
     * @param clients client keys admitted without a certificate pushed by the directory (a static
     *     allow-list; may be empty when the zone directory certifies clients at JOIN)
     * @param root the root key that zone certificates (and so directory documents) verify against;
     *     null: documents are ignored and the rates stay those of {@code rates}
     * @param reportIntervalMillis how often the Mix reports its utilisation to its zone directory
     *     during an epoch (it also reports once right after each epoch); 0: never
     * @param mixes the other Mixes known at start; with a {@code root}, more are learned from the
     *     directories' documents (every zone directory pushes its zone's descriptors)
     * @param dial addresses to dial some Mixes at instead of their descriptor's (e.g. an
     *     impairment relay); also for Mixes learned later
     */
    public record Settings(String zone, NodeKeys keys, InetSocketAddress listen, List<Peer> mixes,
            List<Directory> directories, Set<IdentityPublicKey> clients, Rates rates, LinkConfig link, Mix.Config mix,
            IdentityPublicKey root, long reportIntervalMillis, Map<IdentityPublicKey, InetSocketAddress> dial) {
        /** Checks. */
        public Settings {
            Objects.requireNonNull(zone);
            Objects.requireNonNull(keys);
            Objects.requireNonNull(listen);
            mixes = List.copyOf(mixes);
            directories = List.copyOf(directories);
            clients = Set.copyOf(clients);
            Objects.requireNonNull(rates);
            Objects.requireNonNull(link);
            Objects.requireNonNull(mix);
            if (reportIntervalMillis < 0) {
                throw new IllegalArgumentException("reportIntervalMillis must be >= 0: " + reportIntervalMillis);
            }
            dial = Map.copyOf(dial);
        }

        /** No dial overrides. */
        public Settings(String zone, NodeKeys keys, InetSocketAddress listen, List<Peer> mixes,
                List<Directory> directories, Set<IdentityPublicKey> clients, Rates rates, LinkConfig link, Mix.Config mix,
                IdentityPublicKey root, long reportIntervalMillis) {
            this(zone, keys, listen, mixes, directories, clients, rates, link, mix, root, reportIntervalMillis, Map.of());
        }

        /** Static rates and allow-list: no documents applied, no reports. */
        public Settings(String zone, NodeKeys keys, InetSocketAddress listen, List<Peer> mixes,
                List<Directory> directories, Set<IdentityPublicKey> clients, Rates rates, LinkConfig link, Mix.Config mix) {
            this(zone, keys, listen, mixes, directories, clients, rates, link, mix, null, 0);
        }
    }

    /** What happens, on the event loop. */
    public interface Events {
        /** A link came up; {@code kind} is client, intra-zone, inter-zone or directory. */
        default void linkUp(String kind, IdentityPublicKey peer) {
        }

        /** A link went down. */
        default void linkDown(String kind, IdentityPublicKey peer, LinkFailureReason reason) {
        }

        /** Every Mix and directory link is up and a pre-built circuit to every other Mix is open (once). */
        default void ready() {
        }

        /** The zone directory's document scheduled a rate change: class {@code rateClass} to {@code rate} at {@code tick}. */
        default void rateScheduled(String rateClass, int rate, long tick) {
        }

        /** The zone directory refused a utilisation report (status, reason). */
        default void reportRefused(int status, String reason) {
        }
    }

    /** A snapshot of counters, taken on the loop. */
    public record Snapshot(int linksUp, int circuits, int registrations, long forwardDrops, long backwardDrops,
            long sendDrops, long lateSlots, long directoryReplies, long directoryUnreachable) {
    }

    /**
     * What the Mix did with its directories, taken on the loop: documents verified and applied or
     * refused, rate changes scheduled (of which applied late), utilisation reports sent and the
     * directory's OK/refusal counts, requests forwarded for a directory, calls refused at capacity,
     * certified clients known, client certificates received that verified (repeats included) and
     * that did not (expired, another zone, bad signature, or before the zone's document).
     */
    public record DirectoryCounters(long documents, long badDocuments, long rateChanges, long lateRateChanges,
            long reportsSent, long reportsAccepted, long reportsRefused, long forwarded, long refusedAtCapacity,
            int certifiedClients, long learnedMixes, long certificatesAccepted, long certificatesRefused) {
    }

    private final Settings settings;
    private final NodeLinks links;
    // Written on the loop (documents add Mixes), read by the link endpoint's admission too.
    private final Map<IdentityPublicKey, Peer> mixesByKey = new java.util.concurrent.ConcurrentHashMap<>();
    private final Map<IdentityPublicKey, Directory> directoriesByKey = new HashMap<>();
    private final Map<String, IdentityPublicKey> directoryOfZone = new HashMap<>();
    private Mix mix;
    private MixRates rates;
    private RemoteDirectory directory;
    private final java.util.concurrent.ConcurrentHashMap<IdentityPublicKey, Long> certified =
            new java.util.concurrent.ConcurrentHashMap<>();
    private final Map<Long, String> forwardedRequests = new HashMap<>();
    private final Map<String, org.herd.core.crypto.ZoneCertificate> zoneCertificates = new HashMap<>();
    private final long[] requestIds = {1};
    private long documents;
    private long badDocuments;
    private long reportsSent;
    private long reportsAccepted;
    private long reportsRefused;
    private long forwarded;
    private long learnedMixes;
    private long certificatesAccepted;
    private long certificatesRefused;
    private final Set<String> documentedZones = new HashSet<>();
    private DirectoryLinkCodec.Assembler[] assemblers = new DirectoryLinkCodec.Assembler[16];
    private int messageIds;
    private boolean ready;
    private final Events events;

    private MixNode(Settings settings, Clock clock, SecureRandom random, Events events) throws LinkException {
        this.settings = settings;
        this.events = Objects.requireNonNull(events);
        for (Peer p : settings.mixes()) {
            mixesByKey.put(p.ref().identity(), p);
        }
        for (Directory d : settings.directories()) {
            directoriesByKey.put(d.key(), d);
            directoryOfZone.put(d.zone(), d.key());
        }
        IdentityPublicKey self = settings.keys().identity().publicKey();
        Set<IdentityPublicKey> inbound = Set.copyOf(settings.clients());
        // Mixes (configured, or learned from the directories' signed documents) and clients
        // certified by the zone directory (pushed over the directory link, admitted while their
        // certificate is valid) are admitted, besides the static allow-list.
        this.links = NodeLinks.start(settings.link(), settings.keys().identity(), settings.listen(),
                k -> mixesByKey.containsKey(k) || inbound.contains(k) || certifiedNow(k, clock), clock,
                l -> handler(l, clock, random, events));
        links.every(20, this::tick);
        links.every(MixRates.SAMPLE_MILLIS, this::sample);
        if (settings.reportIntervalMillis() > 0) {
            links.every(settings.reportIntervalMillis(), () -> sendReports(rates.currentReports(requestIds)));
        }
        for (Peer p : settings.mixes()) {
            if (lower(self, p.ref().identity())) {
                links.keep(p.dial(), p.ref().identity());
            }
        }
        for (Directory d : settings.directories()) {
            links.keep(d.address(), d.key());
        }
    }

    /** Binds, starts the loop and starts dialling. */
    public static MixNode start(Settings settings, Clock clock, SecureRandom random, Events events) throws LinkException {
        return new MixNode(settings, clock, random, events);
    }

    /** True if {@code a} is below {@code b} in unsigned byte order (then {@code a} dials). */
    public static boolean lower(IdentityPublicKey a, IdentityPublicKey b) {
        return Arrays.compareUnsigned(a.encoded(), b.encoded()) < 0;
    }

    private NodeLinks.Handler handler(NodeLinks l, Clock clock, SecureRandom random, Events ev) {
        Set<String> peerZones = new java.util.TreeSet<>();
        settings.mixes().forEach(p -> peerZones.add(p.ref().zone()));
        settings.directories().forEach(d -> peerZones.add(d.zone()));
        rates = new MixRates(settings.zone(), settings.keys().identity(), l.paced(), clock, settings.rates(), peerZones,
                peer -> {
                    IdentityPublicKey id = l.identityOf(peer);
                    return id == null ? null : rateClassOf(id);
                }, this::clientLinks, () -> mix.admittedCalls());
        directory = new RemoteDirectory(settings.zone(), this::sendToDirectory, l::execute);
        mix = new Mix(settings.keys().identity().publicKey(), List.of(settings.keys().onion()), l::send, clock, random,
                directory, settings.mix());
        mix.admission(rates);
        directory.bind(mix);
        for (Peer p : settings.mixes()) {
            mix.addRendezvousPeer(p.ref());
        }
        return new NodeLinks.Handler() {
            @Override
            public RateClass rateClass(IdentityPublicKey peer) {
                return rateClassOf(peer);
            }

            @Override
            public void linkUp(int peer, IdentityPublicKey identity) {
                if (directoriesByKey.containsKey(identity)) {
                    if (peer >= assemblers.length) {
                        assemblers = Arrays.copyOf(assemblers, Math.max(peer + 1, assemblers.length * 2));
                    }
                    assemblers[peer] = new DirectoryLinkCodec.Assembler();
                } else {
                    mix.linkUp(peer, identity);
                }
                ev.linkUp(kind(identity), identity);
            }

            @Override
            public void linkDown(int peer, IdentityPublicKey identity, LinkFailureReason reason) {
                if (peer < assemblers.length && assemblers[peer] != null) {
                    assemblers[peer] = null;
                } else {
                    mix.linkDown(peer);
                }
                ev.linkDown(kind(identity), identity, reason);
            }

            @Override
            public void onCell(int peer, byte[] buffer, int offset) {
                DirectoryLinkCodec.Assembler a = peer < assemblers.length ? assemblers[peer] : null;
                if (a == null) {
                    mix.onCell(peer, buffer, offset);
                    return;
                }
                byte[] message = a.accept(buffer, offset);
                if (message != null) {
                    onDirectoryMessage(l.identityOf(peer), message, clock, ev);
                }
            }
        };
    }

    private RateClass rateClassOf(IdentityPublicKey peer) {
        Peer p = mixesByKey.get(peer);
        return switch (kind(peer)) {
            case "directory" -> rates.directory;
            case "intra-zone", "inter-zone" -> rates.mixClass(p.ref().zone());
            default -> rates.client;
        };
    }

    private boolean certifiedNow(IdentityPublicKey key, Clock clock) {
        Long until = certified.get(key);
        return until != null && until - clock.epochMillis() > 0;
    }

    /** A whole message from the directory {@code from}: replies to the circuit layer, documents, reports' answers, forwards. */
    private void onDirectoryMessage(IdentityPublicKey from, byte[] message, Clock clock, Events ev) {
        Directory d = from == null ? null : directoriesByKey.get(from);
        if (d == null || message.length < 9) {
            return;
        }
        int type = message[0] & 0xFF;
        long id = org.herd.core.wire.Bytes.getLong(message, 1);
        byte[] body = Arrays.copyOfRange(message, 9, message.length);
        switch (type) {
            case DirectoryLinkCodec.DOCUMENT -> onDocument(d, body, clock);
            case DirectoryLinkCodec.RESPONSE -> {
                String origin = forwardedRequests.remove(id);
                if (origin != null) {
                    sendToDirectory(origin, message);
                    return;
                }
                try {
                    org.herd.core.directory.DirectoryResponse r = org.herd.core.directory.DirectoryMessages.decodeResponse(body);
                    if (r.isOk()) {
                        reportsAccepted++;
                    } else {
                        reportsRefused++;
                        ev.reportRefused(r.status(), r.reason());
                    }
                } catch (org.herd.core.directory.DirectoryProtocolException e) {
                    reportsRefused++;
                }
            }
            case DirectoryLinkCodec.FORWARD -> {
                // Only the own zone's directory may have its requests carried to a peer directory.
                if (!d.zone().equals(settings.zone()) || body.length < 1 || body.length < 1 + (body[0] & 0xFF)) {
                    return;
                }
                String zone = new String(body, 1, body[0] & 0xFF, java.nio.charset.StandardCharsets.US_ASCII);
                byte[] request = Arrays.copyOfRange(body, 1 + (body[0] & 0xFF), body.length);
                long fid = requestIds[0]++;
                if (sendToDirectory(zone, DirectoryLinkCodec.message(DirectoryLinkCodec.REQUEST, fid, request))) {
                    forwardedRequests.put(fid, settings.zone());
                    forwarded++;
                    if (forwardedRequests.size() > 1024) {
                        forwardedRequests.remove(forwardedRequests.keySet().iterator().next());
                    }
                }
            }
            case DirectoryLinkCodec.CLIENTS -> {
                if (d.zone().equals(settings.zone())) {
                    onClients(d, body, clock);
                }
            }
            default -> directory.onMessage(message);
        }
    }

    private void onDocument(Directory d, byte[] body, Clock clock) {
        if (settings.root() == null) {
            return;
        }
        try {
            org.herd.core.directory.DirectoryDocument doc = org.herd.core.directory.DirectoryDocument.decode(body);
            if (!doc.zone().equals(d.zone())) {
                badDocuments++;
                return;
            }
            List<org.herd.core.crypto.MixDescriptor> valid = doc.verify(settings.root(), clock);
            documents++;
            documentedZones.add(d.zone());
            for (org.herd.core.crypto.MixDescriptor m : valid) {
                if (m.zone().equals(d.zone())) {
                    learn(m);
                }
            }
            zoneCertificates.put(d.zone(), org.herd.core.crypto.ZoneCertificate.decode(doc.zoneCertificate()));
            if (d.zone().equals(settings.zone())) {
                long before = rates.changesScheduled();
                rates.onDocument(doc);
                if (rates.changesScheduled() != before) {
                    for (RateClass rc : allClasses()) {
                        if (rc.changeTick() != Long.MAX_VALUE && rc.changeTick() > links.paced().scheduler().currentTick()) {
                            events.rateScheduled(rc.name(), rc.rateAt(rc.changeTick()), rc.changeTick());
                        }
                    }
                }
            }
        } catch (org.herd.core.directory.DirectoryProtocolException | org.herd.core.crypto.CertificateException e) {
            badDocuments++;
        }
    }

    /**
     * A Mix listed in its zone directory's verified document (GET_DIRECTORY pushed): joins the
     * full mesh — admitted, dialled if this Mix's key is the lower, kept as a rendezvous peer.
     */
    private void learn(org.herd.core.crypto.MixDescriptor m) {
        IdentityPublicKey key = m.mixKey();
        IdentityPublicKey self = settings.keys().identity().publicKey();
        if (key.equals(self) || mixesByKey.containsKey(key) || !directoryOfZone.containsKey(m.zone())) {
            return;
        }
        InetSocketAddress dial = settings.dial().getOrDefault(key, m.address());
        Peer p = new Peer(MixRef.of(m), dial);
        mixesByKey.put(key, p);
        mix.addRendezvousPeer(p.ref());
        if (lower(self, key)) {
            links.keep(dial, key);
        }
        learnedMixes++;
    }

    /**
     * A CLIENTS page: each certificate that verifies against the zone certificate (from the
     * zone's document, which the directory pushes first) admits its key until it expires; one
     * that does not is counted and skipped, a page that does not parse is counted as a bad document.
     */
    private void onClients(Directory d, byte[] body, Clock clock) {
        org.herd.core.crypto.ZoneCertificate zc = zoneCertificates.get(d.zone());
        int n;
        try {
            n = org.herd.core.wire.Bytes.getUnsignedShort(body, 0);
        } catch (RuntimeException e) {
            badDocuments++;
            return;
        }
        int off = 2;
        for (int i = 0; i < n; i++) {
            if (off + 2 > body.length || off + 2 + org.herd.core.wire.Bytes.getUnsignedShort(body, off) > body.length) {
                badDocuments++;
                return;
            }
            int len = org.herd.core.wire.Bytes.getUnsignedShort(body, off);
            byte[] c = Arrays.copyOfRange(body, off + 2, off + 2 + len);
            off += 2 + len;
            if (zc == null) {
                certificatesRefused++; // nothing to verify against yet (the document was lost): the next sweep repeats it
                continue;
            }
            try {
                org.herd.core.crypto.ClientCertificate cert = org.herd.core.crypto.ClientCertificate.decode(c);
                cert.verify(zc, clock);
                certified.put(cert.clientKey(), cert.validUntil());
                certificatesAccepted++;
            } catch (org.herd.core.crypto.CertificateException e) {
                certificatesRefused++;
            }
        }
    }

    private List<RateClass> allClasses() {
        List<RateClass> all = new java.util.ArrayList<>(List.of(rates.client, rates.intra, rates.directory));
        all.addAll(rates.inter.values());
        return all;
    }

    private void sample() {
        Map<Integer, org.herd.core.link.PacedLinks.Paced> mixLinks = new HashMap<>();
        for (org.herd.core.link.PacedLinks.Paced p : links.paced().attached()) {
            IdentityPublicKey id = p.link().peerIdentity();
            if (mixesByKey.containsKey(id)) {
                mixLinks.put(links.peerOf(id), p);
            }
        }
        List<byte[]> due = rates.sample(mixLinks, requestIds);
        if (settings.reportIntervalMillis() > 0) {
            sendReports(due);
        }
    }

    private void sendReports(List<byte[]> requests) {
        for (byte[] r : requests) {
            long id = org.herd.core.directory.DirectoryMessages.peekRequestId(r);
            if (sendToDirectory(settings.zone(), DirectoryLinkCodec.message(DirectoryLinkCodec.REQUEST, id, r))) {
                reportsSent++;
            }
        }
    }

    /** What the Mix did with its directories (read on the loop). */
    public DirectoryCounters directoryCounters() {
        return links.call(() -> new DirectoryCounters(documents, badDocuments, rates.changesScheduled(), rates.lateChanges(),
                reportsSent, reportsAccepted, reportsRefused, forwarded, rates.refusedAtCapacity(), certified.size(),
                learnedMixes, certificatesAccepted, certificatesRefused));
    }

    /** Client links up now: every attached link whose peer is neither a Mix nor a directory (event loop). */
    private int clientLinks() {
        return links.countLinks(id -> kind(id).equals("client"));
    }

    /**
     * The Mix's load as its UTILISATION_REPORTs carry it: client links up, calls spliced here (it
     * is their rendezvous Mix), read on the loop.
     */
    public int[] load() {
        return links.call(() -> new int[] {clientLinks(), mix.admittedCalls()});
    }

    /** The rate class of {@code scope}'s links at this Mix, or null (event loop; tests and metrics). */
    public RateClass rateClass(org.herd.core.directory.RateScope scope) {
        return rates.classOf(scope);
    }

    /** The Mix's zone. */
    public String zone() {
        return settings.zone();
    }

    /** The circuit Mix (event loop). */
    public Mix mix() {
        return mix;
    }

    private String kind(IdentityPublicKey peer) {
        if (directoriesByKey.containsKey(peer)) {
            return "directory";
        }
        Peer p = mixesByKey.get(peer);
        if (p != null) {
            return p.ref().zone().equals(settings.zone()) ? "intra-zone" : "inter-zone";
        }
        return "client";
    }

    private boolean sendToDirectory(String zone, byte[] message) {
        IdentityPublicKey key = directoryOfZone.get(zone);
        int peer = key == null ? -1 : links.peerOf(key);
        if (peer < 0) {
            return false;
        }
        boolean all = true;
        for (byte[] cell : DirectoryLinkCodec.cells(messageIds++, message)) {
            all &= links.send(peer, cell, 0);
        }
        return all;
    }

    private void tick() {
        mix.poll();
        if (!ready && isReady()) {
            ready = true;
            events.ready();
        }
    }

    private boolean isReady() {
        for (Directory d : settings.directories()) {
            if (links.peerOf(d.key()) < 0) {
                return false;
            }
        }
        if (settings.root() != null && documentedZones.size() < directoryOfZone.size()) {
            return false; // not every zone's Mixes known yet (they come with the directories' documents)
        }
        for (Peer p : mixesByKey.values()) {
            if (links.peerOf(p.ref().identity()) < 0 || mix.spareCircuits(p.ref().identity()) == 0) {
                return false;
            }
        }
        return true;
    }

    /** Counters, read on the loop. */
    public Snapshot snapshot() {
        return links.call(() -> new Snapshot(links.linksUp(), mix.table().size(), mix.registrations(),
                mix.counters().forwardDrops(), mix.counters().backwardDrops(), links.sendDrops(),
                links.paced().scheduler().lateSlots(), directory.replies(), directory.unreachable()));
    }

    /** The bound address. */
    public InetSocketAddress localAddress() {
        return links.localAddress();
    }

    /** The links (loop, counters). */
    public NodeLinks links() {
        return links;
    }

    /** Stops the Mix: links close, pacing stops. */
    @Override
    public void close() {
        links.close();
    }
}
