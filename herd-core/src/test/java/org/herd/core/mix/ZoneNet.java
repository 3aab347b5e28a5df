package org.herd.core.mix;

import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import org.herd.core.call.Call;
import org.herd.core.call.CallClient;
import org.herd.core.circuit.Mix;
import org.herd.core.circuit.MixRef;
import org.herd.core.client.ClientNode;
import org.herd.core.crypto.ClientCertificate;
import org.herd.core.crypto.IdentityKeyPair;
import org.herd.core.crypto.IdentityPublicKey;
import org.herd.core.crypto.MixDescriptor;
import org.herd.core.crypto.NodeKeys;
import org.herd.core.crypto.ZoneCertificate;
import org.herd.core.link.LinkConfig;
import org.herd.core.time.SystemClock;

/**
 * A small Herd network in one JVM on real DTLS links on loopback: zones of {@link MixNode}s, one
 * {@link ZoneDirectoryNode} per zone (DirectoryService over SQLite), and {@link ClientNode}s with
 * certificates issued by their zone's directory key. Closes everything it started.
 */
final class ZoneNet implements AutoCloseable {

    static final long DAY = 86_400_000L;

    final SecureRandom random = new SecureRandom();
    final long now = System.currentTimeMillis();
    final IdentityKeyPair root = IdentityKeyPair.generate(random);
    final String[] zones;
    final IdentityKeyPair[] dirKeys;
    final ZoneCertificate[] zoneCerts;
    final List<MixDescriptor> descriptors = new ArrayList<>();
    final List<NodeKeys> mixKeys = new ArrayList<>();
    final List<MixNode.Directory> directories = new ArrayList<>();
    final List<ZoneDirectoryNode> directoryNodes = new ArrayList<>();
    final List<MixNode> mixes = new ArrayList<>();
    final List<AutoCloseable> open = new ArrayList<>();
    final Map<IdentityPublicKey, InetSocketAddress> addresses = new HashMap<>();

    static InetSocketAddress freePort() throws Exception {
        try (DatagramSocket s = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))) {
            return new InetSocketAddress(InetAddress.getLoopbackAddress(), s.getLocalPort());
        }
    }

    static void await(String what, long millis, BooleanSupplier condition) throws InterruptedException {
        long end = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(millis);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() - end > 0) {
                throw new AssertionError("timed out waiting for " + what);
            }
            Thread.sleep(20);
        }
    }

    /** Keys, certificates and descriptors for {@code mixesPerZone[z]} Mixes in zone {@code zones[z]}. */
    ZoneNet(String[] zones, int[] mixesPerZone) throws Exception {
        this.zones = zones;
        dirKeys = new IdentityKeyPair[zones.length];
        zoneCerts = new ZoneCertificate[zones.length];
        for (int z = 0; z < zones.length; z++) {
            dirKeys[z] = IdentityKeyPair.generate(random);
            zoneCerts[z] = ZoneCertificate.issue(root, zones[z], dirKeys[z].publicKey(), now - DAY, now + DAY);
            directories.add(new MixNode.Directory(zones[z], dirKeys[z].publicKey(), freePort()));
            for (int m = 0; m < mixesPerZone[z]; m++) {
                NodeKeys k = NodeKeys.generate(random);
                mixKeys.add(k);
                MixDescriptor d = MixDescriptor.issue(dirKeys[z], zones[z], k.identity().publicKey(), k.onion().publicKey(),
                        freePort(), now - DAY, now + DAY);
                descriptors.add(d);
                addresses.put(d.mixKey(), d.address());
            }
        }
    }

    int zoneIndex(String zone) {
        return List.of(zones).indexOf(zone);
    }

    List<MixDescriptor> zoneDescriptors(String zone) {
        return descriptors.stream().filter(d -> d.zone().equals(zone)).toList();
    }

    /** Starts every zone's directory with {@code options}. */
    void startDirectories(Path tmp, EmbeddedDirectory.Options options, boolean openToClients, long pollMillis)
            throws Exception {
        Set<IdentityPublicKey> all = new HashSet<>();
        descriptors.forEach(d -> all.add(d.mixKey()));
        for (int z = 0; z < zones.length; z++) {
            Set<String> peers = new HashSet<>(List.of(zones));
            peers.remove(zones[z]);
            EmbeddedDirectory.Options o = new EmbeddedDirectory.Options(options.schedule(), options.policy(), peers);
            EmbeddedDirectory ed = EmbeddedDirectory.open(dirKeys[z], zoneCerts[z], root.publicKey(), zoneDescriptors(zones[z]),
                    tmp.resolve(zones[z] + ".db"), SystemClock.INSTANCE, random, o);
            open.add(ed::close);
            Set<IdentityPublicKey> own = new HashSet<>();
            zoneDescriptors(zones[z]).forEach(d -> own.add(d.mixKey()));
            ZoneDirectoryNode node = ZoneDirectoryNode.start(ed, new ZoneDirectoryNode.Settings(dirKeys[z],
                    directories.get(z).address(), own, all, openToClients, 2, pollMillis, LinkConfig.defaults()),
                    SystemClock.INSTANCE, new ZoneDirectoryNode.Events() {
                    });
            directoryNodes.add(node);
            open.add(node);
        }
    }

    /** Starts every Mix; {@code root} null: documents ignored (static rates). */
    void startMixes(MixNode.Rates rates, Set<IdentityPublicKey> clients, IdentityPublicKey rootKey, long reportMillis,
            MixNode.Events events) throws Exception {
        startMixes(rates, clients, rootKey, reportMillis, events, false);
    }

    /** Starts every Mix; with {@code learnPeers} they know no other Mix at start (only the directories' documents tell them). */
    void startMixes(MixNode.Rates rates, Set<IdentityPublicKey> clients, IdentityPublicKey rootKey, long reportMillis,
            MixNode.Events events, boolean learnPeers) throws Exception {
        for (int i = 0; i < descriptors.size(); i++) {
            List<MixNode.Peer> peers = new ArrayList<>();
            for (MixDescriptor d : descriptors) {
                if (d != descriptors.get(i) && !learnPeers) {
                    peers.add(new MixNode.Peer(MixRef.of(d), d.address()));
                }
            }
            MixNode node = MixNode.start(new MixNode.Settings(descriptors.get(i).zone(), mixKeys.get(i),
                    descriptors.get(i).address(), peers, directories, clients, rates, LinkConfig.defaults(),
                    Mix.Config.defaults(), rootKey, reportMillis), SystemClock.INSTANCE, random, events);
            mixes.add(node);
            open.add(node);
        }
    }

    /** A client key with a certificate of {@code zone}'s directory. */
    record Identity(IdentityKeyPair key, ClientCertificate certificate) {
    }

    Identity identity(String zone, long id) {
        IdentityKeyPair k = IdentityKeyPair.generate(random);
        int z = zoneIndex(zone);
        return new Identity(k, ClientCertificate.issue(dirKeys[z], zone, id, k.publicKey(), now - DAY, now + DAY));
    }

    /** What a test client saw. */
    static final class Seen implements CallClient.Listener {
        final AtomicInteger registered = new AtomicInteger(-1);
        final List<Call> connected = new CopyOnWriteArrayList<>();
        final List<int[]> ended = new CopyOnWriteArrayList<>();
        volatile long endedAtNanos;

        @Override
        public void onRegistered(String zone, int status) {
            registered.set(status);
        }

        @Override
        public void onIncoming(Call call) {
            call.accept();
        }

        @Override
        public void onConnected(Call call) {
            if (!connected.contains(call)) {
                connected.add(call);
            }
        }

        @Override
        public void onEnded(Call call, int reason) {
            ended.add(new int[] {reason});
            endedAtNanos = System.nanoTime();
        }
    }

    /** A client of {@code id} attached to the Mix {@code mixIndex}; {@code onTick} runs every tick on its loop. */
    ClientNode client(Identity id, int mixIndex, Seen seen, Runnable onTick) throws Exception {
        MixDescriptor mix = descriptors.get(mixIndex);
        List<MixRef> zoneMixes = zoneDescriptors(mix.zone()).stream().map(MixRef::of).toList();
        ClientNode node = ClientNode.start(new ClientNode.Settings(id.key(), id.certificate(), MixRef.of(mix), zoneMixes,
                addresses, new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 2, LinkConfig.defaults(),
                TimeUnit.SECONDS.toNanos(5)), SystemClock.INSTANCE, random, seen, onTick);
        open.add(node);
        return node;
    }

    /** Places a call from {@code caller} to {@code callee} on the caller's loop. */
    static void call(ClientNode caller, ClientCertificate callee) {
        caller.execute(c -> {
            try {
                c.call(callee);
            } catch (Exception e) {
                throw new AssertionError(e);
            }
        });
    }

    @Override
    public void close() throws Exception {
        for (int i = open.size() - 1; i >= 0; i--) {
            open.get(i).close();
        }
    }
}
