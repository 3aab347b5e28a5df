package org.herd.core.call;

import java.net.InetSocketAddress;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.herd.core.circuit.DirectoryEndpoint;
import org.herd.core.circuit.InMemoryNetwork;
import org.herd.core.circuit.Mix;
import org.herd.core.circuit.MixRef;
import org.herd.core.crypto.ClientCertificate;
import org.herd.core.crypto.IdentityKeyPair;
import org.herd.core.crypto.IdentityPublicKey;
import org.herd.core.crypto.MixDescriptor;
import org.herd.core.crypto.OnionKeyPair;
import org.herd.core.crypto.ZoneCertificate;
import org.herd.core.time.ManualClock;
import org.herd.core.wire.ControlMessages;

/**
 * Test fixture: a whole Herd network in memory — zones with a directory ({@link RendezvousRegistry})
 * and Mixes (real {@link Mix} instances, full mesh), clients ({@link CallClient}) attached to Mixes —
 * over an {@link InMemoryNetwork}, with a manual clock and seeded randomness (the seed is printed).
 */
public final class TestNet {

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

    private record Zone(String name, IdentityKeyPair directoryKey, ZoneCertificate certificate,
            RendezvousRegistry registry, List<MixNode> mixes) {
    }

    public final long seed;
    public final SecureRandom random;
    public final ManualClock clock = new ManualClock(0, NOW_MS);
    public final InMemoryNetwork net = new InMemoryNetwork();
    private final IdentityKeyPair root;
    private final Map<String, Zone> zones = new LinkedHashMap<>();
    public final List<MixNode> allMixes = new ArrayList<>();
    public final List<ClientNode> clients = new ArrayList<>();
    public final Mix.Config mixConfig;
    private final Map<Mix, Integer> mixIndex = new HashMap<>();
    /** Rewrites every LOOKUP answer before it leaves the directory (a lying directory). */
    public java.util.function.UnaryOperator<ControlMessages.Answer> answerRewriter = a -> a;
    /** While positive, directory replies are lost (and this counts down). */
    public int loseDirectoryReplies;

    public TestNet(String testName, long seed, Mix.Config mixConfig) {
        this.seed = seed;
        System.out.println(testName + " seed = " + seed);
        this.random = seeded(seed);
        this.root = IdentityKeyPair.generate(random);
        this.mixConfig = mixConfig;
    }

    public TestNet(String testName, long seed) {
        this(testName, seed, Mix.Config.defaults());
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

    /** Adds a zone with {@code mixCount} Mixes, linked to every existing Mix (full mesh). */
    public void zone(String name, int mixCount) {
        IdentityKeyPair dir = IdentityKeyPair.generate(random);
        ZoneCertificate zc = ZoneCertificate.issue(root, name, dir.publicKey(), NOW_MS - DAY_MS, NOW_MS + 30 * DAY_MS);
        Zone z = new Zone(name, dir, zc, new RendezvousRegistry(zc, clock), new ArrayList<>());
        zones.put(name, z);
        for (int i = 0; i < mixCount; i++) {
            IdentityKeyPair key = IdentityKeyPair.generate(random);
            OnionKeyPair onion = OnionKeyPair.generate(random);
            MixDescriptor d = MixDescriptor.issue(dir, name, key.publicKey(), onion.publicKey(),
                    new InetSocketAddress("127.0.0.1", 7000 + allMixes.size()), NOW_MS - DAY_MS, NOW_MS + 30 * DAY_MS);
            String mixName = name + "-mix" + i;
            int index = net.reserve(mixName);
            Mix[] holder = new Mix[1];
            DirectoryEndpoint endpoint = new DirectoryEndpoint() {
                @Override
                public void register(long requestId, IdentityPublicKey rendezvousMix, ControlMessages.Register r) {
                    ControlMessages.Registered reply = z.registry().register(rendezvousMix, r);
                    if (loseDirectoryReplies > 0) {
                        loseDirectoryReplies--;
                        return;
                    }
                    net.post(() -> holder[0].onRegistered(requestId, reply));
                }

                @Override
                public void lookup(long requestId, ControlMessages.Lookup r) {
                    Zone target = zones.get(r.zone());
                    ControlMessages.Answer reply = answerRewriter.apply(target == null
                            ? ControlMessages.Answer.refused(ControlMessages.STATUS_UNKNOWN_ZONE)
                            : target.registry().lookup(r));
                    if (loseDirectoryReplies > 0) {
                        loseDirectoryReplies--;
                        return;
                    }
                    net.post(() -> holder[0].onAnswer(requestId, reply));
                }
            };
            Mix mix = new Mix(key.publicKey(), List.of(onion), net.outlet(index), clock, random, endpoint, mixConfig);
            holder[0] = mix;
            net.set(index, mix::onCell);
            MixNode node = new MixNode(mixName, index, mix, MixRef.of(d), key);
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

    /** A certificate of zone {@code zone} for a fresh key that never joined (the directory does not know it). */
    public ClientCertificate stranger(String zone) {
        Zone z = zones.get(zone);
        return ClientCertificate.issue(z.directoryKey(), z.name(), random.nextLong(),
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
    public static CallSetup activeCall(String test, int mixesPerZone) throws CallException {
        TestNet t = new TestNet(test, newSeed());
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

    /** Splices held by all Mixes now (two per call at distinct rendezvous Mixes). */
    public int splices() {
        int n = 0;
        for (MixNode m : allMixes) {
            for (org.herd.core.circuit.CircuitTable.Entry e : m.mix().table().entries()) {
                n += m.mix().table().isSpliced(e) ? 1 : 0;
            }
        }
        return n;
    }

    /** A network with zones alpha and beta of {@code mixesPerZone} Mixes each. */
    public static TestNet twoZones(String test, int mixesPerZone) {
        TestNet t = new TestNet(test, newSeed());
        t.zone("alpha", mixesPerZone);
        t.zone("beta", mixesPerZone);
        return t;
    }

    /** The Mixes of zone {@code name}. */
    public List<MixNode> mixes(String name) {
        return zones.get(name).mixes();
    }

    /** The directory registry of zone {@code name}. */
    public RendezvousRegistry registry(String name) {
        return zones.get(name).registry();
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
            ClientCertificate cert = ClientCertificate.issue(z.directoryKey(), z.name(), random.nextLong(),
                    key.publicKey(), NOW_MS - DAY_MS, NOW_MS + 30 * DAY_MS);
            z.registry().admit(key.publicKey());
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
            m.mix().poll();
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

    /** The index of {@code mix} in the network. */
    public int indexOf(Mix mix) {
        return mixIndex.get(mix);
    }
}
