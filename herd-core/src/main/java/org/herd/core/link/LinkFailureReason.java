package org.herd.core.link;

/**
 * Why a link failed to come up or went down. Every value tells the caller what happened to the
 * link as a whole (a link is the blast radius of all of these; no value concerns a single cell).
 */
public enum LinkFailureReason {
    /** We (the client) were shown a certificate whose Ed25519 key is not the one we dialled. */
    WRONG_PEER_IDENTITY,
    /** We (the server) refused the client: its identity key is not in the accept policy, or it sent no usable certificate. */
    PEER_NOT_ACCEPTED,
    /** The peer aborted the handshake with a fatal alert (e.g. it refused our identity). */
    REFUSED_BY_PEER,
    /** No common protocol version or AEAD cipher suite (e.g. a peer offering only NULL or CBC suites). */
    NEGOTIATION_FAILED,
    /** The peer did not complete the handshake within {@link LinkConfig#handshakeTimeoutMillis()}. */
    HANDSHAKE_TIMEOUT,
    /** Too many handshakes in progress on this endpoint; the new one was not started. */
    TOO_MANY_HANDSHAKES,
    /** A link to that remote address already exists on this endpoint. */
    ALREADY_CONNECTED,
    /** Any other DTLS protocol error during the handshake or on an established link. */
    PROTOCOL_ERROR,
    /** The peer closed the link (close_notify). */
    CLOSED_BY_PEER,
    /** The peer sent a fatal alert on an established link. */
    PEER_FATAL_ALERT,
    /** A new, cookie-verified handshake from the same address replaced this link (the peer restarted). */
    REPLACED_BY_NEW_HANDSHAKE,
    /** {@link Link#close()} was called. */
    CLOSED_LOCALLY,
    /** The endpoint was closed. */
    ENDPOINT_CLOSED,
    /** The socket failed. */
    IO_ERROR
}
