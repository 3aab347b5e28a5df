package org.herd.core.wire;

/**
 * A reassembled control message that does not decode (control path). The receiver counts it and
 * answers or tears down the circuit as the message's handler says; the link stays up.
 */
public final class MalformedMessageException extends Exception {

    /** A malformed-message error with a human-readable {@code reason}. */
    public MalformedMessageException(String reason) {
        super(reason);
    }
}
