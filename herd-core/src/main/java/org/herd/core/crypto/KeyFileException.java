package org.herd.core.crypto;

import java.io.IOException;
import java.nio.file.Path;

/** A key file that cannot be used; the message names the file and what is wrong with it. */
public final class KeyFileException extends IOException {

    /** What is wrong with a key file. */
    public enum Reason {
        /** Larger than any key file can be. */
        TOO_LARGE,
        /** No {@code herd-key v1 <type>} header line, or not exactly header and body lines. */
        NOT_A_KEY_FILE,
        /** A header naming a key type this version does not know. */
        UNKNOWN_TYPE,
        /** A valid key file of another type than the one asked for. */
        WRONG_TYPE,
        /** The body is not canonical base64. */
        BAD_ENCODING,
        /** The body decodes to the wrong number of bytes for its type. */
        BAD_LENGTH,
        /** The bytes are not a valid key of the type (e.g. not an Ed25519 point). */
        INVALID_KEY,
        /** A secret key file that the group or others may read or write. */
        PERMISSIONS_TOO_OPEN
    }

    private final Reason reason;

    /** A problem of {@code reason} with the file at {@code path}. */
    public KeyFileException(Path path, Reason reason, String message) {
        super(path + ": " + message);
        this.reason = reason;
    }

    /** What is wrong. */
    public Reason reason() {
        return reason;
    }
}
