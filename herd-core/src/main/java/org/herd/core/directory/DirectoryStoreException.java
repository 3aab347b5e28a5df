package org.herd.core.directory;

/**
 * A failure of the {@link DirectoryStore}, typed by what the operator (or the calling code) has to
 * do about it. The store never repairs, truncates or re-creates a database it cannot read: it
 * stops with one of these instead, so no registration is silently lost.
 */
public final class DirectoryStoreException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    /** Why the store failed, and therefore what must be done. */
    public enum Reason {
        /** The configuration is unusable (path missing, not a file, durability settings refused). Fix the config. */
        BAD_CONFIG,
        /** The database file is not a database, or fails its integrity check. Restore from backup; do not start. */
        CORRUPT,
        /** The database was written by a newer Herd (schema version above this code's). Upgrade Herd; do not start. */
        SCHEMA_TOO_NEW,
        /** The database holds tables but no Herd schema version: it belongs to something else. Do not start. */
        NOT_A_HERD_DATABASE,
        /** A write contradicts stored data (e.g. a different rate announced for the same epoch, a Herd address taken). Refuse the request. */
        CONFLICT,
        /** Any other database failure (disk full, I/O error, lock timeout). The write was not acknowledged. */
        IO
    }

    private final Reason reason;

    /** A failure for {@code reason} with a message that says what happened. */
    public DirectoryStoreException(Reason reason, String message, Throwable cause) {
        super(reason + ": " + message, cause);
        this.reason = reason;
    }

    /** A failure for {@code reason} with a message that says what happened. */
    public DirectoryStoreException(Reason reason, String message) {
        this(reason, message, null);
    }

    /** Why the store failed. */
    public Reason reason() {
        return reason;
    }
}
