package org.herd.core.mix;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.herd.core.call.Call;
import org.herd.core.client.ClientNode;
import org.herd.core.crypto.IdentityPublicKey;
import org.herd.core.directory.UtilisationReport;
import org.herd.core.link.LinkConfig;
import org.herd.core.time.SystemClock;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A Mix's UTILISATION_REPORTs carry its load (§3.1: "mixes periodically report their link
 * utilization"; docs/directory.md): on real links, a zone of one Mix (so a call between two of its
 * clients is spliced there once: R1 = R2) with three clients. The reports the directory accepts
 * say 3 clients and 0 calls once the clients are linked, 1 call while alice calls bob, 0 again
 * after the hang-up, and 2 clients after carol left.
 */
class LoadReportNetworkTest {

    @Test
    @Timeout(value = 120, unit = TimeUnit.SECONDS)
    void reportsReceivedByTheDirectoryCarryTheMixsClientsAndCalls(@TempDir Path tmp) throws Exception {
        try (ZoneNet net = new ZoneNet(new String[] {"alpha"}, new int[] {1})) {
            List<UtilisationReport> received = new CopyOnWriteArrayList<>();
            EmbeddedDirectory ed = EmbeddedDirectory.open(net.dirKeys[0], net.zoneCerts[0], net.root.publicKey(),
                    net.zoneDescriptors("alpha"), tmp.resolve("alpha.db"), SystemClock.INSTANCE, net.random);
            net.open.add(ed::close);
            Set<IdentityPublicKey> mixKeys = Set.of(net.descriptors.get(0).mixKey());
            net.open.add(ZoneDirectoryNode.start(ed, new ZoneDirectoryNode.Settings(net.dirKeys[0],
                    net.directories.get(0).address(), mixKeys, mixKeys, false, 2, 250, LinkConfig.defaults()),
                    SystemClock.INSTANCE, new ZoneDirectoryNode.Events() {
                        @Override
                        public void reported(UtilisationReport report) {
                            received.add(report);
                        }
                    }));
            ZoneNet.Identity alice = net.identity("alpha", 1);
            ZoneNet.Identity bob = net.identity("alpha", 2);
            ZoneNet.Identity carol = net.identity("alpha", 3);
            Set<IdentityPublicKey> clients = new HashSet<>();
            for (ZoneNet.Identity i : List.of(alice, bob, carol)) {
                clients.add(i.key().publicKey());
            }
            // Reports every 200 ms.
            net.startMixes(new MixNode.Rates(2, 8, 8, 2), clients, net.root.publicKey(), 200, new MixNode.Events() {
            });
            ZoneNet.Seen[] seen = {new ZoneNet.Seen(), new ZoneNet.Seen(), new ZoneNet.Seen()};
            ClientNode a = net.client(alice, 0, seen[0], () -> { });
            net.client(bob, 0, seen[1], () -> { });
            ClientNode c = net.client(carol, 0, seen[2], () -> { });
            ZoneNet.await("the clients registered", 60_000, () -> seen[0].registered.get() == 0
                    && seen[1].registered.get() == 0 && seen[2].registered.get() == 0);

            awaitReport(received, r -> r.clients() == 3 && r.calls() == 0, "3 clients, no call");
            ZoneNet.call(a, bob.certificate());
            ZoneNet.await("the call", 30_000, () -> seen[0].connected.size() == 1 && seen[1].connected.size() == 1);
            UtilisationReport during = awaitReport(received, r -> r.calls() == 1, "the call spliced at the Mix");
            assertEquals(3, during.clients());
            assertEquals(1, net.mixes.get(0).load()[1], "the Mix holds one splice (R1 = R2)");

            a.execute(k -> k.calls().stream().filter(x -> x.state() == Call.State.ACTIVE).forEach(Call::hangUp));
            ZoneNet.await("the call ended", 10_000, () -> !seen[0].ended.isEmpty() && !seen[1].ended.isEmpty());
            awaitReport(received, r -> r.clients() == 3 && r.calls() == 0, "no call after the hang-up");

            c.close();
            awaitReport(received, r -> r.clients() == 2 && r.calls() == 0, "carol's link gone");
            // Never a count the Mix did not have (no directory link or other Mix counted as a client).
            assertTrue(received.stream().allMatch(r -> r.clients() <= 3 && r.calls() <= 1), received.toString());
        }
    }

    /** The first report accepted after now that matches {@code p}. */
    private static UtilisationReport awaitReport(List<UtilisationReport> received, Predicate<UtilisationReport> p,
            String what) throws InterruptedException {
        int from = received.size();
        ZoneNet.await("a report with " + what + " (received: " + received.subList(from, received.size()) + ")", 15_000,
                () -> received.subList(from, received.size()).stream().anyMatch(p));
        return received.subList(from, received.size()).stream().filter(p).findFirst().orElseThrow();
    }
}
