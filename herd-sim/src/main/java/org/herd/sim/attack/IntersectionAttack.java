package org.herd.sim.attack;

import java.io.IOException;
import java.util.Arrays;
import org.herd.sim.report.Progress;
import org.herd.sim.trace.TraceReader;
import org.herd.sim.util.LongIntHashMap;

/**
 * The intersection attack of §4.1.4, streamed over a trace sorted by start time.
 *
 * <p><b>Definition (1 s granularity).</b> Without chaff the adversary sees, for every user, the
 * second each of its calls starts and the second it ends, but not the partner. A call
 * c = (u, v, s, e) is consistent with a user w when w has a call with the same start second s
 * and the same end second e (w's traffic starts and stops exactly then). The candidate set
 * X(c) is the set of all users with a call of key (s, e); it contains u and v. For the pair
 * {u, v} the adversary intersects X over every call of the pair seen in the observation period
 * (the paper: "the intersection of the sets of users with the same call start/end times as
 * (u, v)"); the pair is <em>traced</em> when the intersection is exactly {u, v}, and then all
 * its calls in the period are traced. The traced fraction is traced calls / calls.
 *
 * <p>Because all calls of key (s, e) start in the same second, X(c) is complete as soon as the
 * reader leaves second s: the attack needs no look-ahead, only one state per pair of users
 * (confirmed, or the shrinking set of other candidates), held in a primitive hash map.
 *
 * <p>The Tor anonymity set of a call (Figure 4) is the number of candidate partners left for a
 * known party at the end of the period: 1 for a traced call, 1 + |confounders| otherwise.
 */
public final class IntersectionAttack {

    private static final int CONFIRMED = -1;
    private static final int DAY = 86_400;

    private final LongIntHashMap pairs;
    /** pool[o] = calls of the pair so far, pool[o+1] = n, pool[o+2..o+2+n) = other candidates. */
    private int[] pool = new int[1 << 16];
    private int poolSize;

    private long[] batchKey = new long[256];
    private int[] batchCaller = new int[256];
    private int[] batchCallee = new int[256];
    private int batch;
    private int[] candidates = new int[512];

    private long calls;
    private long traced;
    private long[] dayCalls = new long[32];
    private long[] dayTraced = new long[32];
    private int days;

    /** An attack expecting about {@code expectedPairs} distinct pairs of users. */
    public IntersectionAttack(int expectedPairs) {
        pairs = new LongIntHashMap(expectedPairs);
    }

    /**
     * Runs the attack over the calls of {@code reader} that start before {@code periodSeconds}
     * (relative to the trace epoch; {@code Long.MAX_VALUE} for all).
     */
    public void run(TraceReader reader, long periodSeconds, Progress progress) throws IOException {
        long second = -1;
        long n = 0;
        while (reader.next()) {
            long s = reader.start();
            if (s >= periodSeconds) {
                break;
            }
            if (s != second) {
                flush(second);
                second = s;
            }
            add(reader.duration(), reader.caller(), reader.callee());
            if ((++n & 0xFFFF) == 0) {
                progress.update(reader.recordsRead());
            }
        }
        flush(second);
        progress.finish(reader.recordsRead());
    }

    /** Adds one call of the current start second (calls must come grouped by start second). */
    public void add(long duration, int caller, int callee) {
        if (batch == batchKey.length) {
            batchKey = Arrays.copyOf(batchKey, batch * 2);
            batchCaller = Arrays.copyOf(batchCaller, batch * 2);
            batchCallee = Arrays.copyOf(batchCallee, batch * 2);
        }
        batchKey[batch] = (duration << 32) | batch;
        batchCaller[batch] = caller;
        batchCallee[batch] = callee;
        batch++;
    }

    /** Ends the start second {@code second}: resolves every (s, e) group in it. */
    public void flush(long second) {
        if (batch == 0) {
            return;
        }
        Arrays.sort(batchKey, 0, batch);
        int i = 0;
        while (i < batch) {
            long d = batchKey[i] >>> 32;
            int j = i + 1;
            while (j < batch && (batchKey[j] >>> 32) == d) {
                j++;
            }
            group(i, j);
            i = j;
        }
        calls += batch;
        batch = 0;
        int day = (int) (second / DAY);
        if (day >= dayCalls.length) {
            dayCalls = Arrays.copyOf(dayCalls, Math.max(day + 1, dayCalls.length * 2));
            dayTraced = Arrays.copyOf(dayTraced, dayCalls.length);
        }
        // Cumulative curve: what the adversary has traced by the end of each day.
        for (int d = days; d <= day; d++) {
            dayCalls[d] = calls;
            dayTraced[d] = traced;
        }
        dayCalls[day] = calls;
        dayTraced[day] = traced;
        days = Math.max(days, day + 1);
    }

    private void group(int from, int to) {
        if (to - from == 1) {
            int b = (int) batchKey[from];
            observe(pairKey(batchCaller[b], batchCallee[b]), batchCaller[b], batchCallee[b], 0);
            return;
        }
        int m = 0;
        if (candidates.length < 2 * (to - from)) {
            candidates = new int[4 * (to - from)];
        }
        for (int i = from; i < to; i++) {
            int b = (int) batchKey[i];
            candidates[m++] = batchCaller[b];
            candidates[m++] = batchCallee[b];
        }
        Arrays.sort(candidates, 0, m);
        int distinct = 0;
        for (int i = 0; i < m; i++) {
            if (distinct == 0 || candidates[distinct - 1] != candidates[i]) {
                candidates[distinct++] = candidates[i];
            }
        }
        for (int i = from; i < to; i++) {
            int b = (int) batchKey[i];
            observe(pairKey(batchCaller[b], batchCallee[b]), batchCaller[b], batchCallee[b], distinct);
        }
    }

    /** One call of pair {u, v} whose candidate set is candidates[0, n) (n = 0: just {u, v}). */
    private void observe(long key, int u, int v, int n) {
        int slot = pairs.find(key);
        int others = n == 0 ? 0 : n - 2;
        if (slot < 0) {
            if (others <= 0) {
                pairs.put(key, CONFIRMED);
                traced++;
            } else {
                int off = reserve(2 + others);
                pool[off] = 1;
                pool[off + 1] = others;
                int w = off + 2;
                for (int i = 0; i < n; i++) {
                    int c = candidates[i];
                    if (c != u && c != v) {
                        pool[w++] = c;
                    }
                }
                pairs.put(key, off);
            }
            return;
        }
        int off = pairs.valueAt(slot);
        if (off == CONFIRMED) {
            traced++;
            return;
        }
        int count = ++pool[off];
        int size = pool[off + 1];
        int kept = 0;
        if (others > 0) {
            // Sorted merge: keep the pair's remaining candidates that are in this group too.
            int a = 0;
            int b = 0;
            while (a < size && b < n) {
                int x = pool[off + 2 + a];
                int y = candidates[b];
                if (x == y) {
                    pool[off + 2 + kept++] = x;
                    a++;
                    b++;
                } else if (x < y) {
                    a++;
                } else {
                    b++;
                }
            }
        }
        if (kept == 0) {
            pairs.setValueAt(slot, CONFIRMED);
            traced += count;
        } else {
            pool[off + 1] = kept;
        }
    }

    private int reserve(int ints) {
        if (poolSize + ints > pool.length) {
            long cap = Math.max((long) pool.length * 2, (long) poolSize + ints);
            if (cap > Integer.MAX_VALUE - 16) {
                compactPool();
                if (poolSize + ints > pool.length) {
                    throw new IllegalStateException("candidate pool exhausted");
                }
            } else {
                pool = Arrays.copyOf(pool, (int) cap);
            }
        }
        int off = poolSize;
        poolSize += ints;
        return off;
    }

    /** Drops the slices of pairs confirmed since they were stored (rarely needed). */
    private void compactPool() {
        int w = 0;
        int[] fresh = new int[pool.length];
        for (int s = 0; s < pairs.capacity(); s++) {
            if (pairs.keyAt(s) != 0 && pairs.valueAt(s) != CONFIRMED) {
                int off = pairs.valueAt(s);
                int len = 2 + pool[off + 1];
                System.arraycopy(pool, off, fresh, w, len);
                pairs.setValueAt(s, w);
                w += len;
            }
        }
        pool = fresh;
        poolSize = w;
    }

    static long pairKey(int a, int b) {
        int lo = Math.min(a, b);
        int hi = Math.max(a, b);
        // Ids are >= 0 and a != b, so hi >= 1 and the key is never 0.
        return ((long) lo << 32) | (hi & 0xFFFF_FFFFL);
    }

    /** Calls seen. */
    public long calls() {
        return calls;
    }

    /** Calls whose pair is traced. */
    public long tracedCalls() {
        return traced;
    }

    /** tracedCalls / calls (0 for an empty trace). */
    public double tracedFraction() {
        return calls == 0 ? 0 : (double) traced / calls;
    }

    /** Distinct pairs of users that called each other. */
    public int pairs() {
        return pairs.size();
    }

    /** Days of trace seen. */
    public int days() {
        return days;
    }

    /** Traced fraction of the calls of the first d+1 days, as known at the end of day d. */
    public double tracedFractionAfterDay(int d) {
        return dayCalls[d] == 0 ? 0 : (double) dayTraced[d] / dayCalls[d];
    }

    /**
     * Tor anonymity set sizes weighted by calls: result[s] = calls whose final candidate partner
     * set has s members (the last bin collects larger sets).
     */
    public long[] anonymitySetHistogram(int bins) {
        long[] h = new long[bins];
        for (int s = 0; s < pairs.capacity(); s++) {
            if (pairs.keyAt(s) == 0) {
                continue;
            }
            int off = pairs.valueAt(s);
            if (off == CONFIRMED) {
                continue;
            }
            h[Math.min(bins - 1, 1 + pool[off + 1])] += pool[off];
        }
        h[Math.min(bins - 1, 1)] += traced;
        return h;
    }

    /** Degree of every user in the call graph (distinct partners); {@code users} ids. */
    public int[] degrees(int users) {
        int[] deg = new int[users];
        for (int s = 0; s < pairs.capacity(); s++) {
            long k = pairs.keyAt(s);
            if (k != 0) {
                deg[(int) (k >>> 32)]++;
                deg[(int) k]++;
            }
        }
        return deg;
    }
}
