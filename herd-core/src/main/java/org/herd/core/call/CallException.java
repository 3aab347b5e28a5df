package org.herd.core.call;

/** A call that cannot be placed (control path); {@link #reason()} says why. Nothing is torn down. */
public final class CallException extends Exception {

    /** Why a call cannot be placed. */
    public enum Reason {
        /** The client has not joined a zone, or its circuit is not open yet. */
        NOT_READY,
        /** The circuit that would carry the call carries one already. */
        BUSY
    }

    private final Reason reason;

    /** An exception for {@code reason}. */
    public CallException(Reason reason, String message) {
        super(reason + ": " + message);
        this.reason = reason;
    }

    /** Why. */
    public Reason reason() {
        return reason;
    }
}
