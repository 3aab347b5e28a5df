package org.herd.core.mix;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.herd.core.client.ClientNode;
import org.herd.core.directory.EpochSchedule;
import org.herd.core.directory.RatePolicy;
import org.herd.core.directory.RateScope;
import org.herd.core.link.PacedLinks;
import org.herd.core.sched.RateClass;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Utilisation reports and rate epochs over the directory links (§3.1, §3.4.3 of the Herd paper),
 * on real Mixes, directories and clients in one JVM: zone alpha with two Mixes, zone beta with
 * one; 4 s epochs. Two calls start (one inside alpha, one alpha → beta); the Mixes report the
 * load of the epoch to their zone directory; alpha's directory announces a higher intra-zone rate
 * ahead of time, both directories agree a higher alpha↔beta rate (their proposals carried by
 * Mixes), and every Mix switches every link of the class at the announced tick: the
 * {@link RateClass} of each Mix names the same change tick, the start of an epoch, and the cells
 * each link sends per second are the old rate's just before that tick and the new rate's just
 * after it.
 */
class RateEpochNetworkTest {

    private static final long EPOCH_MILLIS = 4000;
    private static final int INITIAL = 2;

    @Test
    @Timeout(value = 150, unit = TimeUnit.SECONDS)
    void aRateRaisedByTheDirectorySwitchesEveryLinkOfTheClassAtTheAnnouncedTick(@TempDir Path tmp) throws Exception {
        // Raise by 2 when a link's peak exceeds 0.4 of the rate (one call at rate 2); never lower in the test.
        RatePolicy policy = new RatePolicy(1, INITIAL, 1, 16, 2, 1, 0.4, 0.1, 1000, 1, 1200);
        try (ZoneNet net = new ZoneNet(new String[] {"alpha", "beta"}, new int[] {2, 1})) {
            long origin = (net.now - ZoneNet.DAY) / 20 * 20;
            net.startDirectories(tmp, new EmbeddedDirectory.Options(new EpochSchedule(origin, EPOCH_MILLIS), policy, Set.of()),
                    false, 250);
            ZoneNet.Identity alice = net.identity("alpha", 1);
            ZoneNet.Identity dave = net.identity("alpha", 2);
            ZoneNet.Identity bob = net.identity("alpha", 3);
            ZoneNet.Identity carol = net.identity("beta", 4);
            java.util.concurrent.CountDownLatch ready = new java.util.concurrent.CountDownLatch(3);
            net.startMixes(new MixNode.Rates(2, INITIAL, INITIAL, 2), Set.of(alice.key().publicKey(), dave.key().publicKey(),
                    bob.key().publicKey(), carol.key().publicKey()), net.root.publicKey(), 1000, new MixNode.Events() {
                        @Override
                        public void ready() {
                            ready.countDown();
                        }
                    });
            assertTrue(ready.await(60, TimeUnit.SECONDS), "Mixes linked, documents in, circuits pre-built");
            ZoneNet.Seen[] seen = new ZoneNet.Seen[4];
            ClientNode[] nodes = new ClientNode[4];
            ZoneNet.Identity[] ids = {alice, dave, bob, carol};
            int[] at = {0, 0, 1, 2};
            for (int c = 0; c < 4; c++) {
                seen[c] = new ZoneNet.Seen();
                nodes[c] = net.client(ids[c], at[c], seen[c], () -> { });
            }
            for (int c = 0; c < 4; c++) {
                int i = c;
                ZoneNet.await("client " + c + " registered", 60_000, () -> seen[i].registered.get() == 0);
            }
            RateScope intra = RateScope.intraZone("alpha");
            RateScope inter = RateScope.interZone("alpha", "beta");
            for (MixNode m : net.mixes) {
                if (m.zone().equals("alpha")) {
                    assertEquals(INITIAL, rateNow(m, intra), "idle: no raise yet");
                }
                assertEquals(INITIAL, rateNow(m, inter), "idle: no raise yet");
            }
            long callsAt = System.currentTimeMillis();
            // On a loaded machine a set-up may time out (5 s per step): place it again, up to 3 times.
            ZoneNet.call(nodes[0], bob.certificate());
            ZoneNet.call(nodes[1], carol.certificate());
            ZoneNet.Identity[] callees = {bob, carol};
            int[] attempts = {1, 1};
            ZoneNet.await("both calls active", 90_000, () -> {
                for (int c = 0; c < 2; c++) {
                    if (seen[c].connected.isEmpty() && !seen[c].ended.isEmpty()) {
                        assertTrue(attempts[c]++ < 3, "call " + c + " ended " + seen[c].ended.stream().map(r -> r[0]).toList());
                        seen[c].ended.clear();
                        ZoneNet.call(nodes[c], callees[c].certificate());
                    }
                }
                return seen[0].connected.size() == 1 && seen[1].connected.size() == 1;
            });

            // Within three epochs every Mix of alpha has the intra-zone raise scheduled, at one tick.
            long intraTick = awaitCommonChange(net, intra, List.of(0, 1), 3 * EPOCH_MILLIS + 10_000);
            long interTick = awaitCommonChange(net, inter, List.of(0, 1, 2), 3 * EPOCH_MILLIS + 10_000);
            for (long tick : new long[] {intraTick, interTick}) {
                long startMillis = tick * 20;
                assertEquals(0, (startMillis - origin) % EPOCH_MILLIS, "the change tick starts an epoch");
                assertTrue(startMillis > callsAt, "raised after the load rose");
            }
            // Observed on the send side of every link of the class: old rate before, new after.
            if (interTick == intraTick) {
                checkCounts(net, List.of(intra, inter), intraTick);
            } else {
                checkCounts(net, List.of(intra), intraTick);
                checkCounts(net, List.of(inter), interTick);
            }
            for (MixNode m : net.mixes) {
                MixNode.DirectoryCounters dc = m.directoryCounters();
                System.out.println(m.zone() + " " + dc);
                assertTrue(dc.reportsAccepted() > 0, "reports accepted by the zone directory");
                assertEquals(0, dc.lateRateChanges(), "every change scheduled ahead of its tick");
            }
            long[] alphaDir = net.directoryNodes.get(0).counters();
            assertTrue(alphaDir[2] > 0, "beta's directory accepted alpha's proposals (forwarded by a Mix)");
        }
    }

    private static int rateNow(MixNode m, RateScope scope) {
        return m.links().call(() -> {
            RateClass rc = m.rateClass(scope);
            return rc.rateAt(m.links().paced().scheduler().currentTick());
        });
    }

    /** Waits until every listed Mix has a change of {@code scope}'s class to a higher rate, at one tick; returns it. */
    private static long awaitCommonChange(ZoneNet net, RateScope scope, List<Integer> mixes, long millis)
            throws InterruptedException {
        long[] tick = new long[1];
        ZoneNet.await("a common raise of " + scope, millis, () -> {
            long common = -1;
            for (int i : mixes) {
                MixNode m = net.mixes.get(i);
                long[] change = m.links().call(() -> {
                    RateClass rc = m.rateClass(scope);
                    long t = rc.changeTick();
                    return t == Long.MAX_VALUE ? null : new long[] {t, rc.rateAt(t - 1), rc.rateAt(t)};
                });
                if (change == null || change[2] <= INITIAL || change[1] != INITIAL) {
                    return false;
                }
                if (common >= 0 && common != change[0]) {
                    throw new AssertionError(scope + ": Mix " + i + " changes at tick " + change[0] + ", another at " + common);
                }
                common = change[0];
            }
            tick[0] = common;
            return true;
        });
        return tick[0];
    }

    /**
     * Slots of every link of the classes in about a second before the tick and a second after it:
     * the initial rate's per tick before, the new rate's after. Counts are read on each Mix's loop
     * with the tick the link's sender has reached, so a late read or a lagging sender (a loaded
     * machine) changes the window, not the expectation (within one tick's slots at each end); each
     * window must lie wholly on one side of the change.
     */
    private static void checkCounts(ZoneNet net, List<RateScope> scopes, long tick) throws Exception {
        long boundary = tick * 20;
        assertTrue(boundary - 1200 > System.currentTimeMillis(), "the change was seen more than 1.2 s before its tick");
        sleepUntil(boundary - 1200);
        Map<String, long[]> a = counts(net, scopes, tick);
        sleepUntil(boundary - 200);
        Map<String, long[]> b = counts(net, scopes, tick);
        sleepUntil(boundary + 200);
        Map<String, long[]> c = counts(net, scopes, tick);
        sleepUntil(boundary + 1200);
        Map<String, long[]> d = counts(net, scopes, tick);
        assertTrue(a.size() >= 2, "links of " + scopes + ": " + a.keySet());
        for (String link : a.keySet()) {
            long after = a.get(link)[1];
            assertTrue(b.get(link)[2] <= tick && c.get(link)[2] > tick, link + ": a window straddles the change tick");
            assertTrue(a.get(link)[3] == b.get(link)[3] && c.get(link)[3] == d.get(link)[3], link + " was re-linked meanwhile");
            long before = b.get(link)[0] - a.get(link)[0];
            long beforeTicks = b.get(link)[2] - a.get(link)[2];
            long later = d.get(link)[0] - c.get(link)[0];
            long laterTicks = d.get(link)[2] - c.get(link)[2];
            System.out.println(link + ": " + before + " cells in " + beforeTicks + " ticks before tick " + tick + ", "
                    + later + " in " + laterTicks + " ticks after (rates " + INITIAL + " -> " + after + ")");
            assertTrue(after > INITIAL, link + " raised");
            // The sender's slot index within its next tick is not read: up to one tick's slots at each end.
            assertEquals(INITIAL * beforeTicks, before, 2.0 * INITIAL, link + " before the tick");
            assertEquals(after * laterTicks, later, 2.0 * after, link + " after the tick");
        }
    }

    /**
     * Per link of the scopes at every Mix: {slots so far (cells sent, and slots skipped after a stall
     * of over a second — still one per slot), the class's rate at {@code tick}, the tick of the
     * sender's next slot (so a sender lagging on a loaded machine is measured by its own progress),
     * the sender's identity}.
     */
    private static Map<String, long[]> counts(ZoneNet net, List<RateScope> scopes, long tick) {
        Map<String, long[]> out = new java.util.TreeMap<>();
        for (int i = 0; i < net.mixes.size(); i++) {
            MixNode m = net.mixes.get(i);
            int mix = i;
            m.links().call(() -> {
                for (RateScope scope : scopes) {
                    RateClass rc = m.rateClass(scope);
                    for (PacedLinks.Paced p : m.links().paced().attached()) {
                        if (rc != null && p.sender().rateClass() == rc) {
                            out.put(scope + " mix" + mix + "->" + p.link().peerIdentity().toHex().substring(0, 8),
                                    new long[] {p.sender().payloadCellsSent() + p.sender().chaffCellsSent() + p.sender().skippedSlots(),
                                            rc.rateAt(tick), p.sender().nextSlotTick(), System.identityHashCode(p.sender())});
                        }
                    }
                }
                return null;
            });
        }
        return out;
    }

    private static void sleepUntil(long wallMillis) throws InterruptedException {
        long wait = wallMillis - System.currentTimeMillis();
        if (wait > 0) {
            Thread.sleep(wait);
        }
    }
}
