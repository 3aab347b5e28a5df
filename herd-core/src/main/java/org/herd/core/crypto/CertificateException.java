package org.herd.core.crypto;

/**
 * A certificate, descriptor or address that must not be trusted (control path). The
 * {@link #reason()} says why; the message says which field or time.
 */
public final class CertificateException extends Exception {

    /** Why an item was rejected. */
    public enum Reason {
        /** The bytes are not a canonical encoding (truncated, trailing bytes, bad field, bad key). */
        MALFORMED,
        /** A well-formed item of another kind than asked for (e.g. a client certificate as a descriptor). */
        WRONG_KIND,
        /** The signature does not verify under the issuer's key. */
        BAD_SIGNATURE,
        /** The clock is before the start of the validity period. */
        NOT_YET_VALID,
        /** The clock is at or after the end of the validity period. */
        EXPIRED,
        /** The item names another zone than its issuer or than the one asked for. */
        WRONG_ZONE,
        /** A Herd address that was not derived from the certificate's key. */
        ADDRESS_MISMATCH
    }

    private final Reason reason;

    /** A rejection for {@code reason} with detail {@code message}. */
    public CertificateException(Reason reason, String message) {
        super(reason + ": " + message);
        this.reason = reason;
    }

    /** Why the item was rejected. */
    public Reason reason() {
        return reason;
    }
}
