package org.herd.bench.jmh;

import java.util.concurrent.TimeUnit;
import org.herd.core.sched.LinkSender;
import org.herd.core.sched.SlotScheduler;
import org.herd.core.time.ManualClock;
import org.herd.core.wire.Cell;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * Cost of firing one slot in the scheduler (heap of deadlines, Chaff or payload choice, the
 * hand-over to the transmitter) with 200 links, under a manual clock so the measure is the
 * scheduler alone. {@link #fireSlotWithPayload} also offers one payload cell per slot (the
 * copy into the link's ring). Baseline in the same run: copying one cell.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class SlotSchedulerBenchmark {

    /** Links in the scheduler. */
    @Param({"200"})
    public int links;

    private final ManualClock clock = new ManualClock();
    private final byte[] payload = new byte[Cell.SIZE];
    private final byte[] sink = new byte[Cell.SIZE];
    private SlotScheduler scheduler;
    private LinkSender[] senders;
    private long transmitted;
    private int next;

    /** 200 links at 2 cells per tick. */
    @Setup
    public void setUp() {
        scheduler = new SlotScheduler(clock, SlotScheduler.Config.defaults(0));
        var rate = scheduler.newRateClass("bench", 2);
        senders = new LinkSender[links];
        for (int i = 0; i < links; i++) {
            senders[i] = scheduler.addLink(rate, (cell, off) -> {
                transmitted += cell[off];
                return true;
            });
        }
        payload[Cell.COMMAND_OFFSET] = 3;
    }

    /** Baseline: copy one cell. */
    @Benchmark
    public byte[] baselineCopy() {
        System.arraycopy(payload, 0, sink, 0, Cell.SIZE);
        return sink;
    }

    /** Move the clock to the next deadline and fire exactly the slots due (one, usually). */
    @Benchmark
    public long fireSlot() {
        clock.setNanoTime(scheduler.nextDeadlineNanos());
        return scheduler.doWork(clock.nanoTime()) + transmitted;
    }

    /** Offer one payload cell to the next link's queue, then fire the next slot. */
    @Benchmark
    public long fireSlotWithPayload() {
        LinkSender s = senders[next];
        next = next + 1 == senders.length ? 0 : next + 1;
        s.offer(payload, 0, clock.nanoTime());
        clock.setNanoTime(scheduler.nextDeadlineNanos());
        return scheduler.doWork(clock.nanoTime()) + transmitted;
    }
}
