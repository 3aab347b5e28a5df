package org.herd.sim.gen;

import java.util.random.RandomGenerator;

/**
 * Log-logistic call durations (shape β, scale α = median), clamped to a maximum and rounded to
 * whole seconds (at least 1 s). The scale is solved so that the peak duty cycle hits the target:
 * with arrivals at c calls per user per day and a diurnal peak-to-mean ratio p, the fraction of
 * users in a call at the peak is about 2·c·p·E[duration]/86400 (two parties per call), so
 * E[duration] = duty·86400/(2·c·p); E[min(X, max)] is integrated numerically.
 */
public final class DurationModel {

    private final double alpha;
    private final double invBeta;
    private final int max;

    /** A model with explicit median {@code alpha} seconds. */
    public DurationModel(double alpha, double beta, int max) {
        this.alpha = alpha;
        this.invBeta = 1.0 / beta;
        this.max = max;
    }

    /** Solves α for the target mean duration. */
    public static DurationModel forMean(double meanSeconds, double beta, int max) {
        double alpha = meanSeconds;
        for (int i = 0; i < 60; i++) {
            double m = clampedMean(alpha, beta, max);
            alpha *= meanSeconds / m;
        }
        return new DurationModel(alpha, beta, max);
    }

    /** E[min(X, max)] for X log-logistic(α, β): ∫0^max 1/(1+(x/α)^β) dx (Simpson on a log grid). */
    static double clampedMean(double alpha, double beta, int max) {
        // Substitute x = e^t to resolve both the body and the tail: ∫ S(e^t) e^t dt.
        double lo = Math.log(1e-3);
        double hi = Math.log(max);
        int n = 4000;
        double h = (hi - lo) / n;
        double sum = 0;
        for (int i = 0; i <= n; i++) {
            double t = lo + i * h;
            double x = Math.exp(t);
            double f = x / (1 + Math.pow(x / alpha, beta));
            sum += f * (i == 0 || i == n ? 1 : (i % 2 == 1 ? 4 : 2));
        }
        return sum * h / 3 + 1e-3;
    }

    /** Median α in seconds. */
    public double median() {
        return alpha;
    }

    /** One duration in whole seconds, in [1, max]. */
    public int sample(RandomGenerator r) {
        double u = r.nextDouble();
        double x = alpha * Math.pow(u / (1 - u), invBeta);
        if (!(x < max)) {
            return max;
        }
        long s = Math.round(x);
        return s < 1 ? 1 : (int) s;
    }
}
