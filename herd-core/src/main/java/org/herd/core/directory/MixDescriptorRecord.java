package org.herd.core.directory;

import java.util.Arrays;
import java.util.Objects;
import org.herd.core.crypto.IdentityPublicKey;

/**
 * A mix descriptor as the directory publishes it (§3.5): the mix's identity key, its zone, and
 * the descriptor itself as an opaque signed blob (its format belongs to {@code crypto}), with the
 * validity interval the directory signed into it.
 *
 * @param mix               the mix's Ed25519 identity key
 * @param zone              the zone the mix belongs to
 * @param signedDescriptor  the signed descriptor bytes, stored and returned unchanged
 * @param validAfterMillis  start of validity, ms since 1970 (inclusive)
 * @param validUntilMillis  end of validity, ms since 1970 (exclusive)
 * @param publishedAtMillis when the directory stored it
 */
public record MixDescriptorRecord(IdentityPublicKey mix, String zone, byte[] signedDescriptor,
                                  long validAfterMillis, long validUntilMillis, long publishedAtMillis) {

    /** Validates and copies the blob. */
    public MixDescriptorRecord {
        Objects.requireNonNull(mix, "mix");
        RateScope.requireZone(zone);
        signedDescriptor = Objects.requireNonNull(signedDescriptor, "signedDescriptor").clone();
        if (signedDescriptor.length == 0) {
            throw new IllegalArgumentException("empty mix descriptor");
        }
        if (validUntilMillis - validAfterMillis <= 0) {
            throw new IllegalArgumentException("descriptor validity is empty: " + validAfterMillis + ".." + validUntilMillis);
        }
    }

    /** A copy of the signed descriptor. */
    @Override
    public byte[] signedDescriptor() {
        return signedDescriptor.clone();
    }

    /** True if the descriptor is valid at {@code nowMillis}. */
    public boolean isValidAt(long nowMillis) {
        return nowMillis - validAfterMillis >= 0 && validUntilMillis - nowMillis > 0;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof MixDescriptorRecord r && mix.equals(r.mix) && zone.equals(r.zone)
                && Arrays.equals(signedDescriptor, r.signedDescriptor) && validAfterMillis == r.validAfterMillis
                && validUntilMillis == r.validUntilMillis && publishedAtMillis == r.publishedAtMillis;
    }

    @Override
    public int hashCode() {
        return Objects.hash(mix, zone, Arrays.hashCode(signedDescriptor), validAfterMillis, validUntilMillis, publishedAtMillis);
    }

    @Override
    public String toString() {
        return "MixDescriptor[" + mix + " zone=" + zone + " " + signedDescriptor.length + " bytes valid "
                + validAfterMillis + ".." + validUntilMillis + "]";
    }
}
