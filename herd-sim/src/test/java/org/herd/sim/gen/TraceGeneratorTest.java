package org.herd.sim.gen;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.SplittableRandom;
import org.herd.sim.report.Progress;
import org.herd.sim.trace.TraceReader;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TraceGeneratorTest {

    @TempDir
    Path dir;

    private static final Progress QUIET = new Progress("t", 0, System.err, false);

    @Test
    void calibratedToThePapersPublishedFigures() throws IOException {
        long seed = new SplittableRandom().nextLong();
        System.out.println("calibrated seed=" + seed);
        Path p = dir.resolve("t.bin");
        GeneratorResult r = new TraceGenerator(GeneratorParameters.defaults(50_000, 3, seed)).generate(p, QUIET);
        // ≈ 34 calls per user per (31-day) month: 370 M / 10.8 M.
        assertEquals(370e6 / 10.8e6, r.callsPerUserMonth(), 0.05);
        // Peak duty cycle near 1.6 % (sampling noise at 50 k users is a few percent of it).
        assertTrue(r.peakDutyCycle() > 0.014 && r.peakDutyCycle() < 0.020, "duty " + r.peakDutyCycle());
        // Diurnal: the evening hour carries several times the calls of 4 h.
        assertTrue(r.callsPerHour()[19] > 5 * r.callsPerHour()[4]);
        // Heavy-tailed involvement: some users are in 10x the mean number of calls.
        double mean = 2.0 * r.calls() / r.users();
        long heavy = 0;
        for (int n = (int) (10 * mean); n < r.involvement().length; n++) {
            heavy += r.involvement()[n];
        }
        assertTrue(heavy > 0, "no heavy users");
        try (TraceReader t = new TraceReader(p)) {
            assertEquals(r.calls(), t.calls());
            long last = -1;
            long n = 0;
            while (t.next()) {
                assertTrue(t.start() >= last && t.start() < 3 * 86_400L);
                assertTrue(t.duration() >= 1 && t.duration() <= 4 * 3600);
                last = t.start();
                n++;
            }
            assertEquals(r.calls(), n);
            assertEquals(0, t.badRecords());
        }
    }

    @Test
    void sameSeedSameTraceOtherSeedOtherTrace() throws IOException {
        Path a = dir.resolve("a.bin");
        Path b = dir.resolve("b.bin");
        Path c = dir.resolve("c.bin");
        new TraceGenerator(GeneratorParameters.defaults(2_000, 2, 42)).generate(a, QUIET);
        new TraceGenerator(GeneratorParameters.defaults(2_000, 2, 42)).generate(b, QUIET);
        new TraceGenerator(GeneratorParameters.defaults(2_000, 2, 43)).generate(c, QUIET);
        assertArrayEquals(Files.readAllBytes(a), Files.readAllBytes(b));
        assertTrue(!java.util.Arrays.equals(Files.readAllBytes(a), Files.readAllBytes(c)));
    }

    @Test
    void durationScaleIsSolvedForTheTargetMean() {
        long seed = new SplittableRandom().nextLong();
        System.out.println("duration seed=" + seed);
        DurationModel m = DurationModel.forMean(300, 2.2, 4 * 3600);
        SplittableRandom r = new SplittableRandom(seed);
        double sum = 0;
        int n = 400_000;
        int belowMedian = 0;
        for (int i = 0; i < n; i++) {
            int d = m.sample(r);
            sum += d;
            if (d < m.median()) {
                belowMedian++;
            }
        }
        assertEquals(300, sum / n, 6);
        assertEquals(0.5, (double) belowMedian / n, 0.01);
    }

    @Test
    void aliasTableFollowsTheWeights() {
        long seed = new SplittableRandom().nextLong();
        System.out.println("alias seed=" + seed);
        AliasTable t = new AliasTable(new double[] {1, 0, 3, 6});
        SplittableRandom r = new SplittableRandom(seed);
        int[] hits = new int[4];
        for (int i = 0; i < 100_000; i++) {
            hits[t.sample(r)]++;
        }
        assertEquals(0, hits[1]);
        assertEquals(0.1, hits[0] / 1e5, 0.01);
        assertEquals(0.6, hits[3] / 1e5, 0.01);
    }
}
