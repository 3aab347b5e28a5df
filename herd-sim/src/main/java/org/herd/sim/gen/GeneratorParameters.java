package org.herd.sim.gen;

/**
 * Parameters of the synthetic trace; defaults and sources below (also in {@code docs/sim.md}).
 *
 * @param users               U, number of subscribers (paper §4.1.2: 10.8 M)
 * @param days                D, length of the trace (paper: one month, August 2010 = 31 days)
 * @param seed                seed of every random choice (same seed, same trace)
 * @param callsPerUserPerDay  c = 370 M / 10.8 M / 31 = 1.105 calls initiated per user per day
 *                            (paper §4.1.2; ≈ 34 per user per month)
 * @param peakDutyCycle       target peak fraction of users in a call at once: 0.016 (paper §4.1.6);
 *                            the duration scale is solved from it (see {@link DurationModel})
 * @param durationShape       β of the log-logistic duration law: 2.2, our choice (the law itself:
 *                            log-logistic fits of call durations, Vaz de Melo et al., "Surprising
 *                            patterns for the call duration distribution of mobile phone users",
 *                            ECML PKDD 2010)
 * @param maxDurationSeconds  durations are clamped to this (4 h, our choice)
 * @param activitySigma       σ of the log-normal per-user activity weight: 1.2 (our choice) — heavy-tailed calls
 *                            per user (log-normal body / power-law tails: Seshadri et al., "Mobile
 *                            call graphs: beyond power-law and lognormal distributions", KDD 2008)
 * @param contactsMedian      median size of a user's contact list: 8 (our choice, so that the
 *                            measured one-hop set comes near the paper's Figure 4 median
 *                            one-hop set on its mobile trace is 12 distinct partners per month,
 *                            in- and out-contacts together)
 * @param contactsSigma       σ of the log-normal contact-list size: 0.9 (our choice; heavy-tailed degree,
 *                            Seshadri et al. 2008)
 * @param epoch               Unix time of the trace start: 2010-08-01T00:00:00Z (paper's month)
 */
public record GeneratorParameters(
        int users,
        int days,
        long seed,
        double callsPerUserPerDay,
        double peakDutyCycle,
        double durationShape,
        int maxDurationSeconds,
        double activitySigma,
        double contactsMedian,
        double contactsSigma,
        long epoch) {

    /** 370e6 calls / 10.8e6 users / 31 days (paper §4.1.2). */
    public static final double PAPER_CALLS_PER_USER_PER_DAY = 370e6 / 10.8e6 / 31.0;

    /** The calibrated defaults for {@code users}, {@code days} and {@code seed}. */
    public static GeneratorParameters defaults(int users, int days, long seed) {
        return new GeneratorParameters(users, days, seed, PAPER_CALLS_PER_USER_PER_DAY, 0.016, 2.2,
                4 * 3600, 1.2, 8.0, 0.9, 1_280_620_800L);
    }

    /** Checks ranges once, before generating. */
    public GeneratorParameters {
        if (users < 2 || days < 1 || days > 366 || callsPerUserPerDay <= 0 || peakDutyCycle <= 0
                || peakDutyCycle >= 1 || durationShape <= 1 || maxDurationSeconds < 1 || activitySigma < 0
                || contactsMedian < 1 || contactsSigma < 0) {
            throw new IllegalArgumentException("generator parameters out of range: " + this);
        }
    }
}
