package org.herd.core.directory;

/**
 * A directory request that must be refused (control path): the {@link #status()} is what the
 * response carries ({@link DirectoryStatus}), the message the human-readable reason sent with it.
 * {@link DirectoryService} turns every one into an error response; none escapes it.
 */
public final class DirectoryProtocolException extends Exception {

    private static final long serialVersionUID = 1L;

    private final int status;

    /** A refusal with {@code status} (never {@link DirectoryStatus#OK}) and a reason. */
    public DirectoryProtocolException(int status, String message) {
        super(DirectoryStatus.name(status) + ": " + message);
        if (status == DirectoryStatus.OK) {
            throw new IllegalArgumentException("a refusal needs a non-OK status");
        }
        this.status = status;
    }

    /** The response status. */
    public int status() {
        return status;
    }
}
