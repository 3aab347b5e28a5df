package org.herd.core.directory;

import java.util.Objects;
import org.herd.core.crypto.IdentityPublicKey;

/**
 * One mix's report of how much payload it carried on the links of one {@link RateScope} during
 * one epoch (§3.1: "mixes periodically report their link utilization to a local, zone
 * directory"). Counts are payload cells (not chaff) per 20 ms tick, on the busiest link of the
 * scope for the peak and averaged over the scope's links for the mean.
 *
 * @param mix              the reporting mix's identity key
 * @param scope            the link class and zone(s)
 * @param epoch            the epoch the figures cover
 * @param peakCellsPerTick the highest payload cells in one tick on any link of the scope
 * @param meanCellsPerTick the mean payload cells per tick
 * @param capacityCellsPerTick the rate the links ran at during the epoch
 */
public record UtilisationReport(IdentityPublicKey mix, RateScope scope, long epoch, int peakCellsPerTick,
                                double meanCellsPerTick, int capacityCellsPerTick) {

    /** Validates the figures. */
    public UtilisationReport {
        Objects.requireNonNull(mix, "mix");
        Objects.requireNonNull(scope, "scope");
        if (epoch < 0) {
            throw new IllegalArgumentException("negative epoch " + epoch);
        }
        if (capacityCellsPerTick < 1) {
            throw new IllegalArgumentException("capacity must be >= 1: " + capacityCellsPerTick);
        }
        if (peakCellsPerTick < 0 || peakCellsPerTick > capacityCellsPerTick) {
            throw new IllegalArgumentException("peak " + peakCellsPerTick + " outside [0, capacity " + capacityCellsPerTick + "]");
        }
        if (!(meanCellsPerTick >= 0 && meanCellsPerTick <= peakCellsPerTick)) {
            throw new IllegalArgumentException("mean " + meanCellsPerTick + " outside [0, peak " + peakCellsPerTick + "]");
        }
    }
}
