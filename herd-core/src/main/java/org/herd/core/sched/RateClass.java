package org.herd.core.sched;

/**
 * A set of links that share one rate and change it together (§3.1, §3.4.2, §3.4.3): all SP↔mix
 * links of a zone, all intra-zone mix links, the links between one pair of zones, or a single
 * client link (whose rate is a constant small multiple of u).
 *
 * <p>The rate of a tick is fixed: {@link #scheduleRate(int, long)} announces a new multiple that
 * takes effect at the start of a given tick on every link of the class, not before and not one
 * slot later. Created by {@link SlotScheduler#newRateClass(String, int)}; like the scheduler, it
 * is used on the scheduler's thread only (other threads go through the driver's {@code submit}).
 *
 * <p>Why the announcement must come at least two ticks ahead: when a link fires the last slot of
 * tick k it computes its first slot of tick k+1, which needs the rate of k+1 (the phase offset
 * depends on it). So, during tick k, the rates of ticks up to k+1 may already have been read;
 * a change for tick k+2 or later can still be applied on every link exactly at its boundary.
 */
public final class RateClass {

    private final SlotScheduler scheduler;
    private final String name;
    private final int queueCapacity;
    private int rateBefore;
    private int rateAfter;
    private long changeTick = Long.MAX_VALUE;

    RateClass(SlotScheduler scheduler, String name, int initialRate, int queueCapacity) {
        this.scheduler = scheduler;
        this.name = name;
        this.queueCapacity = queueCapacity;
        this.rateBefore = SlotTiming.checkRate(initialRate);
        this.rateAfter = initialRate;
    }

    /** The class's name (for metrics and logs), e.g. {@code "sp-mix zone=eu"}. */
    public String name() {
        return name;
    }

    /**
     * Payload cells each link of this class can queue at most (a power of two). A link queues no
     * more than one tick's worth of cells at its current rate, and no fewer than the scheduler's
     * {@link SlotScheduler.Config#queueCapacity()}: the per-hop queueing delay stays bounded by
     * one tick on a fast link (a Mix link at rate 140 holds 20 ms of cells, not 8 slots = 1.1 ms,
     * so a late wake-up does not drop payload) and by that many slots on a slow one.
     */
    public int queueCapacity() {
        return queueCapacity;
    }

    /** The rate multiple m in force during tick {@code tick}. */
    public int rateAt(long tick) {
        return tick >= changeTick ? rateAfter : rateBefore;
    }

    /** The tick of the last announced change, or {@link Long#MAX_VALUE} if none was announced. */
    public long changeTick() {
        return changeTick;
    }

    /**
     * Announces that from tick {@code effectiveAtTick} on, every link of this class sends
     * {@code m} cells per tick.
     *
     * <p>A change that has not yet started anywhere may be replaced by a later announcement.
     *
     * @throws IllegalArgumentException if {@code m} is outside 1..{@link SlotTiming#MAX_RATE}, or
     *     {@code effectiveAtTick} is less than two ticks after the scheduler's current tick
     * @throws IllegalStateException if an earlier change has begun but some link of the class has
     *     not yet reached it (it is catching up after a stall); retry a tick later
     */
    public void scheduleRate(int m, long effectiveAtTick) {
        SlotTiming.checkRate(m);
        long now = scheduler.currentTick();
        if (effectiveAtTick < now + 2) {
            throw new IllegalArgumentException("rate change for " + name + " must be announced at least two ticks "
                    + "ahead: effective tick " + effectiveAtTick + ", current tick " + now);
        }
        if (changeTick != Long.MAX_VALUE && changeTick < now + 2) {
            // The previous change may already be in use; it can be folded into "before" only
            // when no link of the class is still in a tick before it.
            if (scheduler.earliestTickOf(this) < changeTick) {
                throw new IllegalStateException("rate change of " + name + " at tick " + changeTick
                        + " not yet reached by every link; cannot announce another");
            }
            rateBefore = rateAfter;
        }
        rateAfter = m;
        changeTick = effectiveAtTick;
    }

    @Override
    public String toString() {
        return "RateClass[" + name + ", m=" + rateBefore
                + (changeTick == Long.MAX_VALUE ? "" : " -> " + rateAfter + " @tick " + changeTick) + "]";
    }
}
