package org.herd.sim.gen;

import java.io.IOException;
import java.nio.file.Path;
import java.util.SplittableRandom;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.herd.sim.report.Progress;
import org.herd.sim.trace.TraceWriter;

/**
 * Generates a synthetic month of calls, one day at a time, straight into the binary trace
 * (sorted by start with a counting sort over the 86 400 seconds of each day), so memory is
 * O(users + calls per day) whatever the number of days.
 *
 * <p>Model (parameters in {@link GeneratorParameters}): every user u has a log-normal activity
 * weight and a log-normal number of contacts d(u) ≥ 1; contact j of u is a pseudo-random user
 * fixed by (seed, u, j), so the social graph costs no memory. Each call picks u by activity
 * (alias table), a contact rank j with P(j) ∝ 1/(j+1) (calls concentrate on the first
 * contacts), a direction at random (calls go both ways along a contact), a start second from
 * the {@link DiurnalProfile}, and a log-logistic duration ({@link DurationModel}) whose scale
 * is solved for the target peak duty cycle. Days are statistically identical (no weekly cycle)
 * and one user's calls may overlap in time; both are documented limitations.
 */
public final class TraceGenerator {

    private static final int DAY = 86_400;
    private static final int INVOLVEMENT_BINS = 1001;
    private static final int DURATION_BINS = 4 * 3600 + 1;

    private final GeneratorParameters p;

    /** A generator for the given parameters. */
    public TraceGenerator(GeneratorParameters p) {
        this.p = p;
    }

    /** Writes the trace to {@code out} and returns what was generated. */
    public GeneratorResult generate(Path out, Progress progress) throws IOException {
        int users = p.users();
        SplittableRandom root = new SplittableRandom(p.seed());
        SplittableRandom setup = root.split();

        double[] weight = new double[users];
        short[] contacts = new short[users];
        for (int u = 0; u < users; u++) {
            weight[u] = Math.exp(p.activitySigma() * setup.nextGaussian());
            double d = p.contactsMedian() * Math.exp(p.contactsSigma() * setup.nextGaussian());
            contacts[u] = (short) Math.max(1, Math.min(Math.min(users - 1, Short.MAX_VALUE), Math.round(d)));
        }
        AliasTable callers = new AliasTable(weight);
        weight = null;
        DiurnalProfile profile = new DiurnalProfile();
        AliasTable minutes = new AliasTable(profile.perMinute());
        double meanDuration = p.peakDutyCycle() * DAY / (2 * p.callsPerUserPerDay() * profile.peakToMean());
        DurationModel durations = DurationModel.forMean(meanDuration, p.durationShape(), p.maxDurationSeconds());
        long contactSalt = setup.nextLong();

        int perDay = (int) Math.min(Integer.MAX_VALUE - 8, Math.round(users * p.callsPerUserPerDay()));
        // Day streams are split in order up front, so the trace does not depend on thread timing.
        SplittableRandom[] dayRandom = new SplittableRandom[p.days()];
        for (int day = 0; day < p.days(); day++) {
            dayRandom[day] = root.split();
        }
        DayFiller filler = new DayFiller(callers, contacts, minutes, durations, contactSalt, users,
                new int[users], new long[24], new long[Math.min(DURATION_BINS, p.maxDurationSeconds() + 1)],
                new double[1]);
        Day[] days = {new Day(perDay), new Day(perDay)};
        int horizon = p.days() * DAY + p.maxDurationSeconds() + 2;
        int[] delta = new int[horizon];
        long total = 0;

        // Two-stage pipeline: a worker draws day d+1 while this thread writes day d.
        ExecutorService worker = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "herd-sim-generate");
            t.setDaemon(true);
            return t;
        });
        try (TraceWriter w = new TraceWriter(out, p.epoch(), users)) {
            Future<?> next = worker.submit(() -> filler.fill(days[0], dayRandom[0]));
            for (int day = 0; day < p.days(); day++) {
                await(next);
                Day cur = days[day & 1];
                if (day + 1 < p.days()) {
                    Day following = days[(day + 1) & 1];
                    SplittableRandom r = dayRandom[day + 1];
                    next = worker.submit(() -> filler.fill(following, r));
                }
                for (int k = 0; k < perDay; k++) {
                    int i = cur.order[k];
                    int sec = cur.sec[i];
                    int dur = cur.dur[i];
                    long start = (long) day * DAY + sec;
                    w.write(start, dur, cur.caller[i], cur.callee[i]);
                    delta[(int) start]++;
                    delta[(int) start + dur]--;
                    if ((k & 0xFFFF) == 0) {
                        progress.update(total + k);
                    }
                }
                total += perDay;
                progress.update(total);
            }
        } finally {
            worker.shutdownNow();
        }
        progress.finish(total);

        // The worker has finished (await above), so its statistics are visible here.
        int[] involvement = filler.involvement();
        long[] perHour = filler.perHour();
        long[] durHist = filler.durHist();
        double durSum = filler.durSum()[0];
        long concurrent = 0;
        long peak = 0;
        int[] firstDay = new int[1440];
        for (int t = 0; t < horizon; t++) {
            concurrent += delta[t];
            // Only whole days of arrivals count for the peak (the tail after the last day drains).
            if (t < p.days() * DAY) {
                peak = Math.max(peak, concurrent);
            }
            if (t < DAY && t % 60 == 0) {
                firstDay[t / 60] = (int) concurrent;
            }
        }
        long[] inv = new long[INVOLVEMENT_BINS];
        for (int u = 0; u < users; u++) {
            inv[Math.min(INVOLVEMENT_BINS - 1, involvement[u])]++;
        }
        // Per 31-day month, the length of the paper's August 2010 trace.
        double perUserMonth = total / (double) users / p.days() * 31;
        return new GeneratorResult(total, users, p.days(), perUserMonth, peak, 2.0 * peak / users,
                durations.median(), total == 0 ? 0 : durSum / total, perHour, inv, durHist, firstDay);
    }

    private static void await(Future<?> f) throws IOException {
        try {
            f.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("generation interrupted", e);
        } catch (ExecutionException e) {
            throw new IllegalStateException("generating a day failed", e.getCause());
        }
    }

    /** One day of calls, drawn by the worker; order[] sorts it by start second. */
    static final class Day {
        final int[] sec;
        final int[] dur;
        final int[] caller;
        final int[] callee;
        final int[] order;
        final int[] bucket = new int[DAY + 1];

        Day(int n) {
            sec = new int[n];
            dur = new int[n];
            caller = new int[n];
            callee = new int[n];
            order = new int[n];
        }
    }

    /**
     * Draws the calls of one day from the read-only model and accumulates the per-user, per-hour
     * and duration statistics (only the single worker thread writes them).
     */
    record DayFiller(AliasTable callers, short[] contacts, AliasTable minutes, DurationModel durations,
            long contactSalt, int users, int[] involvement, long[] perHour, long[] durHist, double[] durSum) {

        void fill(Day day, SplittableRandom r) {
            int n = day.sec.length;
            int[] bucket = day.bucket;
            java.util.Arrays.fill(bucket, 0);
            for (int i = 0; i < n; i++) {
                int u = callers.sample(r);
                int d = contacts[u];
                // P(j) ∝ 1/(j+1): continuous 1/x law on [1, d+1).
                int j = (int) Math.pow(d + 1, r.nextDouble()) - 1;
                if (j >= d) {
                    j = d - 1;
                }
                int v = contact(contactSalt, u, j, users);
                boolean swap = r.nextBoolean();
                day.caller[i] = swap ? v : u;
                day.callee[i] = swap ? u : v;
                int s = minutes.sample(r) * 60 + r.nextInt(60);
                day.sec[i] = s;
                day.dur[i] = durations.sample(r);
                bucket[s + 1]++;
            }
            for (int s = 0; s < DAY; s++) {
                bucket[s + 1] += bucket[s];
            }
            double sum = 0;
            for (int i = 0; i < n; i++) {
                day.order[bucket[day.sec[i]]++] = i;
                involvement[day.caller[i]]++;
                involvement[day.callee[i]]++;
                perHour[day.sec[i] / 3600]++;
                durHist[Math.min(durHist.length - 1, day.dur[i])]++;
                sum += day.dur[i];
            }
            durSum[0] += sum;
        }
    }

    /** Contact j of user u: a fixed pseudo-random other user (SplitMix64 finaliser of the triple). */
    static int contact(long salt, int u, int j, int users) {
        long z = salt + (((long) u << 20) ^ j) * 0x9E3779B97F4A7C15L;
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        z ^= z >>> 31;
        int v = (int) Math.floorMod(z, (long) (users - 1));
        return v >= u ? v + 1 : v;
    }
}
