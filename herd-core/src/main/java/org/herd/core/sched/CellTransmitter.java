package org.herd.core.sched;

/**
 * Where a {@link SlotScheduler} puts the cell of a slot: one link, one direction. The link layer
 * implements it (e.g. {@code cell -> link.transmit(cell, off)}); the scheduler does not know
 * about DTLS or sockets.
 *
 * <p>Called only on the scheduler's thread (for a Netty link: its event-loop thread, see
 * {@link EventLoopSlotDriver}). The {@link org.herd.core.wire.Cell#SIZE} bytes at {@code off}
 * are valid only during the call: the implementation must encrypt/copy them before it returns,
 * because the scheduler reuses the buffer for the next slot.
 */
@FunctionalInterface
public interface CellTransmitter {

    /**
     * Sends one cell.
     *
     * @return {@code false} if the cell could not be sent (the scheduler counts it as a transmit
     *     failure; the slot is spent either way, so the rate on the wire is not made up later)
     */
    boolean transmit(byte[] cell, int off);
}
