package org.herd.core.link;

/** Control-path failure of a link (handshake refused, timed out, ...), with a typed reason. */
public final class LinkException extends Exception {

    private static final long serialVersionUID = 1L;

    private final LinkFailureReason reason;

    /** A failure for {@code reason}; {@code cause} may be null. */
    public LinkException(LinkFailureReason reason, String message, Throwable cause) {
        super(reason + ": " + message, cause);
        this.reason = reason;
    }

    /** What happened to the link. */
    public LinkFailureReason reason() {
        return reason;
    }
}
