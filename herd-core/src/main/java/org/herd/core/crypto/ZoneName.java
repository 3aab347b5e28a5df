package org.herd.core.crypto;

/**
 * Rules for the name of a trust zone: one lower-case DNS label (1–63 of {@code a-z 0-9 -}, not
 * starting or ending with {@code -}), so that {@code <zone>.herd} is a valid SIP host part.
 */
public final class ZoneName {

    /** The longest zone name. */
    public static final int MAX_LENGTH = 63;

    private ZoneName() {
    }

    /** True if {@code zone} is a valid zone name. */
    public static boolean isValid(String zone) {
        if (zone == null || zone.isEmpty() || zone.length() > MAX_LENGTH) {
            return false;
        }
        for (int i = 0; i < zone.length(); i++) {
            char c = zone.charAt(i);
            boolean ok = c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '-' && i > 0 && i < zone.length() - 1;
            if (!ok) {
                return false;
            }
        }
        return true;
    }

    /** {@code zone} if valid; otherwise an IllegalArgumentException that says the rule. */
    public static String require(String zone) {
        if (!isValid(zone)) {
            throw new IllegalArgumentException("not a zone name (1-63 of a-z 0-9 -, no leading/trailing -): " + zone);
        }
        return zone;
    }
}
