package org.herd.core.directory;

import java.util.Objects;
import org.herd.core.crypto.IdentityPublicKey;

/**
 * A client's rendezvous registration (§3.3): which mix of the zone accepts calls on the client's
 * behalf. Registering again replaces the previous registration (upsert).
 *
 * @param client            the client's Ed25519 identity key
 * @param rendezvousMix     the identity key of the client's rendezvous mix
 * @param registeredAtMillis when the registration was made, ms since 1970
 * @param expiresAtMillis   when it lapses unless renewed, ms since 1970 (exclusive)
 */
public record RendezvousRegistration(IdentityPublicKey client, IdentityPublicKey rendezvousMix,
                                     long registeredAtMillis, long expiresAtMillis) {

    /** Validates the fields. */
    public RendezvousRegistration {
        Objects.requireNonNull(client, "client");
        Objects.requireNonNull(rendezvousMix, "rendezvousMix");
        if (expiresAtMillis - registeredAtMillis <= 0) {
            throw new IllegalArgumentException("registration expires before it is made");
        }
    }

    /** True if the registration is in force at {@code nowMillis}. */
    public boolean isLiveAt(long nowMillis) {
        return expiresAtMillis - nowMillis > 0;
    }
}
