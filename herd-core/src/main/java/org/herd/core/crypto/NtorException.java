package org.herd.core.crypto;

/**
 * A failed ntor handshake (control path). The {@link #reason()} says why; on any reason the
 * circuit being built is torn down (DESTROY), the link stays up.
 */
public final class NtorException extends Exception {

    /** Why a handshake failed. */
    public enum Reason {
        /** The message has the wrong length for this handshake's ID length. */
        MALFORMED,
        /** The client named an identity or onion key that this server does not hold. */
        UNKNOWN_KEY,
        /** A Diffie-Hellman result was all zeros: the peer sent a low-order point. */
        DEGENERATE_KEY,
        /** The server's AUTH does not match: wrong server, or a tampered reply. */
        BAD_AUTH
    }

    private final Reason reason;

    /** A failure for {@code reason} with detail {@code message}. */
    public NtorException(Reason reason, String message) {
        super(reason + ": " + message);
        this.reason = reason;
    }

    /** Why the handshake failed. */
    public Reason reason() {
        return reason;
    }
}
