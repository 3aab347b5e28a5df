package org.herd.core.circuit;

import org.herd.core.crypto.IdentityPublicKey;
import org.herd.core.wire.ControlMessages;

/**
 * How a rendezvous Mix reaches the zone directories (§3.3 of the Herd paper): REGISTER and
 * LOOKUP messages that arrive over client circuits are handed here, and the answer comes back
 * later through {@link Mix#onRegistered} / {@link Mix#onAnswer} with the same request id, on the
 * Mix's thread. The directory therefore sees the rendezvous Mix, never the client's own Mix.
 *
 * <p>Implementations must not block the Mix's thread: the production one queues the request to
 * the directory role (SQLite store, or the remote zone's directory for a LOOKUP in another zone)
 * and posts the reply back to the Mix's thread.
 */
public interface DirectoryEndpoint {

    /**
     * The client on some circuit asks to be reachable at {@code rendezvousMix} (this Mix, which
     * adds its own identity) under the request's cookie, in the zone of its certificate.
     */
    void register(long requestId, IdentityPublicKey rendezvousMix, ControlMessages.Register request);

    /** A caller asks where the client with the given key is registered in the given zone. */
    void lookup(long requestId, ControlMessages.Lookup request);
}
