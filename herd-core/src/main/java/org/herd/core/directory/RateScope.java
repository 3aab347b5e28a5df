package org.herd.core.directory;

import java.util.Objects;
import java.util.regex.Pattern;

/**
 * What one link rate belongs to: a {@link LinkClass} plus a zone, or a pair of zones for
 * {@link LinkClass#INTER_ZONE_MIX}. A pair is canonical (the zones sorted), so the scope that
 * zone A's directory names for its links to zone B equals the one zone B's directory names.
 *
 * <p>Zone names are DNS labels (lower-case letters, digits, hyphens, 1–63 characters), because a
 * Herd address names its zone in a SIP URI ({@code sip:<address>@<zone>.herd}).
 *
 * @param linkClass the class of links
 * @param zone      the zone, or the lexicographically smaller zone of a pair
 * @param peerZone  the larger zone of a pair; the empty string for single-zone classes
 */
public record RateScope(LinkClass linkClass, String zone, String peerZone) {

    private static final Pattern ZONE = Pattern.compile("[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?");

    /** Validates the zone names and the canonical order. */
    public RateScope {
        Objects.requireNonNull(linkClass, "linkClass");
        requireZone(zone);
        Objects.requireNonNull(peerZone, "peerZone");
        if (linkClass.isZonePair()) {
            requireZone(peerZone);
            if (zone.compareTo(peerZone) >= 0) {
                throw new IllegalArgumentException("a zone pair is two distinct zones in sorted order: "
                        + zone + ", " + peerZone + " (use RateScope.interZone)");
            }
        } else if (!peerZone.isEmpty()) {
            throw new IllegalArgumentException(linkClass + " belongs to one zone; peerZone must be empty");
        }
    }

    /** The client links of a zone. */
    public static RateScope client(String zone) {
        return new RateScope(LinkClass.CLIENT, zone, "");
    }

    /** The SP ↔ mix links of a zone. */
    public static RateScope superpeer(String zone) {
        return new RateScope(LinkClass.SUPERPEER, zone, "");
    }

    /** The mix ↔ mix links inside a zone. */
    public static RateScope intraZone(String zone) {
        return new RateScope(LinkClass.INTRA_ZONE_MIX, zone, "");
    }

    /** The mix ↔ mix links between two zones, in either order. */
    public static RateScope interZone(String zoneA, String zoneB) {
        return zoneA.compareTo(zoneB) < 0
                ? new RateScope(LinkClass.INTER_ZONE_MIX, zoneA, zoneB)
                : new RateScope(LinkClass.INTER_ZONE_MIX, zoneB, zoneA);
    }

    /** True if {@code z} is one of this scope's zones. */
    public boolean involves(String z) {
        return zone.equals(z) || peerZone.equals(z);
    }

    /** The other zone of a pair, seen from {@code localZone}. */
    public String otherZone(String localZone) {
        if (!linkClass.isZonePair() || !involves(localZone)) {
            throw new IllegalArgumentException(this + " has no other zone as seen from " + localZone);
        }
        return zone.equals(localZone) ? peerZone : zone;
    }

    /** Throws if {@code zone} is not a valid zone name. */
    public static String requireZone(String zone) {
        if (zone == null || !ZONE.matcher(zone).matches()) {
            throw new IllegalArgumentException("a zone name is a DNS label (a-z, 0-9, '-', 1-63 chars): " + zone);
        }
        return zone;
    }

    @Override
    public String toString() {
        return linkClass.code() + "/" + (peerZone.isEmpty() ? zone : zone + "<->" + peerZone);
    }
}
