package org.herd.core.directory;

import java.util.Arrays;
import java.util.Objects;
import org.herd.core.crypto.IdentityPublicKey;

/**
 * A client certificate the directory issued at join (§3.3, §3.5): the client's identity key, the
 * Herd address derived from it, and the certificate as an opaque signed blob.
 *
 * @param client            the client's Ed25519 identity key
 * @param zone              the issuing zone
 * @param herdAddress       the client's Herd address (unique in the store)
 * @param signedCertificate the signed certificate bytes, stored and returned unchanged
 * @param issuedAtMillis    issue time, ms since 1970
 * @param expiresAtMillis   expiry, ms since 1970 (exclusive)
 */
public record ClientCertificateRecord(IdentityPublicKey client, String zone, String herdAddress,
                                      byte[] signedCertificate, long issuedAtMillis, long expiresAtMillis) {

    /** Maximum length of a Herd address as stored. */
    public static final int MAX_ADDRESS_LENGTH = 255;

    /** Validates and copies the blob. */
    public ClientCertificateRecord {
        Objects.requireNonNull(client, "client");
        RateScope.requireZone(zone);
        Objects.requireNonNull(herdAddress, "herdAddress");
        if (herdAddress.isEmpty() || herdAddress.length() > MAX_ADDRESS_LENGTH) {
            throw new IllegalArgumentException("a Herd address has 1.." + MAX_ADDRESS_LENGTH + " characters");
        }
        signedCertificate = Objects.requireNonNull(signedCertificate, "signedCertificate").clone();
        if (signedCertificate.length == 0) {
            throw new IllegalArgumentException("empty client certificate");
        }
        if (expiresAtMillis - issuedAtMillis <= 0) {
            throw new IllegalArgumentException("certificate expires before it is issued");
        }
    }

    /** A copy of the signed certificate. */
    @Override
    public byte[] signedCertificate() {
        return signedCertificate.clone();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ClientCertificateRecord r && client.equals(r.client) && zone.equals(r.zone)
                && herdAddress.equals(r.herdAddress) && Arrays.equals(signedCertificate, r.signedCertificate)
                && issuedAtMillis == r.issuedAtMillis && expiresAtMillis == r.expiresAtMillis;
    }

    @Override
    public int hashCode() {
        return Objects.hash(client, zone, herdAddress, Arrays.hashCode(signedCertificate), issuedAtMillis, expiresAtMillis);
    }

    @Override
    public String toString() {
        return "ClientCertificate[" + client + " " + herdAddress + " zone=" + zone + "]";
    }
}
