package org.herd.core.sched;

import org.herd.core.metrics.Counter;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import org.herd.core.wire.Cell;

/**
 * The sending half of one link under a {@link SlotScheduler}: its slot position, its payload
 * queue, its {@link ChaffSource}, its counters. Created by {@link SlotScheduler#addLink}.
 *
 * <p><b>Payload queue.</b> A bounded ring of {@link Cell#SIZE}-byte buffers, made by the first
 * payload cell and dropped again when idle ({@link #releaseIdleQueue()}). {@link #offer(byte[], int, long)} copies a cell in (no allocation after
 * the first); a full queue drops the cell and counts it: a voice system must not turn congestion
 * into delay, and the queue bound ({@link #queueCapacity()}: one tick at the current rate, at
 * least the scheduler's minimum) is the per-hop queueing-delay bound (capacity × 20/m ms). The ring is single-producer/single-consumer:
 * one producer thread, always the same, offers and runs {@link #releaseIdleQueue()} (the circuit
 * layer, on the scheduler's thread or another one), the scheduler's thread takes. The head cell leaves in the next slot of the link that fires after it
 * was offered; every slot without payload carries Chaff.
 *
 * <p>The slot position (tick, slot index, rate of that tick, deadline) and the counters are
 * written only by the scheduler's thread; the counters may be read from any thread.
 */
public final class LinkSender {

    private static final VarHandle HEAD;
    private static final VarHandle TAIL;

    static {
        try {
            MethodHandles.Lookup lookup = MethodHandles.lookup();
            HEAD = lookup.findVarHandle(LinkSender.class, "head", long.class);
            TAIL = lookup.findVarHandle(LinkSender.class, "tail", long.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private final RateClass rateClass;
    private final CellTransmitter transmitter;
    private final ChaffSource chaff;
    private final int phase16;

    // Payload ring: cells at (index & mask) * Cell.SIZE, offer time per cell. Made by the first
    // offer (written before the TAIL release that publishes that cell): a link that only ever
    // carries Chaff — most client links, most of the time — holds no ring (2 KB at 8 cells).
    private byte[] ring;
    private long[] offeredAtNanos;
    /** Producer only: an offer since the last {@link #releaseIdleQueue()}. */
    private boolean offeredSinceUpkeep;
    private final int mask;
    /** Cells the queue may hold now: one tick at the current rate, within [minimum, ring size]. */
    private volatile int limit;
    @SuppressWarnings("unused") // accessed through HEAD
    private volatile long head;
    @SuppressWarnings("unused") // accessed through TAIL
    private volatile long tail;

    // Slot position; owned by the scheduler's thread.
    long tick;
    int slot;
    int rate;
    long deadlineNanos;
    int heapIndex = -1;
    volatile boolean removed;

    private final Counter payloadCellsSent = new Counter();
    private final Counter chaffCellsSent = new Counter();
    private final Counter droppedCells = new Counter();
    private final Counter lateSlots = new Counter();
    private final Counter skippedSlots = new Counter();
    private final Counter transmitFailures = new Counter();
    private volatile long lastQueueDelayNanos;

    LinkSender(RateClass rateClass, CellTransmitter transmitter, ChaffSource chaff, int phase16, int queueCapacity) {
        if (Integer.bitCount(queueCapacity) != 1) {
            throw new IllegalArgumentException("queue capacity must be a power of two: " + queueCapacity);
        }
        if (phase16 < 0 || phase16 >= SlotTiming.PHASE_ONE) {
            throw new IllegalArgumentException("phase must be in [0, 65536): " + phase16);
        }
        this.rateClass = rateClass;
        this.transmitter = transmitter;
        this.chaff = chaff;
        this.phase16 = phase16;
        this.mask = queueCapacity - 1;
        this.limit = queueCapacity;
    }

    /**
     * Sets the queue bound for the current {@link #rate} (scheduler thread, when the rate
     * changes): one tick's worth of cells, at least {@code minimum}, at most the ring.
     */
    void limitQueue(int minimum) {
        limit = Math.min(mask + 1, Math.max(minimum, rate));
    }

    /**
     * Queues a copy of the {@link Cell#SIZE} bytes at {@code off} as payload for the next free
     * slot. Call from the producer thread only.
     *
     * @param nowNanos the producer's clock reading, to measure the cell's queueing delay
     * @return {@code false} if the queue was full or the link removed: the cell is dropped and
     *     counted in {@link #droppedCells()}
     */
    public boolean offer(byte[] src, int off, long nowNanos) {
        long t = (long) TAIL.getOpaque(this);
        if (removed || t - (long) HEAD.getAcquire(this) >= limit) {
            droppedCells.increment();
            return false;
        }
        offeredSinceUpkeep = true;
        if (ring == null) {
            ring = new byte[(mask + 1) * Cell.SIZE];
            offeredAtNanos = new long[mask + 1];
        }
        int index = (int) t & mask;
        System.arraycopy(src, off, ring, index * Cell.SIZE, Cell.SIZE);
        offeredAtNanos[index] = nowNanos;
        TAIL.setRelease(this, t + 1);
        return true;
    }

    /**
     * Memory upkeep, from the producer thread only (the one that calls {@link #offer}), every few seconds: drops the payload ring
     * (2 KB at 8 cells) if nothing was offered since the previous call and the slots have sent
     * every queued cell; the next offer makes it again. A client link carries payload only around
     * its registrations and calls, so between them it holds no ring. Safe against the slot
     * thread: that reads the ring only for a cell it sees published after the ring was made, and
     * an empty queue (head = tail, read with acquire) means it has finished with every cell.
     *
     * @return true if the ring was dropped
     */
    public boolean releaseIdleQueue() {
        if (offeredSinceUpkeep) {
            offeredSinceUpkeep = false;
            return false;
        }
        if (ring == null || (long) HEAD.getAcquire(this) != (long) TAIL.getOpaque(this)) {
            return false;
        }
        ring = null;
        offeredAtNanos = null;
        return true;
    }

    /**
     * Fires the current slot: the head payload cell if there is one, otherwise Chaff.
     *
     * @return true if the slot carried payload
     */
    boolean fire(long actualNanos) {
        long h = (long) HEAD.getOpaque(this);
        boolean ok;
        boolean payload;
        if (h != (long) TAIL.getAcquire(this)) {
            int index = (int) h & mask;
            lastQueueDelayNanos = actualNanos - offeredAtNanos[index];
            ok = send(ring, index * Cell.SIZE);
            HEAD.setRelease(this, h + 1);
            payloadCellsSent.increment();
            payload = true;
        } else {
            ok = send(chaff.next(), 0);
            chaffCellsSent.increment();
            payload = false;
        }
        if (!ok) {
            transmitFailures.increment();
        }
        return payload;
    }

    private boolean send(byte[] cell, int off) {
        try {
            return transmitter.transmit(cell, off);
        } catch (RuntimeException e) {
            // The data path never throws out of the scheduler: a broken link is the link
            // layer's to close; here the slot is spent and counted.
            return false;
        }
    }

    void countLate() {
        lateSlots.increment();
    }

    void countSkipped() {
        skippedSlots.increment();
    }

    long lastQueueDelay() {
        return lastQueueDelayNanos;
    }

    /** The class whose rate this link follows. */
    public RateClass rateClass() {
        return rateClass;
    }

    /** This link's phase: the offset of its slot 0 as a fraction (× 2^-16) of its slot interval. */
    public int phase() {
        return phase16;
    }

    /** Cells waiting in the payload queue (approximate when read off the scheduler's thread). */
    public int queuedCells() {
        return (int) ((long) TAIL.getAcquire(this) - (long) HEAD.getAcquire(this));
    }

    /** Whether the payload ring exists (it is made by the first offer; tests). */
    boolean holdsRing() {
        return ring != null;
    }

    /** Capacity of the payload queue in cells at the current rate ({@link RateClass#queueCapacity()}). */
    public int queueCapacity() {
        return limit;
    }

    /** Queueing delay of the last payload cell sent: send time minus offer time. */
    public long lastQueueDelayNanos() {
        return lastQueueDelayNanos;
    }

    /** Payload cells sent. */
    public long payloadCellsSent() {
        return payloadCellsSent.get();
    }

    /** Chaff cells sent. */
    public long chaffCellsSent() {
        return chaffCellsSent.get();
    }

    /** Payload cells dropped because the queue was full (or the link removed). */
    public long droppedCells() {
        return droppedCells.get();
    }

    /** Slots sent late (see {@link SlotScheduler} for the definition). */
    public long lateSlots() {
        return lateSlots.get();
    }

    /** Slots not sent because they were more than the catch-up bound in the past. */
    public long skippedSlots() {
        return skippedSlots.get();
    }

    /** Slots whose transmitter returned false or threw. */
    public long transmitFailures() {
        return transmitFailures.get();
    }

    /** Deadline of the next slot (scheduler's thread). */
    public long nextDeadlineNanos() {
        return deadlineNanos;
    }

    /** Tick of the next slot (scheduler's thread). */
    public long nextSlotTick() {
        return tick;
    }

    /** Whether the link is still scheduled (not removed). */
    public boolean isScheduled() {
        return !removed;
    }

    @Override
    public String toString() {
        return "LinkSender[" + rateClass.name() + ", m=" + rate + ", tick=" + tick + ", slot=" + slot + "]";
    }
}
