package org.herd.core.link;

import java.net.InetSocketAddress;

/**
 * Link lifecycle events of one {@link LinkEndpoint}, all delivered on its event-loop thread.
 * {@link #onLinkUp} runs before the first cell of the link is delivered, so it may install a
 * per-link {@link CellHandler} with {@link Link#cellHandler(CellHandler)}.
 */
public interface LinkListener {

    /** A link (inbound or outbound) completed its handshake. */
    default void onLinkUp(Link link) {
    }

    /** An established link went down for {@code reason}. */
    default void onLinkDown(Link link, LinkFailureReason reason) {
    }

    /** A handshake with {@code remote} failed (inbound or outbound); {@code cause} may be null. */
    default void onHandshakeFailed(InetSocketAddress remote, LinkFailureReason reason, Throwable cause) {
    }

    /** A listener that ignores everything. */
    LinkListener NONE = new LinkListener() {
    };
}
