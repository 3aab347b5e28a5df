package org.herd.core.directory;

/**
 * The tunables of the rate decision of {@link LinkRateController}, validated once at
 * construction. Rates are in payload cells per 20 ms tick, i.e. multiples of the unit rate u
 * (one voice call, §3.1). Defaults are in {@link #DEFAULTS} and documented in docs/directory.md.
 *
 * @param clientMultiple         the fixed rate of every client link, in u (§3.4.1); never adapted
 * @param initialRate            the rate of an adaptive class before any decision
 * @param minRate                lower bound of an adaptive rate (at least 1)
 * @param maxRate                upper bound of an adaptive rate
 * @param raiseStep              cells/tick added when raising
 * @param lowerStep              cells/tick removed when lowering
 * @param highWatermark          raise when the peak utilisation of an epoch exceeds this fraction
 * @param lowWatermark           lowering is considered only while the peak stays below this
 * @param lowEpochsBeforeLowering how many consecutive epochs must be below the low watermark
 * @param leadEpochs             how many epochs ahead a decision is announced (at least 1): the
 *                               decision made during epoch e takes effect at epoch e + leadEpochs
 * @param reportGraceMillis      how long into an epoch the directory waits for the mixes' reports
 *                               on the previous epoch before deciding (less than half an epoch)
 */
public record RatePolicy(
        int clientMultiple,
        int initialRate,
        int minRate,
        int maxRate,
        int raiseStep,
        int lowerStep,
        double highWatermark,
        double lowWatermark,
        int lowEpochsBeforeLowering,
        int leadEpochs,
        long reportGraceMillis) {

    /** The shipped defaults. */
    public static final RatePolicy DEFAULTS = new RatePolicy(1, 8, 2, 512, 4, 2, 0.80, 0.40, 3, 1, 60_000L);

    /** Validates every tunable; a bad policy is refused before anything runs. */
    public RatePolicy {
        require(clientMultiple >= 1, "clientMultiple must be >= 1: " + clientMultiple);
        require(minRate >= 1, "minRate must be >= 1: " + minRate);
        require(maxRate >= minRate, "maxRate " + maxRate + " < minRate " + minRate);
        require(initialRate >= minRate && initialRate <= maxRate,
                "initialRate " + initialRate + " outside [" + minRate + ", " + maxRate + "]");
        require(raiseStep >= 1, "raiseStep must be >= 1: " + raiseStep);
        require(lowerStep >= 1, "lowerStep must be >= 1: " + lowerStep);
        require(highWatermark > 0 && highWatermark <= 1.0, "highWatermark must be in (0, 1]: " + highWatermark);
        require(lowWatermark >= 0 && lowWatermark < highWatermark,
                "lowWatermark must be in [0, highWatermark): " + lowWatermark);
        require(lowEpochsBeforeLowering >= 1, "lowEpochsBeforeLowering must be >= 1: " + lowEpochsBeforeLowering);
        require(reportGraceMillis >= 0, "reportGraceMillis must be >= 0: " + reportGraceMillis);
        require(leadEpochs >= 1, "leadEpochs must be >= 1 (a rate is announced before it applies): " + leadEpochs);
    }

    private static void require(boolean ok, String message) {
        if (!ok) {
            throw new IllegalArgumentException("bad rate policy: " + message);
        }
    }
}
