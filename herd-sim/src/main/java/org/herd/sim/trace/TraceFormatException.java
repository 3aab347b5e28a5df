package org.herd.sim.trace;

/** A trace file that cannot be read at all (bad magic, version, truncated header). */
public final class TraceFormatException extends java.io.IOException {
    private static final long serialVersionUID = 1L;

    /** @param message what is wrong and in which file */
    public TraceFormatException(String message) {
        super(message);
    }
}
