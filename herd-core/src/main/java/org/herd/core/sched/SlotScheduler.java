package org.herd.core.sched;

import org.herd.core.metrics.Counter;
import java.util.Arrays;
import java.util.Objects;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.SingleWriterRecorder;
import org.herd.core.time.Clock;

/**
 * Fires the slots of many links at a constant rate (§3.4; DESIGN.md §3 "Constant rate"): every
 * link of rate m·u sends exactly m cells per 20 ms tick, at its own phase, payload if it has some
 * and Chaff otherwise. Pure logic in the Agent style: {@link #doWork(long)} fires every slot due at
 * the given time and returns how many it fired, {@link #nextDeadlineNanos()} says when to call
 * again. A driver ({@link EventLoopSlotDriver}, {@link ThreadSlotDriver}) or a test (with a
 * {@link org.herd.core.time.ManualClock}) calls it. Not thread-safe: one owning thread calls every
 * method except the counters, the histograms and {@link LinkSender#offer}.
 *
 * <p><b>Slots.</b> See {@link SlotTiming}: slot times are derived from the tick number, so the
 * count per tick is exact and nothing drifts. The next slots of all links sit in a binary min-heap
 * keyed by deadline (an array of links, grown only when links are added), so firing a slot costs
 * O(log links) and allocates nothing.
 *
 * <p><b>Late slots.</b> A slot fired at time t for deadline d has jitter t − d (≥ 0: slots are
 * never fired early). It is <em>late</em> if t − d exceeds {@code lateThresholdNanos} (default
 * 1 ms, the jitter budget of the issue) or one slot interval of its link, whichever is smaller;
 * so a slot fired after the next slot of the same link was due is always late. Jitter of every
 * fired slot is recorded in an HdrHistogram ({@link #intervalJitter(Histogram)}).
 *
 * <p><b>Catch-up.</b> If the thread stalls, the slots it missed are still sent, back to back and
 * each counted late, so the number of cells per tick on the wire stays exact (only their timing
 * suffers, and it suffers the same whatever the payload). A slot more than {@code maxCatchUpNanos}
 * (default 1 s) in the past is not sent but counted as skipped: after a very long stall (a
 * suspended host) a burst of seconds of cells would only flood the peer.
 *
 * <p><b>Queueing delay.</b> The time from {@link LinkSender#offer} to the send of each payload
 * cell is recorded in a second histogram ({@link #intervalQueueDelay(Histogram)}).
 */
public final class SlotScheduler {

    /** Returned by {@link #nextDeadlineNanos()} when no link is scheduled. */
    public static final long NO_DEADLINE = Long.MAX_VALUE;

    /**
     * Settings, checked once.
     *
     * @param originNanos clock reading at which tick {@code originTick} starts
     * @param originTick number of the tick starting at {@code originNanos} (e.g. wall-clock ms / 20,
     *     so that ticks announced by a directory mean the same on every node)
     * @param queueCapacity payload cells per link queue, a power of two
     * @param lateThresholdNanos jitter above which a slot is late (capped at the slot interval)
     * @param maxCatchUpNanos slots further in the past than this are skipped, not sent
     */
    public record Config(long originNanos, long originTick, int queueCapacity, long lateThresholdNanos,
            long maxCatchUpNanos) {

        /** Checks the settings. */
        public Config {
            if (Integer.bitCount(queueCapacity) != 1) {
                throw new IllegalArgumentException("queueCapacity must be a power of two: " + queueCapacity);
            }
            if (lateThresholdNanos <= 0 || maxCatchUpNanos <= 0) {
                throw new IllegalArgumentException("thresholds must be positive");
            }
        }

        /** Defaults: queue of 8 cells, late above 1 ms, catch up at most 1 s; tick 0 at {@code originNanos}. */
        public static Config defaults(long originNanos) {
            return new Config(originNanos, 0, 8, 1_000_000L, 1_000_000_000L);
        }

        /**
         * Defaults with ticks numbered from the Unix epoch (tick = wall-clock ms / 20), so that a
         * tick announced by a directory for a rate change names the same 20 ms on every node, to
         * the accuracy of the nodes' wall clocks (NTP: about a millisecond).
         */
        public static Config alignedToWallClock(Clock clock) {
            long nanos = clock.nanoTime();
            long millis = clock.epochMillis();
            long tickMillis = SlotTiming.TICK_NANOS / 1_000_000L;
            long intoTick = Math.floorMod(millis, tickMillis) * 1_000_000L;
            return new Config(nanos - intoTick, Math.floorDiv(millis, tickMillis), 8, 1_000_000L, 1_000_000_000L);
        }

        /** The same settings with another queue capacity. */
        public Config withQueueCapacity(int cells) {
            return new Config(originNanos, originTick, cells, lateThresholdNanos, maxCatchUpNanos);
        }

        /** The same settings with another catch-up bound. */
        public Config withMaxCatchUpNanos(long nanos) {
            return new Config(originNanos, originTick, queueCapacity, lateThresholdNanos, nanos);
        }
    }

    private static final long HISTOGRAM_MAX_NANOS = 10_000_000_000L;

    private final Clock clock;
    private final Config config;
    private LinkSender[] heap = new LinkSender[16];
    private int size;
    private long linksAdded;

    private final SingleWriterRecorder jitter = new SingleWriterRecorder(HISTOGRAM_MAX_NANOS, 2);
    private final SingleWriterRecorder queueDelay = new SingleWriterRecorder(HISTOGRAM_MAX_NANOS, 2);
    private final Counter slotsFired = new Counter();
    private final Counter lateSlots = new Counter();
    private final Counter skippedSlots = new Counter();

    /** A scheduler reading time from {@code clock}, with the given settings. */
    public SlotScheduler(Clock clock, Config config) {
        this.clock = Objects.requireNonNull(clock);
        this.config = Objects.requireNonNull(config);
    }

    /** The settings. */
    public Config config() {
        return config;
    }

    /** The clock. */
    public Clock clock() {
        return clock;
    }

    /** A new class of links sharing a rate, starting at {@code initialRate}·u. */
    public RateClass newRateClass(String name, int initialRate) {
        return new RateClass(this, name, initialRate, config.queueCapacity());
    }

    /**
     * A new rate class whose links can queue up to {@code queueCapacity} payload cells (a power
     * of two, at least {@link Config#queueCapacity()}); each link uses as much of it as one
     * tick holds at its current rate ({@link RateClass#queueCapacity()}). For classes whose rate
     * goes well above the default queue: Mix links.
     */
    public RateClass newRateClass(String name, int initialRate, int queueCapacity) {
        if (Integer.bitCount(queueCapacity) != 1 || queueCapacity < config.queueCapacity()) {
            throw new IllegalArgumentException("queue capacity must be a power of two of at least "
                    + config.queueCapacity() + ": " + queueCapacity);
        }
        return new RateClass(this, name, initialRate, queueCapacity);
    }

    /**
     * Adds a link with a deterministic well-spread phase ({@link SlotTiming#goldenPhase}) and
     * all-zero Chaff filler. Its first slot is the first one at or after now.
     */
    public LinkSender addLink(RateClass rateClass, CellTransmitter transmitter) {
        return addLink(rateClass, transmitter, SlotTiming.goldenPhase(linksAdded), new ChaffSource());
    }

    /**
     * Adds a link with the given phase (fraction × 2^-16 of its slot interval; draw it from an
     * injected RNG to randomise) and Chaff source. Its first slot is the first one at or after now.
     */
    public LinkSender addLink(RateClass rateClass, CellTransmitter transmitter, int phase16, ChaffSource chaff) {
        Objects.requireNonNull(transmitter);
        Objects.requireNonNull(chaff);
        LinkSender link = new LinkSender(rateClass, transmitter, chaff, phase16, rateClass.queueCapacity());
        long now = clock.nanoTime();
        link.tick = tickAt(now);
        link.rate = rateClass.rateAt(link.tick);
        link.limitQueue(config.queueCapacity());
        link.slot = 0;
        link.deadlineNanos = deadlineOf(link);
        while (link.deadlineNanos - now < 0) {
            advance(link);
        }
        if (size == heap.length) {
            heap = Arrays.copyOf(heap, size * 2);
        }
        heap[size] = link;
        link.heapIndex = size;
        size++;
        siftUp(link.heapIndex);
        linksAdded++;
        return link;
    }

    /** Stops scheduling {@code link}; its queued cells are discarded, later offers dropped. */
    public void removeLink(LinkSender link) {
        int i = link.heapIndex;
        if (i < 0 || i >= size || heap[i] != link) {
            return;
        }
        link.removed = true;
        size--;
        LinkSender last = heap[size];
        heap[size] = null;
        link.heapIndex = -1;
        if (i < size) {
            heap[i] = last;
            last.heapIndex = i;
            siftDown(i);
            siftUp(last.heapIndex);
        }
    }

    /**
     * Fires every slot whose deadline is at or before {@code nowNanos}, in deadline order; the
     * jitter of each is measured with a fresh clock reading just before its transmit.
     *
     * @return the number of slots fired or skipped
     */
    public int doWork(long nowNanos) {
        return doWork(nowNanos, Integer.MAX_VALUE);
    }

    /**
     * Like {@link #doWork(long)}, but stops after {@code maxSlots} slots (the earliest ones), so
     * that a driver sharing its thread with I/O can bound the time of one call when far behind.
     */
    public int doWork(long nowNanos, int maxSlots) {
        int work = 0;
        while (size > 0 && work < maxSlots) {
            LinkSender link = heap[0];
            long deadline = link.deadlineNanos;
            if (deadline - nowNanos > 0) {
                break;
            }
            long firedAt = clock.nanoTime();
            long lateness = Math.max(0, Math.max(firedAt, nowNanos) - deadline);
            if (lateness > config.maxCatchUpNanos()) {
                link.countSkipped();
                skippedSlots.increment();
            } else {
                if (lateness > Math.min(config.lateThresholdNanos(), SlotTiming.TICK_NANOS / link.rate)) {
                    link.countLate();
                    lateSlots.increment();
                }
                jitter.recordValue(Math.min(lateness, HISTOGRAM_MAX_NANOS));
                if (link.fire(firedAt)) {
                    queueDelay.recordValue(Math.max(0, Math.min(link.lastQueueDelay(), HISTOGRAM_MAX_NANOS)));
                }
                slotsFired.increment();
            }
            advance(link);
            siftDown(0);
            work++;
        }
        return work;
    }

    /** {@link #doWork(long)} at the clock's current reading. */
    public int doWork() {
        return doWork(clock.nanoTime());
    }

    /** The earliest deadline of any link, or {@link #NO_DEADLINE} if there is no link. */
    public long nextDeadlineNanos() {
        return size == 0 ? NO_DEADLINE : heap[0].deadlineNanos;
    }

    /** The number of links scheduled. */
    public int linkCount() {
        return size;
    }

    /** The tick that contains clock reading {@code nanos}. */
    public long tickAt(long nanos) {
        return config.originTick() + Math.floorDiv(nanos - config.originNanos(), SlotTiming.TICK_NANOS);
    }

    /** The clock reading at which tick {@code tick} starts. */
    public long tickStartNanos(long tick) {
        return config.originNanos() + (tick - config.originTick()) * SlotTiming.TICK_NANOS;
    }

    /** The tick the clock is in now. */
    public long currentTick() {
        return tickAt(clock.nanoTime());
    }

    /** Slots fired (sent or attempted), all links. */
    public long slotsFired() {
        return slotsFired.get();
    }

    /** Late slots, all links. */
    public long lateSlots() {
        return lateSlots.get();
    }

    /** Skipped slots (beyond the catch-up bound), all links. */
    public long skippedSlots() {
        return skippedSlots.get();
    }

    /**
     * Jitter (ns) of the slots fired since the previous call; safe from any thread. Pass the
     * histogram returned last time to reuse it, or null.
     */
    public Histogram intervalJitter(Histogram recycle) {
        return jitter.getIntervalHistogram(recycle);
    }

    /** Queueing delay (ns) of the payload cells sent since the previous call; safe from any thread. */
    public Histogram intervalQueueDelay(Histogram recycle) {
        return queueDelay.getIntervalHistogram(recycle);
    }

    /** The lowest tick any link of {@code rateClass} is still in (for {@link RateClass}). */
    long earliestTickOf(RateClass rateClass) {
        long min = Long.MAX_VALUE;
        for (int i = 0; i < size; i++) {
            if (heap[i].rateClass() == rateClass) {
                min = Math.min(min, heap[i].tick);
            }
        }
        return min;
    }

    private long deadlineOf(LinkSender link) {
        return tickStartNanos(link.tick) + SlotTiming.slotOffsetNanos(link.rate, link.phase(), link.slot);
    }

    /** Moves the link to its next slot; the rate is read once per tick, at the tick boundary. */
    private void advance(LinkSender link) {
        if (++link.slot >= link.rate) {
            link.slot = 0;
            link.tick++;
            int rate = link.rateClass().rateAt(link.tick);
            if (rate != link.rate) {
                link.rate = rate;
                link.limitQueue(config.queueCapacity());
            }
        }
        link.deadlineNanos = deadlineOf(link);
    }

    private void siftUp(int i) {
        LinkSender x = heap[i];
        while (i > 0) {
            int parent = (i - 1) >>> 1;
            LinkSender p = heap[parent];
            if (p.deadlineNanos - x.deadlineNanos <= 0) {
                break;
            }
            heap[i] = p;
            p.heapIndex = i;
            i = parent;
        }
        heap[i] = x;
        x.heapIndex = i;
    }

    private void siftDown(int i) {
        LinkSender x = heap[i];
        int half = size >>> 1;
        while (i < half) {
            int child = 2 * i + 1;
            LinkSender c = heap[child];
            int right = child + 1;
            if (right < size && heap[right].deadlineNanos - c.deadlineNanos < 0) {
                child = right;
                c = heap[child];
            }
            if (x.deadlineNanos - c.deadlineNanos <= 0) {
                break;
            }
            heap[i] = c;
            c.heapIndex = i;
            i = child;
        }
        heap[i] = x;
        x.heapIndex = i;
    }
}
