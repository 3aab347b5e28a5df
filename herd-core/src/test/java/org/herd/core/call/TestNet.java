package org.herd.core.call;

import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.UnaryOperator;
import java.util.concurrent.TimeUnit;
import org.herd.core.circuit.InMemoryNetwork;
import org.herd.core.circuit.Mix;
import org.herd.core.circuit.MixRef;
import org.herd.core.crypto.ClientCertificate;
import org.herd.core.crypto.IdentityKeyPair;
import org.herd.core.crypto.IdentityPublicKey;
import org.herd.core.crypto.OnionKeyPair;
import org.herd.core.directory.DirectoryMessages;
import org.herd.core.directory.DirectoryProtocolException;
import org.herd.core.directory.DirectoryRequest;
import org.herd.core.directory.DirectoryResponse;
import org.herd.core.directory.DirectoryService;
import org.herd.core.directory.DirectoryStore;
import org.herd.core.directory.EpochSchedule;
import org.herd.core.directory.LinkRateController;
import org.herd.core.directory.RateScope;
import org.herd.core.directory.RatePolicy;
import org.herd.core.directory.RendezvousDirectoryEndpoint;
import org.herd.core.directory.RendezvousRegistration;
import org.herd.core.directory.ZoneBootstrap;
import org.herd.core.time.ManualClock;
import org.herd.core.wire.ControlMessages;

/**
 * Test fixture: a whole Herd network in memory — zones with a real directory ({@link DirectoryService}
 * over a SQLite file, reached through {@link RendezvousDirectoryEndpoint})
 * and Mixes (real {@link Mix} instances, full mesh), clients ({@link CallClient}) attached to Mixes —
 * over an {@link InMemoryNetwork}, with a manual clock and seeded randomness (the seed is printed).
 */
public final class TestNet implements AutoCloseable {

    static final long NOW_MS = 1_800_000_000_000L;
    static final long DAY_MS = 86_400_000L;

    /** A Mix of the test network. */
    public record MixNode(String name, int index, Mix mix, MixRef ref, IdentityKeyPair key) {
    }

    /** A client of the test network, with the events it saw. */
    public static final class ClientNode {
        public final String name;
        public final int index;
        public final IdentityKeyPair key;
        public final List<ClientCertificate> certificates = new ArrayList<>();
        public final List<MixNode> mixes = new ArrayList<>();
        public CallClient client;
        public final List<Call> incoming = new ArrayList<>();
        public final List<Integer> ended = new ArrayList<>();
        public final List<Long> frameNumbers = new ArrayList<>();
        public final List<byte[]> frames = new ArrayList<>();
        public final Map<String, Integer> registered = new HashMap<>();
        public boolean autoAccept = true;
        /** The Mixes this client asked to re-join (§3.5), in order. */
        public final List<MixRef> rejoins = new ArrayList<>();

        ClientNode(String name, int index, IdentityKeyPair key) {
            this.name = name;
            this.index = index;
            this.key = key;
        }

        /** The certificate of the first zone joined. */
        public ClientCertificate certificate() {
            return certificates.get(0);
        }
    }

    private record Zone(String name, ZoneBootstrap.Zone boot, DirectoryStore store, DirectoryService directory,
            List<MixNode> mixes) {
    }

    public final long seed;
    public final SecureRandom random;
    public final ManualClock clock = new ManualClock(0, NOW_MS);
    public final InMemoryNetwork net = new InMemoryNetwork();
    private final Path dir;
    private final IdentityKeyPair root;
    private final Map<String, Zone> zones = new LinkedHashMap<>();
    public final List<MixNode> allMixes = new ArrayList<>();
    public final List<ClientNode> clients = new ArrayList<>();
    public final Mix.Config mixConfig;
    private final Map<Mix, Integer> mixIndex = new HashMap<>();
    private final java.util.Set<MixNode> dead = new java.util.HashSet<>();
    /** Rewrites every positive LOOKUP answer before it leaves the directory (a lying directory). */
    public java.util.function.UnaryOperator<ControlMessages.Answer> answerRewriter = a -> a;
    /** While true, every REGISTER is refused by the directories (status 3, bad request). */
    public boolean refuseRegistrations;
    /** REGISTER requests that reached a directory. */
    public int registerRequests;
    /** While positive, directory replies are lost (and this counts down). */
    public int loseDirectoryReplies;
    /** While true, directory replies are kept in {@link #heldDirectoryReplies} (a slow directory). */
    public boolean holdDirectoryReplies;
    /** Directory replies held back; post them with {@code net.post} to deliver them late. */
    public final List<Runnable> heldDirectoryReplies = new ArrayList<>();

    /**
     * Drops the {@code nth} RELAY cells (1 = the next one) sent from node {@code from} to node
     * {@code to}, counting from now, on top of whatever impairment is set. Control messages fit in
     * one cell except REGISTER, so in a quiet network (no chaff in memory) "the next relay cell
     * from alice to her Mix after call()" is the LOOKUP, the one after it the CONNECT.
     */
    public void dropRelayCells(int from, int to, int... nth) {
        java.util.function.Function<InMemoryNetwork.Transit, List<InMemoryNetwork.Transit>> before = net.impairment;
        int[] seen = {0};
        Set<Integer> drop = new java.util.HashSet<>();
        for (int n : nth) {
            drop.add(n);
        }
        net.impairment = tr -> {
            if (tr.from() == from && tr.to() == to
                    && tr.cell()[org.herd.core.wire.Cell.COMMAND_OFFSET] == org.herd.core.wire.CellCommand.RELAY
                    && drop.contains(++seen[0])) {
                droppedCells++;
                return List.of();
            }
            return before.apply(tr);
        };
    }

    /** Cells dropped by {@link #dropRelayCells}. */
    public int droppedCells;

    /** A network whose zone directories keep their SQLite files in {@code dir} (a JUnit TempDir). */
    public TestNet(Path dir, String testName, long seed, Mix.Config mixConfig) {
        try {
            this.dir = java.nio.file.Files.createTempDirectory(dir, testName);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        this.seed = seed;
        System.out.println(testName + " seed = " + seed);
        this.random = seeded(seed);
        this.root = IdentityKeyPair.generate(random);
        this.mixConfig = mixConfig;
    }

    public TestNet(Path dir, String testName, long seed) {
        this(dir, testName, seed, Mix.Config.defaults());
    }

    /** A SecureRandom whose output depends only on {@code seed}. */
    public static SecureRandom seeded(long seed) {
        try {
            SecureRandom r = SecureRandom.getInstance("SHA1PRNG");
            r.setSeed(seed);
            return r;
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A fresh random seed (printed by the constructor). */
    public static long newSeed() {
        return new SecureRandom().nextLong();
    }

    /**
     * Adds a zone with {@code mixCount} Mixes, linked to every existing Mix (full mesh), and its
     * real {@link DirectoryService} over a SQLite file, with the Mixes' descriptors published.
     */
    public void zone(String name, int mixCount) {
        List<InetSocketAddress> addresses = new ArrayList<>();
        for (int i = 0; i < mixCount; i++) {
            addresses.add(new InetSocketAddress("127.0.0.1", 7000 + allMixes.size() + i));
        }
        ZoneBootstrap.Zone boot = ZoneBootstrap.zone(root, name, addresses, NOW_MS - DAY_MS, NOW_MS + 30 * DAY_MS,
                random);
        DirectoryStore store = DirectoryStore.openSqlite(dir.resolve(name + ".db"), NOW_MS);
        EpochSchedule schedule = new EpochSchedule(NOW_MS - DAY_MS, EpochSchedule.DEFAULT_LENGTH_MILLIS);
        LinkRateController rates = new LinkRateController(name, RatePolicy.DEFAULTS, schedule, clock);
        rates.addScope(RateScope.intraZone(name));
        Set<IdentityPublicKey> enrolled = Set.copyOf(boot.mixes().stream()
                .map(m -> m.keys().identity().publicKey()).toList());
        DirectoryService.Settings settings = new DirectoryService.Settings(30 * DAY_MS, 7 * DAY_MS, DAY_MS, 300_000L,
                3_600_000L, 60_000L, 100_000, enrolled, Set.of());
        DirectoryService directory = new DirectoryService(settings, boot.directory(), boot.certificate(),
                root.publicKey(), store, rates, schedule, clock, random);
        Zone z = new Zone(name, boot, store, directory, new ArrayList<>());
        zones.put(name, z);
        for (ZoneBootstrap.Mix m : boot.mixes()) {
            try {
                directory.publishDescriptor(m.descriptor().encoded());
            } catch (DirectoryProtocolException e) {
                throw new IllegalStateException(e);
            }
        }
        for (int i = 0; i < mixCount; i++) {
            ZoneBootstrap.Mix m = boot.mixes().get(i);
            IdentityKeyPair key = m.keys().identity();
            String mixName = name + "-mix" + i;
            int index = net.reserve(mixName);
            RendezvousDirectoryEndpoint endpoint = new RendezvousDirectoryEndpoint(name, this::directoryHandler,
                    reply -> {
                        if (loseDirectoryReplies > 0) {
                            loseDirectoryReplies--;
                            return;
                        }
                        if (holdDirectoryReplies) {
                            heldDirectoryReplies.add(reply);
                            return;
                        }
                        net.post(reply);
                    });
            Mix mix = new Mix(key.publicKey(), List.of(m.keys().onion()), net.outlet(index), clock, random, endpoint,
                    mixConfig);
            endpoint.attach(mix);
            net.set(index, mix::onCell);
            MixNode node = new MixNode(mixName, index, mix, MixRef.of(m.descriptor()), key);
            for (MixNode other : allMixes) {
                net.link(index, other.index());
                mix.linkUp(other.index(), other.key().publicKey());
                other.mix().linkUp(index, key.publicKey());
                mix.addRendezvousPeer(other.ref());
                other.mix().addRendezvousPeer(node.ref());
            }
            allMixes.add(node);
            z.mixes().add(node);
            mixIndex.put(mix, index);
        }
    }

    /** The request handler of {@code zone}'s directory as a Mix reaches it, with {@link #answerRewriter} applied. */
    private UnaryOperator<byte[]> directoryHandler(String zone) {
        Zone z = zones.get(zone);
        if (z == null) {
            return null;
        }
        return request -> {
            if (DirectoryMessages.peekType(request) == DirectoryMessages.REGISTER) {
                registerRequests++;
                if (refuseRegistrations) {
                    return DirectoryMessages.encodeResponse(DirectoryResponse.error(DirectoryMessages.REGISTER,
                            DirectoryMessages.peekRequestId(request), ControlMessages.STATUS_BAD_REQUEST, "refused by the test"));
                }
            }
            byte[] response = z.directory().handle(request);
            try {
                DirectoryResponse r = DirectoryMessages.decodeResponse(response);
                if (r.type() != DirectoryMessages.LOOKUP || !r.isOk()) {
                    return response;
                }
                DirectoryResponse.LookupResult l = DirectoryResponse.LookupResult.decode(r.body());
                // The directory protocol's LOOKUP carries no relay request id; the rewriter sees the fields only.
                ControlMessages.Answer a = answerRewriter.apply(new ControlMessages.Answer(ControlMessages.NO_REQUEST_ID,
                        ControlMessages.STATUS_OK, l.rendezvousMix(), l.cookie(), l.onionKey(), l.bindingUntilMillis(),
                        l.bindingSignature()));
                return DirectoryMessages.encodeResponse(DirectoryResponse.ok(r.type(), r.requestId(),
                        new DirectoryResponse.LookupResult(a.rendezvous(), a.cookie(), a.onionKey(), a.bindingUntil(),
                                a.bindingSignature(), l.rendezvousDescriptor()).encode()));
            } catch (DirectoryProtocolException e) {
                throw new IllegalStateException(e);
            }
        };
    }

    /** What {@code zone}'s directory answers to a LOOKUP of {@code client} now, as a relay ANSWER. */
    public ControlMessages.Answer lookup(String zone, IdentityPublicKey client) {
        try {
            DirectoryResponse r = DirectoryMessages.decodeResponse(zones.get(zone).directory().handle(
                    DirectoryMessages.encodeRequest(1, new DirectoryRequest.LookupByKey(zone, client))));
            if (!r.isOk()) {
                return ControlMessages.Answer.refused(ControlMessages.NO_REQUEST_ID, r.status());
            }
            DirectoryResponse.LookupResult l = DirectoryResponse.LookupResult.decode(r.body());
            return new ControlMessages.Answer(ControlMessages.NO_REQUEST_ID, ControlMessages.STATUS_OK, l.rendezvousMix(),
                    l.cookie(), l.onionKey(), l.bindingUntilMillis(), l.bindingSignature());
        } catch (DirectoryProtocolException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The real directory of zone {@code zone}. */
    public DirectoryService directory(String zone) {
        return zones.get(zone).directory();
    }

    /** The directory store of zone {@code zone} (tests remove registrations behind the Mixes' backs). */
    public DirectoryStore store(String zone) {
        return zones.get(zone).store();
    }

    /** The rendezvous Mix {@code zone}'s directory holds for {@code client}, or null. */
    public IdentityPublicKey rendezvousOf(String zone, IdentityPublicKey client) {
        return store(zone).lookupRendezvous(client, clock.epochMillis())
                .map(RendezvousRegistration::rendezvousMix).orElse(null);
    }

    /** Closes the directory stores. */
    @Override
    public void close() {
        for (Zone z : zones.values()) {
            z.store().close();
        }
    }

    /** A certificate of zone {@code zone} for a fresh key that never joined (the directory does not know it). */
    public ClientCertificate stranger(String zone) {
        Zone z = zones.get(zone);
        return ClientCertificate.issue(z.boot().directory(), z.name(), random.nextLong(),
                IdentityKeyPair.generate(random).publicKey(), NOW_MS - DAY_MS, NOW_MS + 30 * DAY_MS);
    }

    /** Sum of every drop counter of every Mix and client, and of the end-to-end sealers of live calls. */
    public long allDrops() {
        long n = 0;
        for (MixNode m : allMixes) {
            n += m.mix().counters().forwardDrops() + m.mix().counters().backwardDrops();
        }
        for (ClientNode c : clients) {
            n += c.client.counters().circuitDrops();
            for (Call call : c.client.calls()) {
                n += call.framesDropped();
            }
        }
        return n;
    }

    /** An active call between alice (zone alpha, Mix 0) and bob (zone beta, Mix 1). */
    public record CallSetup(TestNet t, ClientNode alice, ClientNode bob, Call call, Call answer) {
    }

    /** Two zones of {@code mixesPerZone} Mixes, alice calling bob; the call is active. */
    public static CallSetup activeCall(Path dir, String test, int mixesPerZone) throws CallException {
        TestNet t = new TestNet(dir, test, newSeed());
        t.zone("alpha", mixesPerZone);
        t.zone("beta", mixesPerZone);
        ClientNode alice = t.client("alice", "alpha", 0);
        ClientNode bob = t.client("bob", "beta", 1);
        t.settle();
        Call call = alice.client.call(bob.certificate());
        t.net.run();
        if (call.state() != Call.State.ACTIVE || bob.incoming.size() != 1) {
            throw new AssertionError("call not established: " + call);
        }
        return new CallSetup(t, alice, bob, call, bob.incoming.get(0));
    }

    /** Splices held by all live Mixes now (two per call at distinct rendezvous Mixes). */
    public int splices() {
        int n = 0;
        for (MixNode m : allMixes) {
            if (dead.contains(m)) {
                continue;
            }
            for (org.herd.core.circuit.CircuitTable.Entry e : m.mix().table().entries()) {
                n += m.mix().table().isSpliced(e) ? 1 : 0;
            }
        }
        return n;
    }

    /** A network with zones alpha and beta of {@code mixesPerZone} Mixes each. */
    public static TestNet twoZones(Path dir, String test, int mixesPerZone) {
        TestNet t = new TestNet(dir, test, newSeed());
        t.zone("alpha", mixesPerZone);
        t.zone("beta", mixesPerZone);
        return t;
    }

    /** The Mixes of zone {@code name}. */
    public List<MixNode> mixes(String name) {
        return zones.get(name).mixes();
    }

    /** JOIN (§3.5) at the zone's real directory: the certificate it issues to {@code key}. */
    private ClientCertificate join(Zone z, IdentityKeyPair key) {
        byte[] nonce = new byte[16];
        random.nextBytes(nonce);
        try {
            DirectoryResponse r = DirectoryMessages.decodeResponse(z.directory().handle(DirectoryMessages.encodeRequest(
                    2, DirectoryRequest.Join.sign(key, z.name(), clock.epochMillis(), nonce))));
            if (!r.isOk()) {
                throw new IllegalStateException("JOIN refused: " + r);
            }
            return ClientCertificate.decode(DirectoryResponse.JoinResult.decode(r.body()).clientCertificate());
        } catch (DirectoryProtocolException | org.herd.core.crypto.CertificateException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A client attached to Mix {@code mixIndex} of each zone in {@code zoneNames} (one or two). */
    public ClientNode client(String name, String[] zoneNames, int[] mixIndexes) {
        IdentityKeyPair key = IdentityKeyPair.generate(random);
        int index = net.reserve(name);
        ClientNode node = new ClientNode(name, index, key);
        CallClient.Listener listener = new CallClient.Listener() {
            @Override
            public void onRegistered(String zone, int status) {
                node.registered.put(zone, status);
            }

            @Override
            public void onIncoming(Call call) {
                node.incoming.add(call);
                if (node.autoAccept) {
                    call.accept();
                }
            }

            @Override
            public void onEnded(Call call, int reason) {
                node.ended.add(reason);
            }

            @Override
            public void onRejoin(String zone, MixRef mix) {
                node.rejoins.add(mix);
                MixNode m = zones.get(zone).mixes().stream().filter(x -> x.ref().equals(mix)).findFirst().orElseThrow();
                if (dead.contains(m)) {
                    return; // no link comes up: the client gives up on it after a step
                }
                // The link comes up later, as a DTLS handshake would (not from inside the callback).
                net.post(() -> {
                    net.link(index, m.index());
                    m.mix().linkUp(index, key.publicKey());
                    node.mixes.add(m);
                    node.client.mixLinkUp(m.index(), mix);
                });
            }

            @Override
            public void onFrame(Call call, long frameNumber, byte[] buffer, int offset, int length) {
                node.frameNumbers.add(frameNumber);
                node.frames.add(java.util.Arrays.copyOfRange(buffer, offset, offset + length));
            }
        };
        node.client = new CallClient(key, OnionKeyPair.generate(random), net.outlet(index), clock, random, listener,
                TimeUnit.SECONDS.toNanos(5));
        net.set(index, node.client::onCell);
        for (int i = 0; i < zoneNames.length; i++) {
            Zone z = zones.get(zoneNames[i]);
            MixNode m = z.mixes().get(mixIndexes[i]);
            ClientCertificate cert = join(z, key);
            node.certificates.add(cert);
            node.mixes.add(m);
            net.link(index, m.index());
            m.mix().linkUp(index, key.publicKey());
            node.client.join(new CallClient.Zone(cert, m.index(), m.ref(),
                    z.mixes().stream().map(MixNode::ref).toList()));
        }
        clients.add(node);
        return node;
    }

    /** A client of one zone. */
    public ClientNode client(String name, String zone, int mixIndex) {
        return client(name, new String[] {zone}, new int[] {mixIndex});
    }

    /** One tick: every node polls its timers, then the network runs dry. */
    public void tick() {
        for (MixNode m : allMixes) {
            if (!dead.contains(m)) {
                m.mix().poll();
            }
        }
        for (ClientNode c : clients) {
            c.client.poll();
        }
        net.run();
    }

    /** Ticks until nothing more happens (pools filled, circuits built, registrations answered). */
    public void settle() {
        for (int i = 0; i < 4; i++) {
            tick();
        }
    }

    /**
     * {@code m} dies: it handles nothing more, and every node linked to it sees its link go down
     * (a client only if {@code tellClients}; otherwise clients must notice the silence).
     */
    public void kill(MixNode m, boolean tellClients) {
        kill(m, tellClients, true);
    }

    /**
     * As {@link #kill(MixNode, boolean)}; with {@code tellMixes} false the other Mixes do not see
     * the link go down until {@link #tellMixes} (they notice the silence later than the clients).
     */
    public void kill(MixNode m, boolean tellClients, boolean tellMixes) {
        dead.add(m);
        net.set(m.index(), (peer, buffer, offset) -> { });
        if (tellMixes) {
            tellMixes(m);
        }
        if (tellClients) {
            for (ClientNode c : clients) {
                if (c.mixes.contains(m)) {
                    c.client.linkDown(m.index());
                }
            }
        }
    }

    /** Every live Mix sees its link to the dead {@code m} go down. */
    public void tellMixes(MixNode m) {
        for (MixNode other : allMixes) {
            if (!dead.contains(other)) {
                other.mix().linkDown(m.index());
            }
        }
    }

    /** Calls held half-spliced at rendezvous Mixes, waiting for a RESUME. */
    public int parkedCalls() {
        int n = 0;
        for (MixNode m : allMixes) {
            n += m.mix().parkedCalls();
        }
        return n;
    }

    /** The index of {@code mix} in the network. */
    public int indexOf(Mix mix) {
        return mixIndex.get(mix);
    }
}
