package org.herd.core.mix;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.herd.core.circuit.MixRef;
import org.herd.core.client.ClientNode;
import org.herd.core.client.DirectoryJoin;
import org.herd.core.crypto.ClientCertificate;
import org.herd.core.crypto.IdentityKeyPair;
import org.herd.core.crypto.IdentityPublicKey;
import org.herd.core.directory.ClientCertificateRecord;
import org.herd.core.directory.DirectoryMessages;
import org.herd.core.directory.DirectoryRequest;
import org.herd.core.directory.DirectoryResponse;
import org.herd.core.directory.DirectoryService;
import org.herd.core.directory.DirectoryStore;
import org.herd.core.directory.DirectoryStoreException;
import org.herd.core.directory.IssuedCertificates;
import org.herd.core.link.LinkConfig;
import org.herd.core.time.SystemClock;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * CLIENTS survives a directory restart (§3.5 of the Herd paper; docs/network.md, "Directory
 * link"): 300 clients JOIN a zone directory, which is then closed and opened again on the same
 * SQLite file (with three certificates that expired in the meantime written into it). A Mix that
 * links to the restarted directory — and knows no client key of its own — is pushed every valid
 * certificate, over many CLIENTS pages (300 certificates are about three times what one
 * directory-link message holds), and no expired one: it admits all 300 and refuses none. A client
 * that joined before the restart links to that Mix, and one that JOINs the restarted directory
 * is pushed to the linked Mix at once.
 */
class ClientCertificatePushNetworkTest {

    private static final int CLIENTS = 300;

    @Test
    @Timeout(value = 120, unit = TimeUnit.SECONDS)
    void aMixLinkingToARestartedDirectoryIsPushedEveryValidCertificateIssuedBeforeTheRestart(@TempDir Path tmp)
            throws Exception {
        try (ZoneNet net = new ZoneNet(new String[] {"alpha"}, new int[] {1})) {
            Path db = tmp.resolve("alpha.db");
            List<IdentityKeyPair> keys = new ArrayList<>();
            List<byte[]> issued = new ArrayList<>();
            EmbeddedDirectory before = EmbeddedDirectory.open(net.dirKeys[0], net.zoneCerts[0], net.root.publicKey(),
                    net.zoneDescriptors("alpha"), db, SystemClock.INSTANCE, net.random);
            try {
                for (int i = 0; i < CLIENTS; i++) {
                    IdentityKeyPair k = IdentityKeyPair.generate(net.random);
                    byte[] nonce = new byte[DirectoryRequest.NONCE_SIZE];
                    net.random.nextBytes(nonce);
                    byte[] response = before.service().handle(DirectoryMessages.encodeRequest(i,
                            DirectoryRequest.Join.sign(k, "alpha", System.currentTimeMillis(), nonce)));
                    DirectoryResponse r = DirectoryMessages.decodeResponse(response);
                    assertTrue(r.isOk(), r.toString());
                    keys.add(k);
                    issued.add(DirectoryResponse.JoinResult.decode(r.body()).clientCertificate());
                }
            } finally {
                before.close();
            }
            int bytes = issued.stream().mapToInt(c -> 2 + c.length).sum();
            assertTrue(bytes > DirectoryLinkCodec.MAX_FRAGMENTS * DirectoryLinkCodec.FRAGMENT_DATA,
                    "the certificates (" + bytes + " bytes) do not fit in one directory-link message");
            // Three certificates that expired while the directory was down (real, signed by the zone).
            try (DirectoryStore store = DirectoryStore.openSqlite(db, System.currentTimeMillis())) {
                for (int i = 0; i < 3; i++) {
                    IdentityKeyPair k = IdentityKeyPair.generate(net.random);
                    ClientCertificate c = ClientCertificate.issue(net.dirKeys[0], "alpha", i, k.publicKey(),
                            net.now - 2 * ZoneNet.DAY, net.now - ZoneNet.DAY);
                    store.putClientCertificate(new ClientCertificateRecord(k.publicKey(), "alpha", c.address().toString(),
                            c.encoded(), c.validFrom(), c.validUntil()));
                }
            }

            // The restart: the same file, a new process's worth of state.
            EmbeddedDirectory after = EmbeddedDirectory.open(net.dirKeys[0], net.zoneCerts[0], net.root.publicKey(),
                    net.zoneDescriptors("alpha"), db, SystemClock.INSTANCE, net.random);
            net.open.add(after::close);
            Set<IdentityPublicKey> mixKeys = Set.of(net.descriptors.get(0).mixKey());
            // The store fails the first read of the push (say, the database busy): the pump's timer
            // must survive it and the next tick read again.
            DirectoryService svc = after.service();
            int[] reads = {0};
            IssuedCertificates flaky = (afterKey, limit) -> {
                if (reads[0]++ == 0) {
                    throw new DirectoryStoreException(DirectoryStoreException.Reason.IO, "database is locked (injected)", null);
                }
                return svc.validClientCertificates(afterKey, limit);
            };
            ZoneDirectoryNode directory = ZoneDirectoryNode.start("alpha", svc::handle, svc::onEpoch, flaky,
                    new ZoneDirectoryNode.Settings(net.dirKeys[0], net.directories.get(0).address(), mixKeys, mixKeys,
                            true, 2, 250, LinkConfig.defaults()),
                    SystemClock.INSTANCE, new ZoneDirectoryNode.Events() {
                    });
            net.open.add(directory);
            long started = System.nanoTime();
            // No allow-list: the Mix admits clients only by the certificates its directory pushes.
            net.startMixes(new MixNode.Rates(2, 8, 8, 2), Set.of(), net.root.publicKey(), 0, new MixNode.Events() {
            }, true);
            MixNode mix = net.mixes.get(0);
            IdentityPublicKey mixKey = net.descriptors.get(0).mixKey();
            ZoneNet.await("every certificate pushed", 60_000,
                    () -> mix.directoryCounters().certifiedClients() == CLIENTS);
            long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);
            ZoneDirectoryNode.CertificatePush push = directory.certificatePush(mixKey);
            assertNotNull(push);
            assertEquals(1, push.sweeps(), "one completed sweep");
            assertEquals(CLIENTS, push.certificates(), "each valid certificate exactly once, no expired one");
            MixNode.DirectoryCounters counters = mix.directoryCounters();
            assertEquals(CLIENTS, counters.certificatesAccepted());
            assertEquals(0, counters.certificatesRefused(), "no expired (or otherwise invalid) certificate was pushed");
            assertEquals(1, directory.taskFailures(), "the injected store failure was counted, and the push went on");
            long pages = directory.pagesPushed();
            assertTrue(pages > 3, "paged over many messages: " + pages);
            System.out.printf("ClientCertificatePushNetworkTest: %d certificates (%d bytes) in %d CLIENTS pages, "
                    + "all admitted %d ms after the Mix started (directory link rate 2)%n", CLIENTS, bytes, pages, millis);

            // A client that joined before the restart is admitted by the Mix.
            int pick = net.random.nextInt(CLIENTS);
            ClientNode old = client(net, keys.get(pick), ClientCertificate.decode(issued.get(pick)));
            ZoneNet.await("a client certified before the restart links", 30_000, () -> old.links().call(old::linked));

            // A JOIN at the restarted directory reaches the linked Mix at once (not only at its next sweep).
            IdentityKeyPair fresh = IdentityKeyPair.generate(net.random);
            DirectoryJoin.Joined joined = DirectoryJoin.join(fresh, net.zoneCerts[0], net.directories.get(0).address(),
                    net.root.publicKey(), new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), LinkConfig.defaults(),
                    SystemClock.INSTANCE, net.random, 20_000);
            ZoneNet.await("the new client's certificate pushed", 10_000,
                    () -> mix.directoryCounters().certifiedClients() == CLIENTS + 1);
            ClientNode late = client(net, fresh, joined.certificate());
            ZoneNet.await("the newly joined client links", 30_000, () -> late.links().call(late::linked));
            assertEquals(0, mix.directoryCounters().certificatesRefused(), "an expired certificate was pushed later");
        }
    }

    private static ClientNode client(ZoneNet net, IdentityKeyPair key, ClientCertificate certificate) throws Exception {
        List<MixRef> zoneMixes = net.zoneDescriptors("alpha").stream().map(MixRef::of).toList();
        ClientNode node = ClientNode.start(new ClientNode.Settings(key, certificate, zoneMixes.get(0), zoneMixes,
                net.addresses, new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 2, LinkConfig.defaults(),
                TimeUnit.SECONDS.toNanos(5)), SystemClock.INSTANCE, net.random, new ZoneNet.Seen(), () -> { });
        net.open.add(node);
        return node;
    }
}
