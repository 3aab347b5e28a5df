package org.herd.core.link;

/**
 * Receives the cells of a link, on the endpoint's event-loop thread.
 *
 * <p>{@code buf} holds exactly {@link org.herd.core.wire.Cell#SIZE} bytes from {@code off}; it is
 * the endpoint's reusable receive buffer and is valid only during the call (copy what you keep).
 * The handler must not block.
 */
@FunctionalInterface
public interface CellHandler {

    /** One authenticated, decrypted, correctly sized cell arrived on {@code link}. */
    void onCell(Link link, byte[] buf, int off);
}
