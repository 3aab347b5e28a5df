package org.herd.core.circuit;

import java.util.Arrays;
import org.herd.core.crypto.IdentityPublicKey;

/**
 * Which half of a link's circuit-id space each end allocates from (§3.2: circuit ids are per hop
 * and per link). The end whose identity key is lower in unsigned byte order takes ids with the
 * high bit clear, the other end ids with the high bit set, as in Tor's link protocol 4+; both
 * ends know both keys from the authenticated link, so no coordination is needed.
 */
public final class CircuitIds {

    private CircuitIds() {
    }

    /** True if {@code self} allocates ids with the high bit set on a link to {@code peer}. */
    public static boolean weUseHighBit(IdentityPublicKey self, IdentityPublicKey peer) {
        int c = Arrays.compareUnsigned(self.encoded(), peer.encoded());
        if (c == 0) {
            throw new IllegalArgumentException("a link to oneself");
        }
        return c > 0;
    }
}
