package org.herd.core.circuit;

/**
 * Where a node's outgoing cells go: the boundary between the circuit layer and the links
 * (§3.2 of the Herd paper). The link layer implements it; the circuit layer never does I/O.
 *
 * <p>{@link #send} must copy the {@link org.herd.core.wire.Cell#SIZE} bytes at {@code offset}
 * before returning (into the link's payload queue, from which the slot scheduler takes one cell
 * per slot and substitutes chaff when it is empty): the caller reuses its buffer at once. It is
 * called only from the node's own thread and must not block; a full queue drops the cell and
 * counts it (the circuit layer treats a lost cell like any other loss).
 */
@FunctionalInterface
public interface CellOutlet {

    /** Queues a copy of the cell at {@code buffer[offset..offset+256)} for the link to {@code peer}. */
    void send(int peer, byte[] buffer, int offset);
}
