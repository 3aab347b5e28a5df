package org.herd.core.crypto;

import java.io.ByteArrayOutputStream;
import org.herd.core.time.Clock;

/**
 * The root key's certificate of a zone directory: "the directory of zone {@code zone} has
 * identity key {@code directoryKey} from {@code validFrom} until {@code validUntil}". Kind-specific
 * encoding after the common header of {@link HerdCertificate}: the 32-byte directory identity key.
 */
public final class ZoneCertificate extends HerdCertificate {

    private final IdentityPublicKey directoryKey;

    private ZoneCertificate(String zone, long from, long until, IdentityPublicKey directoryKey, byte[] encoded) {
        super(zone, from, until, encoded);
        this.directoryKey = directoryKey;
    }

    /** Signs a certificate for the directory of {@code zone} with the root key. */
    public static ZoneCertificate issue(IdentityKeyPair root, String zone, IdentityPublicKey directoryKey,
            long validFrom, long validUntil) {
        ByteArrayOutputStream out = header(KIND_ZONE, zone, validFrom, validUntil);
        out.writeBytes(directoryKey.encoded());
        return new ZoneCertificate(zone, validFrom, validUntil, directoryKey, sign(out, root));
    }

    /** Decodes a zone certificate (WRONG_KIND for another kind, MALFORMED for bad bytes); does not verify. */
    public static ZoneCertificate decode(byte[] bytes) throws CertificateException {
        return decodeAs(bytes, ZoneCertificate.class);
    }

    static ZoneCertificate decodeBody(Reader r, String zone, long from, long until, byte[] all)
            throws CertificateException {
        return new ZoneCertificate(zone, from, until, r.identityKey("directory key"), all.clone());
    }

    /** The directory's identity key. */
    public IdentityPublicKey directoryKey() {
        return directoryKey;
    }

    /** Throws unless {@code root} signed this certificate and {@code clock} reads inside its validity. */
    public void verify(IdentityPublicKey root, Clock clock) throws CertificateException {
        checkSignature(root);
        checkValidity(clock);
    }

    /** As {@link #verify(IdentityPublicKey, Clock)}, and the zone must be {@code expectedZone}. */
    public void verify(IdentityPublicKey root, String expectedZone, Clock clock) throws CertificateException {
        if (!zone().equals(expectedZone)) {
            throw new CertificateException(CertificateException.Reason.WRONG_ZONE,
                    describe() + " is not for zone " + expectedZone);
        }
        verify(root, clock);
    }

    /**
     * Checks an item issued by this directory: zone, signature, validity of the item and of this
     * certificate (which the caller has verified against the root).
     */
    void checkIssued(HerdCertificate item, Clock clock) throws CertificateException {
        if (!item.zone().equals(zone())) {
            throw new CertificateException(CertificateException.Reason.WRONG_ZONE,
                    item.describe() + " names zone " + item.zone() + " but its directory is of zone " + zone());
        }
        item.checkSignature(directoryKey);
        item.checkValidity(clock);
        checkValidity(clock);
    }

    @Override
    String describe() {
        return "zone certificate of " + zone() + " for directory " + directoryKey;
    }
}
