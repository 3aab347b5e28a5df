package org.herd.core.wire;

/**
 * Relay commands: the command byte inside a recognised {@link RelayCell} body (§3.2, §3.3 of the
 * Herd paper; formats in {@code docs/network.md}). Plain {@code int} values, never an enum
 * decoded from the network: an unknown value is counted and dropped by the hop that recognised it.
 *
 * <p>Every command except {@link #DATA} is a control message carried in one or more fragments
 * ({@link ControlFragment}) on stream 0; {@link #DATA} carries one end-to-end sealed voice frame
 * on a call stream (stream id other than 0).
 */
public final class RelayCommand {

    /** Client → hop i: extend the circuit to the Mix named in the ntor handshake (ID | B | X). */
    public static final int EXTEND = 1;
    /** Hop i → client: the next Mix's ntor reply (Y | AUTH). */
    public static final int EXTENDED = 2;
    /** One end-to-end sealed voice frame on a call stream. */
    public static final int DATA = 3;
    /** Hang-up or refusal of a call: tears down the splices (1-byte reason). */
    public static final int END = 4;
    /** Caller → its rendezvous Mix R1 → callee's rendezvous Mix R2 → callee: open a call. */
    public static final int CONNECT = 5;
    /** Callee → caller: the call is accepted; carries the callee's half of the end-to-end handshake. */
    public static final int CONNECTED = 6;
    /** Callee → its rendezvous Mix R2 (→ zone directory): publish R2 and a cookie for the callee. */
    public static final int REGISTER = 7;
    /** Directory (via R2) → callee: result of a REGISTER (1-byte status). */
    public static final int REGISTERED = 8;
    /** Caller → its rendezvous Mix R1 (→ callee's zone directory): where is the callee registered? */
    public static final int LOOKUP = 9;
    /** Directory (via R1) → caller: the callee's rendezvous Mix, cookie and onion key, or a status. */
    public static final int ANSWER = 10;
    /**
     * A client that re-joined after its Mix failed (§3.5) → its new rendezvous Mix → the callee's
     * rendezvous Mix R2: re-splice the call (call id) onto this circuit.
     */
    public static final int RESUME = 11;
    /** R2 → the resuming client: the call is spliced again (call id). */
    public static final int RESUMED = 12;

    private static final String[] NAMES = {"?", "EXTEND", "EXTENDED", "DATA", "END", "CONNECT", "CONNECTED",
        "REGISTER", "REGISTERED", "LOOKUP", "ANSWER", "RESUME", "RESUMED"};

    private RelayCommand() {
    }

    /** True for the relay commands this version understands. */
    public static boolean isKnown(int command) {
        return command >= EXTEND && command <= RESUMED;
    }

    /** A printable name: the constant's name or {@code UNKNOWN(n)}. */
    public static String name(int command) {
        return isKnown(command) ? NAMES[command] : "UNKNOWN(" + command + ")";
    }
}
