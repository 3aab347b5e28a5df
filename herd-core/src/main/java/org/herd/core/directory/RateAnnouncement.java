package org.herd.core.directory;

import java.util.Objects;

/**
 * A directory's announcement that the links of {@code scope} run at {@code rateCellsPerTick}
 * from the start of {@code effectiveEpoch} on (§3.4.2, §3.4.3). For an inter-zone scope this is
 * one side's proposal; the rate takes effect only where both zones announced the same value for
 * the same epoch.
 *
 * @param scope            the link class and zone(s)
 * @param effectiveEpoch   the first epoch the rate applies to
 * @param effectiveAtMillis wall-clock start of {@code effectiveEpoch}, ms since 1970: makes the
 *                         announcement self-describing, so a peer or a restarted directory with a
 *                         different {@link EpochSchedule} is detected instead of misread
 * @param rateCellsPerTick the rate, in payload cells per 20 ms tick (multiples of u)
 * @param announcingZone   the zone whose directory made the announcement
 * @param announcedAtMillis when it was made, ms since 1970 (before the start of {@code effectiveEpoch})
 */
public record RateAnnouncement(RateScope scope, long effectiveEpoch, long effectiveAtMillis, int rateCellsPerTick,
                               String announcingZone, long announcedAtMillis) {

    /** Validates the fields: a known zone of the scope, a positive rate, announced before it applies. */
    public RateAnnouncement {
        Objects.requireNonNull(scope, "scope");
        RateScope.requireZone(announcingZone);
        if (!scope.involves(announcingZone)) {
            throw new IllegalArgumentException("zone " + announcingZone + " cannot announce a rate for " + scope);
        }
        if (effectiveEpoch < 0) {
            throw new IllegalArgumentException("negative epoch " + effectiveEpoch);
        }
        if (announcedAtMillis - effectiveAtMillis >= 0) {
            throw new IllegalArgumentException("a rate is announced before it applies: announced at " + announcedAtMillis
                    + ", effective at " + effectiveAtMillis);
        }
        if (rateCellsPerTick < 1) {
            throw new IllegalArgumentException("rate must be >= 1 cell per tick: " + rateCellsPerTick);
        }
    }
}
