package org.herd.core.link;

import org.herd.core.crypto.IdentityPublicKey;

/**
 * What a DTLS peer object learnt during one handshake, written on the handshake thread and read
 * on the event loop after the hand-off (the executor hand-off orders the accesses).
 */
final class HandshakeOutcome {
    /** Set when we refused the peer's certificate, before throwing the fatal alert. */
    LinkFailureReason refusal;
    IdentityPublicKey peerIdentity;
    int cipherSuite = -1;
    /** Keys of our application-data record layer, exported at handshake completion; wiped once used. */
    byte[] recordKeyMaterial;
}
