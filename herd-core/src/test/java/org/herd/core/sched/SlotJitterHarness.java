package org.herd.core.sched;

import io.netty.channel.EventLoop;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.nio.NioIoHandler;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import org.HdrHistogram.Histogram;
import org.herd.core.time.SystemClock;

/**
 * Measurement harness (not a unit test; run by hand, see the report): slot jitter, late slots,
 * CPU and allocation of the production drivers with many links, each send a real UDP datagram of
 * 293 bytes (a 256-byte cell in a DTLS 1.2 AES-GCM record: 13 header + 8 explicit nonce + 16 tag)
 * on loopback to a sink socket drained by another thread.
 *
 * <pre>
 * java -cp ... org.herd.core.sched.SlotJitterHarness probe
 * java -cp ... org.herd.core.sched.SlotJitterHarness run DRIVER LINKS RATE SECONDS WAKE_EARLY_US COALESCE_US [rt]
 *     DRIVER = epoll | nio | thread;  rt: give the driver thread SCHED_FIFO priority 10 (chrt)
 * </pre>
 */
public final class SlotJitterHarness {

    private static final int DATAGRAM = 293;

    private SlotJitterHarness() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length > 0 && args[0].equals("probe")) {
            probe();
            return;
        }
        String driver = args[1];
        int links = Integer.parseInt(args[2]);
        int rate = Integer.parseInt(args[3]);
        int seconds = Integer.parseInt(args[4]);
        long wakeEarly = Long.parseLong(args[5]) * 1000;
        long coalesce = Long.parseLong(args[6]) * 1000;
        boolean rt = args.length > 7 && args[7].equals("rt");
        run(driver, links, rate, seconds, new SlotDriver.Tuning(wakeEarly, 1_000_000, coalesce), rt);
    }

    /** Bare timer precision: overshoot of a one-shot timer for random delays 50 µs .. 5 ms. */
    private static void probe() throws Exception {
        for (String kind : new String[] {"epoll", "nio"}) {
            MultiThreadIoEventLoopGroup group = new MultiThreadIoEventLoopGroup(1, factory(kind));
            EventLoop loop = group.next();
            Histogram h = new Histogram(1_000_000_000L, 3);
            for (int round = 0; round < 2; round++) {
                h.reset();
                for (int i = 0; i < 1000; i++) {
                    long delay = 50_000 + (i * 7919L % 100) * 49_500;
                    CompletableFuture<Long> done = new CompletableFuture<>();
                    long target = System.nanoTime() + delay;
                    loop.schedule(() -> done.complete(System.nanoTime() - target), delay, TimeUnit.NANOSECONDS);
                    h.recordValue(Math.max(0, done.get()));
                }
            }
            print("netty " + kind + " schedule() overshoot", h);
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS).sync();
        }
        Histogram h = new Histogram(1_000_000_000L, 3);
        for (int round = 0; round < 2; round++) {
            h.reset();
            for (int i = 0; i < 1000; i++) {
                long delay = 50_000 + (i * 7919L % 100) * 49_500;
                long target = System.nanoTime() + delay;
                LockSupport.parkNanos(delay);
                h.recordValue(Math.max(0, System.nanoTime() - target));
            }
        }
        print("LockSupport.parkNanos overshoot", h);
    }

    /** Puts the thread whose name starts with "slots" under SCHED_FIFO 10, as a systemd unit could. */
    private static void realTime() throws Exception {
        try (var tasks = java.nio.file.Files.list(java.nio.file.Path.of("/proc/self/task"))) {
            for (java.nio.file.Path task : (Iterable<java.nio.file.Path>) tasks::iterator) {
                String comm = java.nio.file.Files.readString(task.resolve("comm")).trim();
                if (comm.startsWith("slots")) {
                    String tid = task.getFileName().toString();
                    int rc = new ProcessBuilder("chrt", "-f", "-p", "10", tid).inheritIO().start().waitFor();
                    System.out.println("chrt -f -p 10 " + tid + " (" + comm + "): exit " + rc);
                }
            }
        }
    }

    private static void print(String what, Histogram h) {
        System.out.printf(Locale.ROOT, "%-36s p50 %7.1f us  p99 %7.1f us  max %8.1f us  (n=%d)%n", what,
                h.getValueAtPercentile(50) / 1e3, h.getValueAtPercentile(99) / 1e3, h.getMaxValue() / 1e3,
                h.getTotalCount());
    }

    private static IoHandlerFactory factory(String kind) {
        return kind.equals("epoll") ? EpollIoHandler.newFactory() : NioIoHandler.newFactory();
    }

    /** One transmitter per link, all sharing one connected UDP socket (as links share an endpoint). */
    private static final class UdpTransmitter implements CellTransmitter {
        private final DatagramChannel channel;
        private final ByteBuffer datagram = ByteBuffer.allocateDirect(DATAGRAM);

        UdpTransmitter(DatagramChannel channel) {
            this.channel = channel;
        }

        @Override
        public boolean transmit(byte[] cell, int off) {
            datagram.clear();
            datagram.put(cell, off, 256);
            datagram.position(0).limit(DATAGRAM);
            try {
                return channel.write(datagram) == DATAGRAM;
            } catch (IOException e) {
                return false;
            }
        }
    }

    private static void run(String kind, int linkCount, int rate, int seconds, SlotDriver.Tuning tuning, boolean rt)
            throws Exception {
        DatagramChannel sink = DatagramChannel.open().bind(new InetSocketAddress("127.0.0.1", 0));
        sink.setOption(java.net.StandardSocketOptions.SO_RCVBUF, 4 << 20);
        AtomicLong received = new AtomicLong();
        Thread sinkThread = new Thread(() -> {
            ByteBuffer b = ByteBuffer.allocateDirect(2048);
            try {
                while (true) {
                    b.clear();
                    sink.receive(b);
                    received.lazySet(received.get() + 1);
                }
            } catch (IOException e) {
                // closed: done
            }
        }, "sink");
        sinkThread.setDaemon(true);
        sinkThread.start();
        DatagramChannel out = DatagramChannel.open().connect(sink.getLocalAddress());

        // Baseline, same run and socket: CPU per bare send in a tight loop on this thread.
        com.sun.management.ThreadMXBean threadBean =
                (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        UdpTransmitter probe = new UdpTransmitter(out);
        byte[] cell = new byte[256];
        for (int i = 0; i < 20_000; i++) {
            probe.transmit(cell, 0);
        }
        long b0 = threadBean.getCurrentThreadCpuTime();
        for (int i = 0; i < 50_000; i++) {
            probe.transmit(cell, 0);
        }
        double baselineNanos = (threadBean.getCurrentThreadCpuTime() - b0) / 50_000.0;

        long origin = System.nanoTime();
        SlotScheduler scheduler = new SlotScheduler(SystemClock.INSTANCE, SlotScheduler.Config.defaults(origin));
        RateClass rc = scheduler.newRateClass("harness", rate);
        for (int i = 0; i < linkCount; i++) {
            scheduler.addLink(rc, new UdpTransmitter(out));
        }
        MultiThreadIoEventLoopGroup group = null;
        SlotDriver driver;
        Thread driverThread;
        if (kind.equals("thread")) {
            ThreadSlotDriver t = new ThreadSlotDriver(scheduler, "slots", tuning);
            driver = t;
            driverThread = t.thread();
        } else {
            group = new MultiThreadIoEventLoopGroup(1, new io.netty.util.concurrent.DefaultThreadFactory("slots"),
                    factory(kind));
            EventLoop loop = group.next();
            driverThread = loop.submit(Thread::currentThread).get();
            driver = new EventLoopSlotDriver(scheduler, loop, tuning);
        }
        com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        com.sun.management.OperatingSystemMXBean os =
                (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
        driver.start();
        if (rt) {
            realTime();
        }
        Thread.sleep(2000); // warm-up: JIT, class loading; not measured
        Histogram jitter = scheduler.intervalJitter(null);
        long late0 = scheduler.lateSlots();
        long fired0 = scheduler.slotsFired();
        long wake0 = driver.wakeups();
        long spin0 = driver.spinNanos();
        long cpuDriver0 = threads.getThreadCpuTime(driverThread.getId());
        long alloc0 = threads.getThreadAllocatedBytes(driverThread.getId());
        long cpuSink0 = threads.getThreadCpuTime(sinkThread.getId());
        long cpuProc0 = os.getProcessCpuTime();
        long t0 = System.nanoTime();
        Thread.sleep(seconds * 1000L);
        long wall = System.nanoTime() - t0;
        long fired = scheduler.slotsFired() - fired0;
        long late = scheduler.lateSlots() - late0;
        long wake = driver.wakeups() - wake0;
        long spin = driver.spinNanos() - spin0;
        long cpuDriver = threads.getThreadCpuTime(driverThread.getId()) - cpuDriver0;
        long alloc = threads.getThreadAllocatedBytes(driverThread.getId()) - alloc0;
        long cpuSink = threads.getThreadCpuTime(sinkThread.getId()) - cpuSink0;
        long cpuProc = os.getProcessCpuTime() - cpuProc0;
        jitter = scheduler.intervalJitter(jitter);
        driver.close();
        if (group != null) {
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS).sync();
        }
        double expected = linkCount * rate * 50.0 * wall / 1e9;
        System.out.printf(Locale.ROOT,
                "%-6s%s early=%3dus coalesce=%3dus links=%4d m=%d | jitter p50 %6.1f p99 %7.1f p99.9 %7.1f max %8.1f us"
                        + " | late %d of %d (expected %.0f) skipped %d | wakeups/s %6.0f spin %4.1f%%"
                        + " | CPU driver %5.1f%% (%.1f us/slot = %.1fx bare send %.1f us) sink %5.1f%% process %5.1f%%"
                        + " | alloc %.2f B/slot%n",
                kind, rt ? "/rt" : "   ", tuning.wakeEarlyNanos() / 1000, tuning.minWakeIntervalNanos() / 1000, linkCount, rate, jitter.getValueAtPercentile(50) / 1e3,
                jitter.getValueAtPercentile(99) / 1e3, jitter.getValueAtPercentile(99.9) / 1e3,
                jitter.getMaxValue() / 1e3, late, fired, expected, scheduler.skippedSlots(), wake * 1e9 / wall,
                100.0 * spin / wall, 100.0 * cpuDriver / wall, cpuDriver / 1e3 / fired,
                cpuDriver / (double) fired / baselineNanos, baselineNanos / 1e3, 100.0 * cpuSink / wall,
                100.0 * cpuProc / wall, (double) alloc / fired);
        out.close();
        sink.close();
    }
}
