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
 * @param clients          the client links up at the Mix when it sent the report (the same in
 *                         each of its scopes' reports); {@link #NOT_REPORTED} only for a report
 *                         stored before the store's schema version 4
 * @param calls            the calls spliced at the Mix (it is their rendezvous Mix R1 or R2) when
 *                         it sent the report; {@link #NOT_REPORTED} as for {@code clients}
 */
public record UtilisationReport(IdentityPublicKey mix, RateScope scope, long epoch, int peakCellsPerTick,
                                double meanCellsPerTick, int capacityCellsPerTick, int clients, int calls) {

    /** {@code clients}/{@code calls} of a report stored before the counts were carried. */
    public static final int NOT_REPORTED = -1;

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
        if (clients < NOT_REPORTED || calls < NOT_REPORTED) {
            throw new IllegalArgumentException("negative client (" + clients + ") or call (" + calls + ") count");
        }
    }

    /** Whether the report carries the Mix's client and call counts (every report received does). */
    public boolean countsReported() {
        return clients != NOT_REPORTED && calls != NOT_REPORTED;
    }
}
