package org.herd.sim.gen;

import java.util.random.RandomGenerator;

/**
 * Walker/Vose alias method: O(1) sampling of an index with probability proportional to its
 * weight; 8 bytes per entry (float threshold + int alias), so 10.8 M users take ~86 MB.
 */
public final class AliasTable {

    private final float[] prob;
    private final int[] alias;

    /** Builds the table for non-negative {@code weights} (not all zero). */
    public AliasTable(double[] weights) {
        int n = weights.length;
        prob = new float[n];
        alias = new int[n];
        double sum = 0;
        for (double w : weights) {
            sum += w;
        }
        double[] scaled = new double[n];
        int[] small = new int[n];
        int[] large = new int[n];
        int ns = 0;
        int nl = 0;
        for (int i = 0; i < n; i++) {
            scaled[i] = weights[i] * n / sum;
            if (scaled[i] < 1) {
                small[ns++] = i;
            } else {
                large[nl++] = i;
            }
        }
        while (ns > 0 && nl > 0) {
            int s = small[--ns];
            int l = large[--nl];
            prob[s] = (float) scaled[s];
            alias[s] = l;
            scaled[l] = scaled[l] + scaled[s] - 1;
            if (scaled[l] < 1) {
                small[ns++] = l;
            } else {
                large[nl++] = l;
            }
        }
        while (nl > 0) {
            int l = large[--nl];
            prob[l] = 1f;
            alias[l] = l;
        }
        while (ns > 0) {
            int s = small[--ns];
            prob[s] = 1f;
            alias[s] = s;
        }
    }

    /** One index drawn with probability proportional to its weight. */
    public int sample(RandomGenerator r) {
        int i = r.nextInt(prob.length);
        return r.nextFloat() < prob[i] ? i : alias[i];
    }

    /** Number of entries. */
    public int size() {
        return prob.length;
    }
}
