package org.herd.core.directory;

/**
 * The classes of Herd links whose rates are set together (§3.1, §3.4 of the Herd paper). All
 * links of one class in one zone (or, for {@link #INTER_ZONE_MIX}, between one pair of zones)
 * carry the same rate at any time, and a rate changes on all of them at once.
 *
 * <p>The database stores the {@link #code()}, never {@link #name()}, so that renaming a
 * constant cannot silently change stored data; {@link #fromCode(String)} rejects unknown codes.
 */
public enum LinkClass {
    /** Client ↔ SP or client ↔ mix links: a constant small multiple of u, never adapted (§3.4.1). */
    CLIENT("client", false),
    /** SP ↔ mix links of one zone: one rate per zone, decided by the zone's directory (§3.4.2). */
    SUPERPEER("superpeer", false),
    /** Mix ↔ mix links inside one zone: one rate per zone, decided by its directory (§3.4.3). */
    INTRA_ZONE_MIX("intra-zone-mix", false),
    /** Mix ↔ mix links between two zones: one rate per pair, agreed by both directories (§3.4.3). */
    INTER_ZONE_MIX("inter-zone-mix", true);

    private final String code;
    private final boolean zonePair;

    LinkClass(String code, boolean zonePair) {
        this.code = code;
        this.zonePair = zonePair;
    }

    /** The stable code stored in the database and used in configuration. */
    public String code() {
        return code;
    }

    /** True if a rate of this class belongs to a pair of zones rather than to one zone. */
    public boolean isZonePair() {
        return zonePair;
    }

    /**
     * The class with the given stable code.
     *
     * @throws IllegalArgumentException if no class has this code
     */
    public static LinkClass fromCode(String code) {
        for (LinkClass c : values()) {
            if (c.code.equals(code)) {
                return c;
            }
        }
        throw new IllegalArgumentException("unknown link class code: " + code);
    }
}
