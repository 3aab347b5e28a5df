package org.herd.core.mix;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.herd.core.circuit.MixRef;
import org.herd.core.client.ClientNode;
import org.herd.core.client.DirectoryJoin;
import org.herd.core.crypto.IdentityKeyPair;
import org.herd.core.crypto.ZoneCertificate;
import org.herd.core.directory.DirectoryStatus;
import org.herd.core.link.LinkConfig;
import org.herd.core.time.SystemClock;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * GET_DIRECTORY and JOIN over the network (§3.5 of the Herd paper) on real links. Mixes that know
 * only the root key and the directories learn every other Mix from the signed documents the
 * directories push, and form the full mesh. Clients that know only the root
 * key, their zone certificate and the directory's address JOIN over a direct link to the zone
 * directory, get their certificate, Herd address, a Mix and the signed document (the zone's Mixes),
 * and are admitted by that Mix because the directory pushed their certificate to the zone's Mixes
 * — the Mixes have no allow-list. They register and call each other across zones. A client whose
 * certificate the directory never issued at a JOIN is not admitted; a JOIN with a certificate of
 * another zone's directory pinned is refused.
 */
class JoinNetworkTest {

    @Test
    @Timeout(value = 150, unit = TimeUnit.SECONDS)
    void clientsJoinThroughTheirDirectoryAndAreAdmittedByTheCertificateItIssued(@TempDir Path tmp) throws Exception {
        try (ZoneNet net = new ZoneNet(new String[] {"alpha", "beta"}, new int[] {2, 1})) {
            net.startDirectories(tmp, EmbeddedDirectory.Options.defaults(net.now), true, 250);
            // The Mixes know only the directories: the other Mixes come with the signed documents.
            java.util.concurrent.CountDownLatch ready = new java.util.concurrent.CountDownLatch(3);
            net.startMixes(new MixNode.Rates(2, 8, 8, 2), Set.of(), net.root.publicKey(), 0, new MixNode.Events() {
                @Override
                public void ready() {
                    ready.countDown();
                }
            }, true);
            assertTrue(ready.await(60, TimeUnit.SECONDS), "the Mixes learned each other from the documents and linked");
            for (MixNode m : net.mixes) {
                assertEquals(2, m.directoryCounters().learnedMixes(), "every other Mix learned from a document");
            }
            InetSocketAddress any = new InetSocketAddress(InetAddress.getLoopbackAddress(), 0);
            IdentityKeyPair aliceKey = IdentityKeyPair.generate(net.random);
            IdentityKeyPair bobKey = IdentityKeyPair.generate(net.random);
            DirectoryJoin.Joined alice = DirectoryJoin.join(aliceKey, net.zoneCerts[0], net.directories.get(0).address(),
                    net.root.publicKey(), any, LinkConfig.defaults(), SystemClock.INSTANCE, net.random, 20_000);
            DirectoryJoin.Joined bob = DirectoryJoin.join(bobKey, net.zoneCerts[1], net.directories.get(1).address(),
                    net.root.publicKey(), any, LinkConfig.defaults(), SystemClock.INSTANCE, net.random, 20_000);
            assertEquals("alpha", alice.certificate().zone());
            assertEquals(aliceKey.publicKey(), alice.certificate().clientKey());
            assertEquals(2, alice.zoneMixes().size(), "alpha's Mixes from the signed document");
            assertEquals(1, bob.zoneMixes().size());
            assertTrue(alice.certificate().address().toString().endsWith("@alpha.herd"), alice.certificate().address().toString());

            // A directory key that is not the zone's: the pinned DTLS link never comes up, no answer.
            ZoneCertificate wrong = ZoneCertificate.issue(net.root, "alpha", IdentityKeyPair.generate(net.random).publicKey(),
                    net.now - ZoneNet.DAY, net.now + ZoneNet.DAY);
            DirectoryJoin.JoinException e = assertThrows(DirectoryJoin.JoinException.class, () -> DirectoryJoin.join(
                    IdentityKeyPair.generate(net.random), wrong, net.directories.get(0).address(), net.root.publicKey(),
                    any, LinkConfig.defaults(), SystemClock.INSTANCE, net.random, 3_000));
            assertEquals(DirectoryStatus.UNAVAILABLE, e.status());

            ZoneNet.Seen[] seen = {new ZoneNet.Seen(), new ZoneNet.Seen(), new ZoneNet.Seen()};
            ClientNode a = joined(net, aliceKey, alice, seen[0]);
            ClientNode b = joined(net, bobKey, bob, seen[1]);
            // Certified by alpha's key but never JOINed: no Mix admits it.
            ZoneNet.Identity stranger = net.identity("alpha", 99);
            ClientNode s = net.client(stranger, 0, seen[2], () -> { });
            ZoneNet.await("joined clients registered", 60_000,
                    () -> seen[0].registered.get() == 0 && seen[1].registered.get() == 0);
            ZoneNet.call(a, bob.certificate());
            ZoneNet.await("the call between joined clients", 40_000,
                    () -> seen[0].connected.size() == 1 && seen[1].connected.size() == 1);
            assertEquals(-1, seen[2].registered.get(), "a client the directory did not certify at JOIN is not admitted");
            assertTrue(!s.links().call(() -> s.linked()), "its link to the Mix never came up");
            for (MixNode m : net.mixes) {
                if (m.zone().equals("alpha")) {
                    assertEquals(1, m.directoryCounters().certifiedClients(), "alpha's Mixes know alice's certificate");
                }
            }
        }
    }

    private static ClientNode joined(ZoneNet net, IdentityKeyPair key, DirectoryJoin.Joined j, ZoneNet.Seen seen)
            throws Exception {
        java.util.Map<org.herd.core.crypto.IdentityPublicKey, InetSocketAddress> addresses = new java.util.HashMap<>();
        j.zoneMixes().forEach(d -> addresses.put(d.mixKey(), d.address()));
        List<MixRef> zoneMixes = j.zoneMixes().stream().map(MixRef::of).toList();
        ClientNode node = ClientNode.start(new ClientNode.Settings(key, j.certificate(), MixRef.of(j.mix()), zoneMixes,
                addresses, new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 2, LinkConfig.defaults(),
                TimeUnit.SECONDS.toNanos(5)), SystemClock.INSTANCE, net.random, seen, () -> { });
        net.open.add(node);
        return node;
    }
}
