package org.herd.core.wire;

/**
 * Link-cell commands. Commands are plain {@code int} values, never an enum decoded from the
 * network: a cell with a command this version does not know is still a cell (it is counted
 * and dropped by whoever has to act on it), not an exception.
 */
public final class CellCommand {

    /** Chaff: substituted in a slot that has no payload; discarded by the receiver (§3.4.1). */
    public static final int PADDING = 0;
    /** Circuit creation towards the next hop: carries an ntor client handshake. */
    public static final int CREATE = 1;
    /** Reply to {@link #CREATE}: carries the ntor server handshake. */
    public static final int CREATED = 2;
    /** Onion-encrypted relay cell; see {@link RelayCell}. */
    public static final int RELAY = 3;
    /** Tears a circuit down hop by hop. */
    public static final int DESTROY = 4;

    private static final String[] NAMES = {"PADDING", "CREATE", "CREATED", "RELAY", "DESTROY"};

    private CellCommand() {
    }

    /** True for the commands this version understands. */
    public static boolean isKnown(int command) {
        return command >= 0 && command < NAMES.length;
    }

    /** A printable name: the constant's name, or {@code UNKNOWN(n)}. */
    public static String name(int command) {
        return isKnown(command) ? NAMES[command] : "UNKNOWN(" + command + ")";
    }
}
