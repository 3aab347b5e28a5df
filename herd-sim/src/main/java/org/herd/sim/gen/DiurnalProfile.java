package org.herd.sim.gen;

/**
 * Relative call-arrival rate over the day, per minute, interpolated linearly between hourly
 * anchor values. The anchors are hand-shaped by us to the qualitative pattern commonly reported
 * for mobile voice traffic (a night trough at 3–5 h, a morning rise, a daytime plateau, an
 * evening peak at 19–20 h); they are not fitted to any data set. Only the shape matters, and
 * its peak-to-mean ratio enters the duty-cycle calibration of {@link DurationModel}.
 */
public final class DiurnalProfile {

    /** Hourly anchors at hh:30 (relative rate, any scale). */
    static final double[] HOURLY = {
        0.45, 0.25, 0.15, 0.10, 0.10, 0.15, 0.35, 0.65, 0.95, 1.15, 1.25, 1.30,
        1.30, 1.25, 1.25, 1.30, 1.40, 1.55, 1.70, 1.75, 1.65, 1.45, 1.15, 0.80};

    private final double[] perMinute = new double[1440];

    /** The profile normalised to mean 1 per minute. */
    public DiurnalProfile() {
        double sum = 0;
        for (int m = 0; m < 1440; m++) {
            double h = (m + 0.5) / 60.0 - 0.5;
            int h0 = (int) Math.floor(h);
            double f = h - h0;
            double v = HOURLY[Math.floorMod(h0, 24)] * (1 - f) + HOURLY[Math.floorMod(h0 + 1, 24)] * f;
            perMinute[m] = v;
            sum += v;
        }
        for (int m = 0; m < 1440; m++) {
            perMinute[m] *= 1440 / sum;
        }
    }

    /** Relative rate of minute {@code m} of the day (mean 1). */
    public double rate(int minute) {
        return perMinute[minute];
    }

    /** Peak-to-mean ratio of the arrival rate. */
    public double peakToMean() {
        double max = 0;
        for (double v : perMinute) {
            max = Math.max(max, v);
        }
        return max;
    }

    /** Copy of the per-minute rates (mean 1). */
    public double[] perMinute() {
        return perMinute.clone();
    }
}
