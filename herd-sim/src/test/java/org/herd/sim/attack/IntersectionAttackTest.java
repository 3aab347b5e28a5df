package org.herd.sim.attack;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.file.Path;
import org.herd.sim.TestTraces;
import org.herd.sim.report.Progress;
import org.herd.sim.trace.TraceReader;
import org.herd.sim.trace.TraceWriter;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class IntersectionAttackTest {

    @TempDir
    Path dir;

    private static IntersectionAttack run(Path trace, long period) throws IOException {
        try (TraceReader r = new TraceReader(trace)) {
            IntersectionAttack a = new IntersectionAttack(16);
            a.run(r, period, new Progress("t", 0, System.err, false));
            return a;
        }
    }

    @Test
    void exactlyThreeOfFiveCallsAreTraced() throws IOException {
        IntersectionAttack a = run(TestTraces.threeOfFiveTraced(dir), Long.MAX_VALUE);
        assertEquals(5, a.calls());
        assertEquals(3, a.tracedCalls());
        assertEquals(0.6, a.tracedFraction(), 1e-12);
        assertEquals(4, a.pairs());
        // Tor anonymity sets: traced calls 1; E-F and G-H keep {partner, C, D}: 3.
        long[] h = a.anonymitySetHistogram(10);
        assertEquals(3, h[1]);
        assertEquals(2, h[3]);
        int[] deg = a.degrees(8);
        assertEquals(1, deg[TestTraces.C]);
    }

    @Test
    void periodLimitsWhatTheAdversaryHasSeen() throws IOException {
        // Observing only up to second 300: C-D is still ambiguous, only c1 is traced.
        IntersectionAttack a = run(TestTraces.threeOfFiveTraced(dir), 300);
        assertEquals(3, a.calls());
        assertEquals(1, a.tracedCalls());
    }

    @Test
    void sameStartDifferentEndSecondDoesNotConfound() throws IOException {
        Path p = dir.resolve("t.bin");
        try (TraceWriter w = new TraceWriter(p, 0, 6)) {
            w.write(10, 5, 0, 1);
            w.write(10, 6, 2, 3);     // same start, end one second later: distinguishable
            w.write(11, 4, 4, 5);     // same end as the first, different start: distinguishable
        }
        IntersectionAttack a = run(p, Long.MAX_VALUE);
        assertEquals(3, a.tracedCalls());
    }

    @Test
    void sharedPartnerKeepsTheCandidateSetAndLaterCallsCount() throws IOException {
        Path p = dir.resolve("t.bin");
        try (TraceWriter w = new TraceWriter(p, 0, 5)) {
            w.write(10, 5, 0, 1);
            w.write(10, 5, 0, 2);   // user 0 in both calls: candidates {0,1,2} for both pairs
            w.write(20, 5, 0, 1);   // alone: pair 0-1 confirmed, so its first call counts too
            w.write(86_400 + 30, 7, 3, 4);
        }
        IntersectionAttack a = run(p, Long.MAX_VALUE);
        assertEquals(4, a.calls());
        assertEquals(3, a.tracedCalls(), "0-1 twice and 3-4; 0-2 stays ambiguous with 1");
        assertEquals(2, a.days());
        assertEquals(2.0 / 3, a.tracedFractionAfterDay(0), 1e-12);
        assertEquals(0.75, a.tracedFractionAfterDay(1), 1e-12);
    }
}
