package org.herd.core.circuit;

import java.util.Objects;
import org.herd.core.crypto.IdentityPublicKey;
import org.herd.core.crypto.MixDescriptor;
import org.herd.core.crypto.OnionPublicKey;

/**
 * What a circuit builder needs to know of a Mix (from its verified {@link MixDescriptor}): its
 * identity key (the ntor ID, and how the previous Mix finds its link), its onion key and zone.
 *
 * @param identity the Mix's Ed25519 identity key
 * @param onionKey the Mix's current X25519 onion key
 * @param zone     the Mix's trust zone
 */
public record MixRef(IdentityPublicKey identity, OnionPublicKey onionKey, String zone) {

    /** Checks for nulls. */
    public MixRef {
        Objects.requireNonNull(identity);
        Objects.requireNonNull(onionKey);
        Objects.requireNonNull(zone);
    }

    /** The reference of a (verified) descriptor. */
    public static MixRef of(MixDescriptor d) {
        return new MixRef(d.mixKey(), d.onionKey(), d.zone());
    }
}
