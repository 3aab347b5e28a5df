package org.herd.core.mix;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
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
import org.herd.core.wire.ControlMessages;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The role runtimes on real DTLS links on loopback, in one JVM: two zones of two {@link MixNode}s,
 * a directory per zone ({@link EmbeddedDirectory}: DirectoryService over SQLite) as a link peer of
 * every Mix ({@link DirectoryLinkServer}), two {@link ClientNode}s in different zones. A call is placed and frames flow
 * both ways; every Mix holds exactly one link per peer (the lower key dials).
 */
class MixNodeNetworkTest {

    private static final long DAY = 86_400_000L;

    private static InetSocketAddress freePort() throws Exception {
        try (DatagramSocket s = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))) {
            return new InetSocketAddress(InetAddress.getLoopbackAddress(), s.getLocalPort());
        }
    }

    private static void await(String what, long millis, BooleanSupplier condition) throws InterruptedException {
        long end = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(millis);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() - end > 0) {
                throw new AssertionError("timed out waiting for " + what);
            }
            Thread.sleep(20);
        }
    }

    /** A zone directory on its own links: a DirectoryService over SQLite answering directory-link cells. */
    private static DirectoryLinkServer directory(EmbeddedDirectory directory, IdentityKeyPair key, InetSocketAddress at,
            Set<IdentityPublicKey> mixes) throws Exception {
        return DirectoryLinkServer.start(LinkConfig.defaults(), key, at, mixes, 2, directory.handler(), SystemClock.INSTANCE,
                new DirectoryLinkServer.Events() {
                });
    }

    /** What a test client saw. */
    private static final class Seen implements CallClient.Listener {
        final AtomicInteger registered = new AtomicInteger(-1);
        final AtomicLong frames = new AtomicLong();
        final AtomicLong badFrames = new AtomicLong();
        volatile Call connected;

        @Override
        public void onRegistered(String zone, int status) {
            registered.set(status);
        }

        @Override
        public void onIncoming(Call call) {
            call.accept();
            connected = call;
        }

        @Override
        public void onConnected(Call call) {
            connected = call;
        }

        @Override
        public void onFrame(Call call, long frameNumber, byte[] buffer, int offset, int length) {
            boolean ok = length == 160;
            for (int i = 0; ok && i < length; i++) {
                ok = buffer[offset + i] == (byte) (frameNumber + i);
            }
            (ok ? frames : badFrames).incrementAndGet();
        }
    }

    @Test
    @Timeout(value = 90, unit = TimeUnit.SECONDS)
    void aCallCrossesTwoZonesOfMixNodesOnRealLinks(@org.junit.jupiter.api.io.TempDir java.nio.file.Path tmp) throws Exception {
        SecureRandom random = new SecureRandom();
        long now = System.currentTimeMillis();
        IdentityKeyPair root = IdentityKeyPair.generate(random);
        String[] zones = {"alpha", "beta"};
        List<MixDescriptor> descriptors = new ArrayList<>();
        List<NodeKeys> mixKeys = new ArrayList<>();
        List<MixNode.Directory> directories = new ArrayList<>();
        IdentityKeyPair[] dirKeys = new IdentityKeyPair[2];
        ZoneCertificate[] zcs = new ZoneCertificate[2];
        for (int z = 0; z < 2; z++) {
            dirKeys[z] = IdentityKeyPair.generate(random);
            zcs[z] = ZoneCertificate.issue(root, zones[z], dirKeys[z].publicKey(), now - DAY, now + DAY);
            directories.add(new MixNode.Directory(zones[z], dirKeys[z].publicKey(), freePort()));
            for (int m = 0; m < 2; m++) {
                NodeKeys k = NodeKeys.generate(random);
                mixKeys.add(k);
                descriptors.add(MixDescriptor.issue(dirKeys[z], zones[z], k.identity().publicKey(), k.onion().publicKey(),
                        freePort(), now - DAY, now + DAY));
            }
        }
        IdentityKeyPair aliceKey = IdentityKeyPair.generate(random);
        IdentityKeyPair bobKey = IdentityKeyPair.generate(random);
        ClientCertificate aliceCert = ClientCertificate.issue(dirKeys[0], "alpha", 1, aliceKey.publicKey(), now - DAY, now + DAY);
        ClientCertificate bobCert = ClientCertificate.issue(dirKeys[1], "beta", 2, bobKey.publicKey(), now - DAY, now + DAY);
        Set<IdentityPublicKey> mixIds = new HashSet<>();
        descriptors.forEach(d -> mixIds.add(d.mixKey()));
        List<AutoCloseable> open = new ArrayList<>();
        try {
            for (int z = 0; z < 2; z++) {
                EmbeddedDirectory ed = EmbeddedDirectory.open(dirKeys[z], zcs[z], root.publicKey(),
                        descriptors.subList(2 * z, 2 * z + 2), tmp.resolve(zones[z] + ".db"), SystemClock.INSTANCE, random);
                open.add(ed::close);
                open.add(directory(ed, dirKeys[z], directories.get(z).address(), mixIds));
            }
            List<MixNode> mixes = new ArrayList<>();
            CountDownLatch ready = new CountDownLatch(4);
            for (int i = 0; i < 4; i++) {
                List<MixNode.Peer> peers = new ArrayList<>();
                for (MixDescriptor d : descriptors) {
                    if (d != descriptors.get(i)) {
                        peers.add(new MixNode.Peer(MixRef.of(d), d.address()));
                    }
                }
                MixNode node = MixNode.start(new MixNode.Settings(descriptors.get(i).zone(), mixKeys.get(i),
                        descriptors.get(i).address(), peers, directories, Set.of(aliceKey.publicKey(), bobKey.publicKey()),
                        new MixNode.Rates(2, 8, 8, 2), LinkConfig.defaults(), Mix.Config.defaults()),
                        SystemClock.INSTANCE, random, new MixNode.Events() {
                            @Override
                            public void ready() {
                                ready.countDown();
                            }
                        });
                mixes.add(node);
                open.add(node);
            }
            assertTrue(ready.await(40, TimeUnit.SECONDS), "Mixes not linked and pre-built in 40 s");

            Seen alice = new Seen();
            Seen bob = new Seen();
            ClientNode[] nodes = new ClientNode[2];
            long[] sent = new long[2];
            byte[][] frames = new byte[2][160]; // one per client: each runs on its own event loop
            for (int c = 0; c < 2; c++) {
                int idx = c;
                MixDescriptor mix = descriptors.get(c == 0 ? 0 : 3);
                List<MixRef> zoneMixes = descriptors.subList(c == 0 ? 0 : 2, c == 0 ? 2 : 4).stream().map(MixRef::of).toList();
                java.util.Map<IdentityPublicKey, InetSocketAddress> addresses = new java.util.HashMap<>();
                descriptors.forEach(d -> addresses.put(d.mixKey(), d.address()));
                nodes[c] = ClientNode.start(new ClientNode.Settings(c == 0 ? aliceKey : bobKey, c == 0 ? aliceCert : bobCert,
                        MixRef.of(mix), zoneMixes, addresses, new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 2,
                        LinkConfig.defaults(), TimeUnit.SECONDS.toNanos(5)), SystemClock.INSTANCE, random,
                        c == 0 ? alice : bob, () -> {
                            CallClient cc = nodes[idx] == null ? null : nodes[idx].client();
                            if (cc == null) {
                                return;
                            }
                            for (Call call : cc.calls()) {
                                if (call.state() == Call.State.ACTIVE && sent[idx] < 50) {
                                    for (int i = 0; i < 160; i++) {
                                        frames[idx][i] = (byte) (sent[idx] + i);
                                    }
                                    if (call.sendFrame(frames[idx], 0, 160)) {
                                        sent[idx]++;
                                    }
                                }
                            }
                        });
                open.add(nodes[c]);
            }
            await("both clients registered", 30_000,
                    () -> alice.registered.get() == ControlMessages.STATUS_OK && bob.registered.get() == ControlMessages.STATUS_OK);
            // Exactly one link per pair: 3 Mixes + 2 directories, plus the client attached there.
            for (int i = 0; i < 4; i++) {
                MixNode m = mixes.get(i);
                int expected = 5 + (i == 0 || i == 3 ? 1 : 0);
                assertEquals(expected, (int) m.links().call(() -> m.links().linksUp()), "links of Mix " + i);
            }
            nodes[0].execute(c -> {
                try {
                    c.call(bobCert);
                } catch (Exception e) {
                    throw new AssertionError(e);
                }
            });
            await("the call to be active on both sides", 20_000, () -> alice.connected != null && bob.connected != null);
            // 50 frames each way (one per tick); frame numbers start at 0 on both sides.
            await("50 frames each way", 20_000, () -> alice.frames.get() >= 48 && bob.frames.get() >= 48);
            assertEquals(0, alice.badFrames.get() + bob.badFrames.get());
            long drops = 0;
            for (MixNode m : mixes) {
                MixNode.Snapshot s = m.snapshot();
                drops += s.forwardDrops() + s.backwardDrops() + s.sendDrops();
            }
            assertEquals(0, drops, "no cell dropped at any Mix");
            for (ClientNode n : nodes) {
                // Also the CREATEs a client sends from linkUp, before any slot of the new link.
                assertEquals(0, (long) n.links().call(() -> n.links().sendDrops()), "cells dropped at a client");
            }
        } finally {
            for (int i = open.size() - 1; i >= 0; i--) {
                open.get(i).close();
            }
        }
    }
}
