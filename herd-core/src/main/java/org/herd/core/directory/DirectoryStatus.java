package org.herd.core.directory;

/**
 * Status codes of directory responses. Plain {@code int}s, never an enum decoded from the
 * network: an unknown status is a value ({@link #name(int)} prints it).
 *
 * <p>Codes 0–4 are the statuses of the circuit layer's REGISTERED/ANSWER relay messages
 * ({@code ControlMessages.STATUS_*} on the circuit branch) with the same meanings, so a
 * rendezvous Mix relays a directory status to the client unchanged.
 */
public final class DirectoryStatus {

    /** Done. */
    public static final int OK = 0;
    /** LOOKUP: no client with that key or address in the zone. */
    public static final int UNKNOWN_CLIENT = 1;
    /** LOOKUP: the client is known but has no live registration. */
    public static final int NOT_REGISTERED = 2;
    /** The request did not verify (signature, certificate, field values). */
    public static final int BAD_REQUEST = 3;
    /** The request names a zone this directory does not serve or know. */
    public static final int UNKNOWN_ZONE = 4;
    /** The bytes are not a canonical encoding (truncated, trailing bytes, bad field). */
    public static final int MALFORMED = 5;
    /** An unknown request type or version. */
    public static final int UNSUPPORTED = 6;
    /** A signature does not verify under the key it names. */
    public static final int BAD_SIGNATURE = 7;
    /** A timestamp outside the accepted skew, or an expired or not-yet-valid certificate. */
    public static final int STALE = 8;
    /** A signed request seen before (nonce), or older than one already accepted. */
    public static final int REPLAYED = 9;
    /** The named mix is not a mix of this zone with a valid descriptor. */
    public static final int NOT_A_ZONE_MIX = 10;
    /** MIX_ENROLL: this directory does not enrol that mix key. */
    public static final int NOT_ENROLLED = 11;
    /** The request contradicts stored state (rate already agreed differently, address taken). */
    public static final int CONFLICT = 12;
    /** UTILISATION_REPORT or RATE_PROPOSAL refused by the rate controller; the reason names the outcome. */
    public static final int REJECTED = 13;
    /** The directory could not serve (no mix to redirect to, database unavailable); retry later. */
    public static final int UNAVAILABLE = 14;

    private static final String[] NAMES = {"OK", "UNKNOWN_CLIENT", "NOT_REGISTERED", "BAD_REQUEST", "UNKNOWN_ZONE",
        "MALFORMED", "UNSUPPORTED", "BAD_SIGNATURE", "STALE", "REPLAYED", "NOT_A_ZONE_MIX", "NOT_ENROLLED", "CONFLICT",
        "REJECTED", "UNAVAILABLE"};

    private DirectoryStatus() {
    }

    /**
     * The status a rendezvous mix relays to a client in the circuit layer's REGISTERED/ANSWER,
     * which knows codes 0–4 only: those pass unchanged; every refusal of the request itself
     * (malformed, bad signature, stale, replayed, not a zone mix …) becomes {@link #BAD_REQUEST};
     * {@link #UNAVAILABLE} and anything unknown also become {@link #BAD_REQUEST} (the client
     * retries later either way).
     */
    public static int toCircuitStatus(int status) {
        return status >= OK && status <= UNKNOWN_ZONE ? status : BAD_REQUEST;
    }

    /** A printable name: the constant's name or {@code UNKNOWN(n)}. */
    public static String name(int status) {
        return status >= 0 && status < NAMES.length ? NAMES[status] : "UNKNOWN(" + status + ")";
    }
}
