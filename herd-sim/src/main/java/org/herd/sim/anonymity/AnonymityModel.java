package org.herd.sim.anonymity;

import java.util.Arrays;

/**
 * The paper's anonymity and bandwidth models (§4.1.3, §4.1.5).
 *
 * <ul>
 * <li>Tor: the candidate partners left by the intersection attack (computed elsewhere).</li>
 * <li>Drac: the users reachable within H hops of the social graph. H = 1 is the node degree
 * measured on the graph; for H = 2, 3 the paper estimates with the median degree d̃, so a node
 * of degree d gets d·d̃^(H−1) (capped at the number of users). Client bandwidth is one chaffed
 * connection per contact: degree × the G.711 rate (8 KB/s in the paper).</li>
 * <li>Herd: every client of the zone (users / zones); bandwidth k × 8 KB/s via superpeers
 * (the paper: 3 × 8 = 24 KB/s), 8 KB/s for a client attached directly to a mix.</li>
 * </ul>
 */
public final class AnonymityModel {

    private final int[] sortedDegrees;
    private final int users;
    private final double median;

    /**
     * @param degrees degree of every user (users of degree 0 are not in the social graph and are
     *                left out, as in the paper's datasets)
     * @param users   users in the zone (caps the Drac estimates)
     */
    public AnonymityModel(int[] degrees, int users) {
        this.sortedDegrees = Arrays.stream(degrees).filter(d -> d > 0).sorted().toArray();
        this.users = users;
        this.median = percentile(sortedDegrees, 0.5);
    }

    /** p-quantile (nearest rank) of a sorted array; 0 if empty. */
    public static double percentile(int[] sorted, double p) {
        if (sorted.length == 0) {
            return 0;
        }
        int i = (int) Math.ceil(p * sorted.length) - 1;
        return sorted[Math.max(0, Math.min(sorted.length - 1, i))];
    }

    /** p-quantile of a histogram (value = bin index) weighted by counts. */
    public static double percentile(long[] hist, double p) {
        long total = 0;
        for (long h : hist) {
            total += h;
        }
        if (total == 0) {
            return 0;
        }
        long rank = Math.max(1, (long) Math.ceil(p * total));
        long seen = 0;
        for (int i = 0; i < hist.length; i++) {
            seen += hist[i];
            if (seen >= rank) {
                return i;
            }
        }
        return hist.length - 1;
    }

    /** Nodes in the social graph (degree ≥ 1). */
    public int nodes() {
        return sortedDegrees.length;
    }

    /** Median degree d̃. */
    public double medianDegree() {
        return median;
    }

    /** Drac anonymity set at quantile p for H hops. */
    public double drac(int hops, double p) {
        double d = percentile(sortedDegrees, p);
        return Math.min(users, d * Math.pow(median, hops - 1));
    }

    /** Drac client bandwidth (KB/s) at quantile p: degree × rate. */
    public double dracBandwidth(double p, double rateKBps) {
        return percentile(sortedDegrees, p) * rateKBps;
    }

    /** Largest degree. */
    public int maxDegree() {
        return sortedDegrees.length == 0 ? 0 : sortedDegrees[sortedDegrees.length - 1];
    }

    /** Degrees sorted ascending (for CDF plots). */
    public int[] sortedDegrees() {
        return sortedDegrees;
    }
}
