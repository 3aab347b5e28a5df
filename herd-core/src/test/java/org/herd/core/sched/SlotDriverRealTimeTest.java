package org.herd.core.sched;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.channel.IoHandlerFactory;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.nio.NioIoHandler;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.herd.core.time.SystemClock;
import org.junit.jupiter.api.Test;

/**
 * The production drivers on real threads and the real clock, for about two seconds each:
 * every link sends exactly 50·m cells in each one-second window. Asserts on counts only.
 *
 * <p>A cell fired within the 1 ms late threshold can cross a window edge only if its deadline
 * is within 1 ms of the edge, which for m ≤ 5 (slots 4 ms apart) is at most one cell per edge:
 * hence ±1. A slot fired late (a stalled thread on a loaded machine, catching up) can cross by
 * more; each such slot is counted late, so the bound widens by the link's late count, which the
 * test prints. Independently of timing, every cell is sent at or after its own slot's deadline,
 * one per slot, and each window holds exactly 50·m slot deadlines of each link.
 */
class SlotDriverRealTimeTest {

    private static final int LINKS = 20;
    private static final long RUN_NANOS = 2_300_000_000L;

    /**
     * Records, in preallocated arrays, the send time of each cell of one link and the deadline of
     * the slot it was sent in (the link's next deadline is still that slot's during transmit).
     */
    private static final class CountingTransmitter implements CellTransmitter {
        final long[] times = new long[2000];
        final long[] deadlines = new long[2000];
        LinkSender link;
        volatile int count;

        @Override
        public boolean transmit(byte[] cell, int off) {
            times[count] = System.nanoTime();
            deadlines[count] = link.nextDeadlineNanos();
            count = count + 1;
            return true;
        }
    }

    @Test
    void eventLoopDriverSendsExactlyMCellsPerTickPerSecond() throws Exception {
        IoHandlerFactory io = Epoll.isAvailable() ? EpollIoHandler.newFactory() : NioIoHandler.newFactory();
        MultiThreadIoEventLoopGroup group = new MultiThreadIoEventLoopGroup(1, io);
        try {
            run(s -> new EventLoopSlotDriver(s, group.next(), SlotDriver.Tuning.defaults()));
        } finally {
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS).sync();
        }
    }

    @Test
    void dedicatedThreadDriverSendsExactlyMCellsPerTickPerSecond() throws Exception {
        run(s -> new ThreadSlotDriver(s, "slots", SlotDriver.Tuning.defaults()));
    }

    private void run(Function<SlotScheduler, SlotDriver> driverFactory) throws Exception {
        long start = System.nanoTime();
        SlotScheduler scheduler = new SlotScheduler(SystemClock.INSTANCE, SlotScheduler.Config.defaults(start));
        List<CountingTransmitter> txs = new ArrayList<>();
        List<LinkSender> links = new ArrayList<>();
        for (int i = 0; i < LINKS; i++) {
            CountingTransmitter tx = new CountingTransmitter();
            txs.add(tx);
            tx.link = scheduler.addLink(scheduler.newRateClass("m" + (1 + i % 5), 1 + i % 5), tx);
            links.add(tx.link);
        }
        try (SlotDriver driver = driverFactory.apply(scheduler)) {
            driver.start();
            Thread.sleep(TimeUnit.NANOSECONDS.toMillis(RUN_NANOS));
        }
        Thread.sleep(50);
        for (int w = 0; w < 2; w++) {
            long from = start + 100_000_000L + w * 1_000_000_000L;
            long to = from + 1_000_000_000L;
            for (int i = 0; i < LINKS; i++) {
                CountingTransmitter tx = txs.get(i);
                int n = 0;
                int byDeadline = 0;
                for (int k = 0; k < tx.count; k++) {
                    if (tx.times[k] - from >= 0 && tx.times[k] - to < 0) {
                        n++;
                    }
                    if (tx.deadlines[k] - from >= 0 && tx.deadlines[k] - to < 0) {
                        byDeadline++;
                    }
                    assertTrue(tx.times[k] - tx.deadlines[k] >= 0, "never sent before its slot");
                    assertTrue(k == 0 || tx.deadlines[k] - tx.deadlines[k - 1] > 0, "one cell per slot, in order");
                }
                int m = 1 + i % 5;
                assertEquals(50 * m, byDeadline, "slots per second of link " + i);
                long late = links.get(i).lateSlots();
                if (late > 0) {
                    System.out.println("link " + i + " (m=" + m + "): " + late + " late slots");
                }
                assertTrue(Math.abs(n - 50 * m) <= 1 + late,
                        "link " + i + " m=" + m + " window " + w + ": " + n + " cells, late " + late);
            }
        }
        assertEquals(0, links.stream().mapToLong(LinkSender::transmitFailures).sum());
        System.out.println("late slots " + scheduler.lateSlots() + " of " + scheduler.slotsFired()
                + ", jitter p99 " + scheduler.intervalJitter(null).getValueAtPercentile(99) / 1000 + " us");
    }
}
