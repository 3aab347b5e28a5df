package org.herd.gateway.bench;

import com.sun.management.OperatingSystemMXBean;
import io.netty.channel.EventLoop;
import java.lang.management.ManagementFactory;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.HdrHistogram.Histogram;
import org.herd.core.crypto.IdentityKeyPair;
import org.herd.core.link.Link;
import org.herd.core.link.LinkConfig;
import org.herd.core.link.LinkEndpoint;
import org.herd.core.link.LinkListener;
import org.herd.core.link.LinkReactor;
import org.herd.core.link.PacedLinks;
import org.herd.core.sched.RateClass;
import org.herd.core.sched.SlotDriver;
import org.herd.core.sched.SlotScheduler;
import org.herd.core.time.SystemClock;
import org.herd.core.wire.Cell;
import org.herd.core.wire.CellCommand;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code herd bench link}: N constant-rate DTLS links on loopback in this process (both ends of
 * each link), on the production path: real sockets, DTLS handshakes and records, the slot
 * scheduler on the links' event loops. One endpoint (the "mix") takes every link on its own
 * event loop; each client has its own endpoint (socket) on the shared client loops. Prints what a
 * node operator needs to size a mix (cells per second, CPU of the process and of the mix's loop
 * thread per datagram, slot jitter, late slots, datagram sizes, heap per link) and, as the
 * baseline of the same run, the CPU cost of a bare 293-byte UDP send and receive on the same
 * machine.
 */
@Command(name = "link", mixinStandardHelpOptions = true,
        description = "Run N constant-rate DTLS links on loopback; prints figures, --json adds one JSON line.")
public final class LinkBenchCommand implements Callable<Integer> {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Option(names = "--links", description = "Links (default ${DEFAULT-VALUE}).")
    int links = 200;

    @Option(names = "--seconds", description = "Measured seconds after warm-up (default ${DEFAULT-VALUE}).")
    int seconds = 10;

    @Option(names = "--rate", description = "Cells per 20 ms tick per link and direction (default ${DEFAULT-VALUE}).")
    int rate = 1;

    @Option(names = "--payload-percent", description = "Share of slots carrying payload, 0 or 100 (default ${DEFAULT-VALUE}).")
    int payloadPercent;

    @Option(names = "--loops", description = "Event loops (default ${DEFAULT-VALUE}).")
    int loops = 1;

    @Option(names = "--transport", description = "epoll or nio (default ${DEFAULT-VALUE}).")
    String transport = "epoll";

    @Option(names = "--warmup", description = "Warm-up seconds (default ${DEFAULT-VALUE}).")
    int warmup = 3;

    @Option(names = "--coalesce-us", description = "Slot driver: at most one wake-up per this many microseconds "
            + "(default: SlotDriver.Tuning.defaults()).")
    long coalesceMicros = SlotDriver.Tuning.defaults().minWakeIntervalNanos() / 1_000;

    @Option(names = "--json", description = "Print one JSON object as the last line.")
    boolean json;

    private final Map<EventLoop, PacedLinks> pacedByLoop = new ConcurrentHashMap<>();
    private final Map<EventLoop, RateClass> classByLoop = new ConcurrentHashMap<>();
    private final List<PacedLinks.Paced> attached = java.util.Collections.synchronizedList(new ArrayList<>());
    private double heapPerLinkPair;
    /** The thread of the server endpoint's own event loop: the mix side of every link. */
    private long mixThread;
    private static final int HANDSHAKES_IN_FLIGHT = 16;
    private final java.util.concurrent.Semaphore handshakeSlots = new java.util.concurrent.Semaphore(HANDSHAKES_IN_FLIGHT);

    /** Heap in use after two full collections (System.gc() is a full collection with G1 and Serial). */
    private static long usedHeapAfterGc() throws InterruptedException {
        var memory = ManagementFactory.getMemoryMXBean();
        for (int i = 0; i < 2; i++) {
            System.gc();
            Thread.sleep(100);
        }
        return memory.getHeapMemoryUsage().getUsed();
    }

    @Override
    public Integer call() throws Exception {
        var out = spec.commandLine().getOut();
        var err = spec.commandLine().getErr();
        if (links < 1 || seconds < 1 || rate < 1 || rate > 50 || loops < 1 || warmup < 0
                || (payloadPercent != 0 && payloadPercent != 100) || !Set.of("epoll", "nio").contains(transport)) {
            err.println("herd bench link: need --links >= 1, --seconds >= 1, --rate 1..50, --loops >= 1, --payload-percent 0 or 100, --transport epoll|nio");
            return 2;
        }
        double baselineMicros = bareUdpSendReceiveMicros();
        SecureRandom random = new SecureRandom();
        LinkConfig config = LinkConfig.builder().maxHandshakes(64).build();
        List<LinkEndpoint> endpoints = new ArrayList<>();
        CountDownLatch up = new CountDownLatch(2 * links);
        LinkListener listener = new LinkListener() {
            @Override
            public void onLinkUp(Link link) {
                EventLoop loop = link.eventLoop();
                PacedLinks paced = pacedByLoop.get(loop);
                PacedLinks.Paced p = paced.attach(link, classByLoop.get(loop), (l, b, o) -> { });
                attached.add(p);
                up.countDown();
            }
        };
        try (LinkReactor reactor = LinkReactor.create(loops, transport.equals("epoll"));
                LinkReactor mixReactor = LinkReactor.create(1, transport.equals("epoll"))) {
            try {
                LinkEndpoint server = LinkEndpoint.bind(config, IdentityKeyPair.generate(random),
                        new InetSocketAddress("127.0.0.1", 0), key -> true, listener, (l, b, o) -> { }, mixReactor);
                mixThread = server.eventLoop().submit(() -> Thread.currentThread().getId()).get();
                endpoints.add(server);
                for (int i = 0; i < links; i++) {
                    endpoints.add(LinkEndpoint.bind(config, IdentityKeyPair.generate(random),
                            new InetSocketAddress("127.0.0.1", 0), null, listener, (l, b, o) -> { }, reactor));
                }
                for (LinkEndpoint e : endpoints) {
                    pacedByLoop.computeIfAbsent(e.eventLoop(), loop -> {
                        PacedLinks p = new PacedLinks(loop, SystemClock.INSTANCE,
                                SlotScheduler.Config.alignedToWallClock(SystemClock.INSTANCE), tuning());
                        try {
                            classByLoop.put(loop, loop.submit(() -> p.newRateClass("bench", rate)).get());
                        } catch (Exception ex) {
                            throw new IllegalStateException(ex);
                        }
                        return p;
                    });
                }
                // Heap per link pair: measured between the first half of the links and all of them,
                // so one-time costs (classes, pools, threads of the first handshakes) are left out.
                // Both ends of every link are in this process: two Links with their slot senders and
                // Chaff filters per pair, plus the client's endpoint (its socket and Netty channel).
                int firstHalf = links / 2;
                long heapFirstHalf = 0;
                for (int i = 1; i <= links; i++) {
                    if (i == firstHalf + 1) {
                        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60 + links / 10);
                        while (up.getCount() > 2L * (links - firstHalf) && System.nanoTime() - deadline < 0) {
                            Thread.sleep(20);
                        }
                        heapFirstHalf = usedHeapAfterGc();
                    }
                    // Pace the handshakes (each costs a few ms of CPU): at most HANDSHAKES_IN_FLIGHT at
                    // once, well under the server's LinkConfig.maxHandshakes, so that on a loaded
                    // machine attempts time out less and are never refused as too many.
                    if (!handshakeSlots.tryAcquire(60, TimeUnit.SECONDS)) {
                        err.println("herd bench link: handshakes stalled");
                        return 1;
                    }
                    connect(endpoints.get(i), server, 5);
                }
                if (!up.await(60 + links / 10, TimeUnit.SECONDS)) {
                    err.println("herd bench link: only " + (2 * links - up.getCount()) / 2 + " of " + links + " links came up");
                    return 1;
                }
                heapPerLinkPair = firstHalf == 0 ? Double.NaN
                        : (usedHeapAfterGc() - heapFirstHalf) / (double) (links - firstHalf);
                if (payloadPercent == 100) {
                    for (PacedLinks paced : pacedByLoop.values()) {
                        paced.eventLoop().scheduleAtFixedRate(() -> feed(paced.eventLoop()), 5, 5, TimeUnit.MILLISECONDS);
                    }
                }
                Thread.sleep(TimeUnit.SECONDS.toMillis(warmup));
                return measure(out, endpoints, baselineMicros);
            } finally {
                for (PacedLinks p : pacedByLoop.values()) {
                    p.close();
                }
                for (LinkEndpoint e : endpoints) {
                    e.close();
                }
            }
        }
    }

    private SlotDriver.Tuning tuning() {
        SlotDriver.Tuning d = SlotDriver.Tuning.defaults();
        return new SlotDriver.Tuning(d.wakeEarlyNanos(), d.maxRunNanos(), coalesceMicros * 1_000);
    }

    /** Dials the server; a handshake that fails (a timeout on a loaded machine) is tried again. */
    private void connect(LinkEndpoint client, LinkEndpoint server, int attemptsLeft) {
        client.connect(server.localAddress(), server.identity()).whenComplete((link, failure) -> {
            if (failure != null && attemptsLeft > 1) {
                connect(client, server, attemptsLeft - 1);
            } else {
                handshakeSlots.release();
            }
        });
    }

    private final byte[] payload = payloadCell();

    private static byte[] payloadCell() {
        byte[] cell = new byte[Cell.SIZE];
        new Cell().wrap(cell, 0).circuitId(1).command(CellCommand.RELAY);
        return cell;
    }

    private void feed(EventLoop loop) {
        synchronized (attached) {
            for (PacedLinks.Paced p : attached) {
                if (p.link().eventLoop() == loop) {
                    while (p.sender().queuedCells() < p.sender().queueCapacity()) {
                        p.send(payload, 0);
                    }
                }
            }
        }
    }

    private int measure(java.io.PrintWriter out, List<LinkEndpoint> endpoints, double baselineMicros) throws Exception {
        OperatingSystemMXBean os = (OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
        for (PacedLinks p : pacedByLoop.values()) {
            p.scheduler().intervalJitter(null); // drop the warm-up's jitter
        }
        for (LinkEndpoint e : endpoints) {
            e.counters().resetSizesSeen();
        }
        long late0 = late();
        long out0 = datagramsOut(endpoints);
        long in0 = datagramsIn(endpoints);
        var threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        LinkEndpoint mix = endpoints.get(0);
        long mixDatagrams0 = mix.counters().datagramsIn() + mix.counters().datagramsOut();
        long mixCpu0 = threads.getThreadCpuTime(mixThread);
        long cpu0 = os.getProcessCpuTime();
        long t0 = System.nanoTime();
        Thread.sleep(TimeUnit.SECONDS.toMillis(seconds));
        long cpu1 = os.getProcessCpuTime();
        long mixCpu1 = threads.getThreadCpuTime(mixThread);
        long mixDatagrams1 = mix.counters().datagramsIn() + mix.counters().datagramsOut();
        double mixMicrosPerDatagram = (mixCpu1 - mixCpu0) / 1e3 / Math.max(1, mixDatagrams1 - mixDatagrams0);
        double mixCpuPercent = 100.0 * (mixCpu1 - mixCpu0) / Math.max(1, System.nanoTime() - t0);
        long t1 = System.nanoTime();
        long out1 = datagramsOut(endpoints);
        long in1 = datagramsIn(endpoints);
        long late1 = late();
        Histogram jitter = new Histogram(3);
        for (PacedLinks p : pacedByLoop.values()) {
            jitter.add(p.scheduler().intervalJitter(null));
        }
        TreeSet<Integer> sizes = new TreeSet<>();
        for (LinkEndpoint e : endpoints) {
            for (int s : e.counters().sizesSeen()) {
                sizes.add(s);
            }
        }
        double wall = (t1 - t0) / 1e9;
        double cellsPerSecond = (out1 - out0) / wall;
        double cpuPercent = 100.0 * (cpu1 - cpu0) / (t1 - t0);
        // Every cell is sent by one end and received by the other, both in this process.
        double cpuMicrosPerCell = (cpu1 - cpu0) / 1e3 / Math.max(1, out1 - out0);
        double p50 = jitter.getValueAtPercentile(50) / 1e3;
        double p99 = jitter.getValueAtPercentile(99) / 1e3;
        double max = jitter.getMaxValue() / 1e3;
        out.printf(Locale.ROOT, "links %d at %d cells/tick each way, %s payload, %d %s event loop(s), %d s%n",
                links, rate, payloadPercent == 100 ? "full" : "no", loops, transport, seconds);
        out.printf(Locale.ROOT, "cells/s sent %.0f (expected %d), received %.0f%n", cellsPerSecond, 2 * links * rate * 50,
                (in1 - in0) / wall);
        out.printf(Locale.ROOT, "CPU %.1f %% of one core; %.2f us per cell sent+received; bare UDP send+receive %.2f us (ratio %.2f)%n",
                cpuPercent, cpuMicrosPerCell, baselineMicros, cpuMicrosPerCell / baselineMicros);
        out.printf(Locale.ROOT, "slot jitter p50 %.0f us, p99 %.0f us, max %.0f us; late slots %d; datagram sizes %s%n",
                p50, p99, max, late1 - late0, sizes);
        out.printf(Locale.ROOT, "heap per link pair (both ends and the client's endpoint, after GC) %.0f bytes%n", heapPerLinkPair);
        out.printf(Locale.ROOT, "mix side (the server endpoint, on its own event loop): %.1f %% of one core, %.2f us per datagram sent or received (ratio %.2f to half the bare send+receive)%n",
                mixCpuPercent, mixMicrosPerDatagram, mixMicrosPerDatagram / (baselineMicros / 2));
        if (json) {
            out.printf(Locale.ROOT, "{\"links\":%d,\"rate_cells_per_tick\":%d,\"payload_percent\":%d,\"event_loops\":%d,"
                    + "\"seconds\":%.3f,\"cells_per_second\":%.1f,\"cpu_percent\":%.1f,\"cpu_us_per_cell\":%.3f,"
                    + "\"baseline_udp_send_receive_us\":%.3f,\"cpu_per_cell_vs_baseline\":%.2f,"
                    + "\"slot_jitter_p50_us\":%.1f,\"slot_jitter_p99_us\":%.1f,\"slot_jitter_max_us\":%.1f,"
                    + "\"late_slots\":%d,\"datagram_sizes\":%s,\"heap_bytes_per_link_pair\":%.0f,"
                    + "\"mix_cpu_percent\":%.1f,\"mix_cpu_us_per_datagram\":%.3f}%n",
                    links, rate, payloadPercent, loops, wall, cellsPerSecond, cpuPercent, cpuMicrosPerCell,
                    baselineMicros, cpuMicrosPerCell / baselineMicros, p50, p99, max, late1 - late0, sizes, heapPerLinkPair,
                    mixCpuPercent, mixMicrosPerDatagram);
        }
        out.flush();
        return 0;
    }

    private long late() {
        long late = 0;
        for (PacedLinks p : pacedByLoop.values()) {
            late += p.scheduler().lateSlots();
        }
        return late;
    }

    private static long datagramsOut(List<LinkEndpoint> endpoints) {
        long n = 0;
        for (LinkEndpoint e : endpoints) {
            n += e.counters().datagramsOut();
        }
        return n;
    }

    private static long datagramsIn(List<LinkEndpoint> endpoints) {
        long n = 0;
        for (LinkEndpoint e : endpoints) {
            n += e.counters().datagramsIn();
        }
        return n;
    }

    /** CPU microseconds of one bare 293-byte UDP send and its receive on loopback, same thread. */
    static double bareUdpSendReceiveMicros() throws Exception {
        var threads = ManagementFactory.getThreadMXBean();
        try (DatagramChannel a = DatagramChannel.open(); DatagramChannel b = DatagramChannel.open()) {
            a.bind(new InetSocketAddress("127.0.0.1", 0));
            b.bind(new InetSocketAddress("127.0.0.1", 0));
            b.configureBlocking(false);
            ByteBuffer send = ByteBuffer.allocateDirect(293);
            ByteBuffer receive = ByteBuffer.allocateDirect(2048);
            InetSocketAddress to = (InetSocketAddress) b.getLocalAddress();
            double best = Double.MAX_VALUE;
            for (int round = 0; round < 5; round++) {
                long c0 = threads.getCurrentThreadCpuTime();
                int n = 20_000;
                for (int i = 0; i < n; i++) {
                    send.clear();
                    a.send(send, to);
                    receive.clear();
                    b.receive(receive);
                }
                best = Math.min(best, (threads.getCurrentThreadCpuTime() - c0) / 1e3 / n);
            }
            return best;
        }
    }
}
