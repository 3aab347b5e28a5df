package org.herd.core.mix;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.herd.core.call.Call;
import org.herd.core.client.ClientNode;
import org.herd.core.wire.ControlMessages;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Call admission at set-up (§3.4; {@code directory.CapacityGate}) on real Mixes and clients: two
 * zones of one Mix each, the inter-zone Mix link at 1 cell per tick, i.e. room for one call. A
 * first call is admitted; a second one that would cross the same link is refused at once by the
 * caller's rendezvous Mix with END(AT_CAPACITY) — the caller gets that reason, nothing is queued;
 * once the first call hangs up, the same second call is admitted.
 */
class CallAdmissionNetworkTest {

    @Test
    @Timeout(value = 120, unit = TimeUnit.SECONDS)
    void aCallBeyondTheLinkRateIsRefusedAtSetUpNotQueued(@TempDir Path tmp) throws Exception {
        try (ZoneNet net = new ZoneNet(new String[] {"alpha", "beta"}, new int[] {1, 1})) {
            net.startDirectories(tmp, EmbeddedDirectory.Options.defaults(net.now), false, 1000);
            ZoneNet.Identity alice = net.identity("alpha", 1);
            ZoneNet.Identity dave = net.identity("alpha", 2);
            ZoneNet.Identity bob = net.identity("beta", 3);
            ZoneNet.Identity carol = net.identity("beta", 4);
            // No root: the Mixes keep these static rates; inter-zone Mix links carry one call.
            net.startMixes(new MixNode.Rates(2, 1, 1, 2), Set.of(alice.key().publicKey(), dave.key().publicKey(),
                    bob.key().publicKey(), carol.key().publicKey()), null, 0, new MixNode.Events() {
                    });
            ZoneNet.Seen[] seen = new ZoneNet.Seen[4];
            ClientNode[] nodes = new ClientNode[4];
            ZoneNet.Identity[] ids = {alice, dave, bob, carol};
            for (int c = 0; c < 4; c++) {
                seen[c] = new ZoneNet.Seen();
                nodes[c] = net.client(ids[c], c < 2 ? 0 : 1, seen[c], () -> { });
            }
            for (int c = 0; c < 4; c++) {
                int i = c;
                ZoneNet.await("client " + c + " registered", 40_000,
                        () -> seen[i].registered.get() == ControlMessages.STATUS_OK);
            }
            MixNode m0 = net.mixes.get(0);
            ZoneNet.await("the Mixes' pre-built circuits", 20_000,
                    () -> m0.links().call(() -> m0.mix().spareCircuits(net.descriptors.get(1).mixKey())) > 0);

            ZoneNet.call(nodes[0], bob.certificate());
            ZoneNet.await("alice's call to bob", 40_000, () -> seen[0].connected.size() == 1 && seen[2].connected.size() == 1);
            assertEquals(1, (int) m0.links().call(() -> m0.mix().admittedCalls()), "one call admitted at R1");

            long placed = System.nanoTime();
            ZoneNet.call(nodes[1], carol.certificate());
            ZoneNet.await("dave's call to end", 20_000, () -> !seen[1].ended.isEmpty());
            assertEquals(ControlMessages.END_AT_CAPACITY, seen[1].ended.get(0)[0], "the caller hears why");
            assertTrue(seen[1].connected.isEmpty() && seen[3].connected.isEmpty(), "the second call never connected");
            long refusedAfterMillis = TimeUnit.NANOSECONDS.toMillis(seen[1].endedAtNanos - placed);
            System.out.println("second call refused after " + refusedAfterMillis + " ms");
            // The set-up deadline is 5 s per step: a refusal well under it came from the Mix, not a timeout.
            assertTrue(refusedAfterMillis < 3000, "refused at once, not left to time out: " + refusedAfterMillis + " ms");
            assertEquals(1, m0.directoryCounters().refusedAtCapacity(), "one refusal at alpha's Mix (R1)");
            assertEquals(1, m0.links().call(() -> m0.mix().counters().refusedAtCapacity()));

            // The first call ends: its admission is released and the same call now fits.
            nodes[0].execute(c -> c.calls().stream().filter(k -> k.state() == Call.State.ACTIVE).forEach(Call::hangUp));
            ZoneNet.await("the first call's admission released", 10_000,
                    () -> m0.links().call(() -> m0.mix().admittedCalls()) == 0);
            ZoneNet.call(nodes[1], carol.certificate());
            ZoneNet.await("dave's second attempt connects", 40_000,
                    () -> seen[1].connected.size() == 1 && seen[3].connected.size() == 1);
            assertEquals(1, (int) m0.links().call(() -> m0.mix().admittedCalls()));
        }
    }
}
