package org.herd.core.link;

/** Lifecycle of a {@link Link}: HANDSHAKING → UP → CLOSED, or HANDSHAKING → CLOSED. */
public enum LinkState {
    /** DTLS handshake in progress on the endpoint's handshake executor; no cells yet. */
    HANDSHAKING,
    /** Authenticated; cells flow both ways. */
    UP,
    /** Closed for good (see {@link Link#closeReason()}); a new link needs a new handshake. */
    CLOSED
}
