package org.herd.core.call;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Re-joins back off (§3.5): a client whose link to its zone's Mix dies re-joins another Mix at
 * once, but when links keep dying (a starved Mix, an overloaded machine) each further re-join
 * waits exponentially longer, with jitter, up to a cap, so thousands of clients do not hammer
 * the zone's Mixes with immediate handshakes. Manual clock; the random source is seeded (printed).
 */
class RejoinBackoffTest {

    @TempDir
    static Path tmp;

    private static final long MS = TimeUnit.MILLISECONDS.toNanos(1);

    @Test
    void theWaitGrowsExponentiallyWithJitterAndIsCapped() {
        TestNet t = new TestNet(tmp, "backoffFormula", TestNet.newSeed());
        t.zone("alpha", 2);
        CallClient c = t.client("alice", "alpha", 0).client;
        assertEquals(0, c.rejoinBackoffNanos(1), "a single failure re-joins at once");
        for (int failures = 2; failures < 40; failures++) {
            long cap = Math.min(CallClient.REJOIN_BACKOFF_MAX_NANOS,
                    CallClient.REJOIN_BACKOFF_FIRST_NANOS << Math.min(failures - 2, 30));
            for (int i = 0; i < 20; i++) {
                long wait = c.rejoinBackoffNanos(failures);
                assertTrue(wait >= cap / 2 && wait <= cap, failures + " failures: " + wait + " not in [cap/2, cap] of " + cap);
            }
        }
        assertEquals(TimeUnit.SECONDS.toNanos(60), CallClient.REJOIN_BACKOFF_MAX_NANOS);
        // Jitter: draws spread over the range, so clients lost together do not come back together.
        long min = Long.MAX_VALUE;
        long max = 0;
        for (int i = 0; i < 200; i++) {
            long wait = c.rejoinBackoffNanos(6); // cap 16 s
            min = Math.min(min, wait);
            max = Math.max(max, wait);
        }
        assertTrue(min < TimeUnit.SECONDS.toNanos(9) && max > TimeUnit.SECONDS.toNanos(15), min + " .. " + max);
    }

    /** Ticks 100 ms at a time until alice asked for {@code rejoins} re-joins; returns the time it took. */
    private static long untilRejoins(TestNet t, TestNet.ClientNode alice, int rejoins, long limitMs) {
        long start = t.clock.nanoTime();
        for (long i = 0; i < limitMs / 100 && alice.rejoins.size() < rejoins; i++) {
            t.clock.advance(100, TimeUnit.MILLISECONDS);
            t.tick();
        }
        assertEquals(rejoins, alice.rejoins.size(), "re-join " + rejoins + " not asked within " + limitMs + " ms");
        return t.clock.nanoTime() - start;
    }

    @Test
    void linksThatKeepDyingMakeTheClientWaitLongerEachTimeAndALinkThatLastedResetsIt() throws Exception {
        TestNet t = new TestNet(tmp, "backoffNet", TestNet.newSeed());
        t.zone("alpha", 8);
        TestNet.ClientNode alice = t.client("alice", "alpha", 0);
        t.settle();
        // One failure: re-joined at once (a call resumes as fast as before).
        alice.client.linkDown(alice.mixes.get(0).index());
        assertEquals(1, alice.rejoins.size());
        t.net.run();
        // Each new link dies as soon as it is up: failures 2..7 wait 1, 2, 4, 8, 16, 32 s (jittered to [1/2, 1]).
        for (int failures = 2; failures <= 7; failures++) {
            t.tick();
            alice.client.linkDown(alice.mixes.get(alice.mixes.size() - 1).index());
            assertEquals(failures - 1, alice.rejoins.size(), "no immediate re-join after failure " + failures);
            long cap = CallClient.REJOIN_BACKOFF_FIRST_NANOS << (failures - 2);
            long waited = untilRejoins(t, alice, failures, cap / MS + 200);
            assertTrue(waited >= cap / 2 && waited <= cap + 100 * MS, "failure " + failures + ": waited " + waited / MS
                    + " ms, cap " + cap / MS + " ms");
            t.net.run();
        }
        // The last link lasts longer than REJOIN_STABLE_NANOS: its loss is a fresh failure, re-joined at once.
        for (int i = 0; i < 31; i++) {
            t.clock.advance(1, TimeUnit.SECONDS);
            t.tick();
        }
        assertTrue(alice.client.ready(), "the re-joined client built its circuits");
        alice.client.linkDown(alice.mixes.get(alice.mixes.size() - 1).index());
        assertEquals(8, alice.rejoins.size(), "re-joined at once after a link that lasted");
    }
}
