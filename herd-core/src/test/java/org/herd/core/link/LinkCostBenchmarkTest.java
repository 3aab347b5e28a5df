package org.herd.core.link;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.netty.buffer.ByteBuf;
import io.netty.channel.socket.DatagramChannel;
import io.netty.channel.socket.DatagramPacket;
import java.lang.management.ManagementFactory;
import java.util.Arrays;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.LongSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

/**
 * Per-record CPU cost of the production data path, as ratios against raw UDP on the same sockets
 * in the same run (2 shared vCPUs: absolute numbers are noisy, ratios less so). Not part of the
 * normal suite: run with {@code -Dherd.bench=true -Dtest=LinkCostBenchmarkTest}.
 *
 * <ul>
 *   <li>send: CPU and allocation of the client's event-loop thread per {@link Link#transmit} vs per
 *       raw 293-byte datagram written to the same channel, same destination;</li>
 *   <li>receive: CPU and allocation of the server's event-loop thread per delivered cell vs per raw
 *       293-byte datagram from the same address dropped by the link's header check (Netty receive,
 *       demultiplexing and copy included in both).</li>
 * </ul>
 */
@EnabledIfSystemProperty(named = "herd.bench", matches = "true")
class LinkCostBenchmarkTest {

    private static final int BATCH = 200;
    private static final int BATCHES = 50;
    private static final int ROUNDS = 7;

    private final LinkFixture fx = new LinkFixture();

    @AfterEach
    void tearDown() {
        fx.close();
    }

    private static final com.sun.management.ThreadMXBean THREADS =
            (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();

    @Test
    void perRecordCost() throws Exception {
        LinkConfig config = LinkConfig.builder().random(fx.random).socketBufferBytes(4 << 20).build();
        LinkFixture.Node client = fx.node(config, "127.0.0.1", null);
        LinkFixture.Node server = fx.node(config, "127.0.0.1", key -> true);
        Link out = LinkFixture.await(client.endpoint.connect(server.address(), server.key()));
        Link in = LinkFixture.poll(server.up);
        long[] delivered = new long[1];
        in.eventLoop().submit(() -> in.cellHandler((l, b, o) -> delivered[0]++)).get();
        long clientLoop = client.endpoint.eventLoop().submit(() -> Thread.currentThread().getId()).get();
        long serverLoop = server.endpoint.eventLoop().submit(() -> Thread.currentThread().getId()).get();
        byte[] cell = LinkFixture.cell(1);
        byte[] raw = new byte[293];
        raw[0] = 99; // fails the link's header check at once
        DatagramChannel channel = client.endpoint.channel();

        long linkBytes0 = out.counters().bytesOut();
        long linkDatagrams0 = out.counters().datagramsOut();
        double[][] sendCpu = new double[2][ROUNDS];
        double[][] sendAlloc = new double[2][ROUNDS];
        double[][] recvCpu = new double[2][ROUNDS];
        double[][] recvAlloc = new double[2][ROUNDS];
        for (int round = -1; round < ROUNDS; round++) { // round -1 warms up
            for (int kind = 0; kind < 2; kind++) {
                boolean dtls = kind == 1;
                LongSupplier arrived = dtls ? () -> in.counters().cellsIn() : () -> in.counters().malformedDropped();
                long cpu0 = THREADS.getThreadCpuTime(serverLoop);
                long alloc0 = THREADS.getThreadAllocatedBytes(serverLoop);
                long start = arrived.getAsLong();
                long sendNanos = 0;
                long sendBytes = 0;
                for (int b = 0; b < BATCHES; b++) {
                    long[] r = client.endpoint.eventLoop().submit(() -> {
                        long c0 = THREADS.getCurrentThreadCpuTime();
                        long a0 = THREADS.getCurrentThreadAllocatedBytes();
                        for (int i = 0; i < BATCH; i++) {
                            if (dtls) {
                                out.transmit(cell, 0);
                            } else {
                                ByteBuf buf = channel.alloc().directBuffer(raw.length, raw.length);
                                buf.writeBytes(raw);
                                channel.writeAndFlush(new DatagramPacket(buf, out.remoteAddress()), channel.voidPromise());
                            }
                        }
                        return new long[] {THREADS.getCurrentThreadCpuTime() - c0, THREADS.getCurrentThreadAllocatedBytes() - a0};
                    }).get(10, TimeUnit.SECONDS);
                    sendNanos += r[0];
                    sendBytes += r[1];
                    awaitArrivals(arrived, start + (long) (b + 1) * BATCH);
                }
                long n = (long) BATCH * BATCHES;
                if (round >= 0) {
                    sendCpu[kind][round] = (double) sendNanos / n;
                    sendAlloc[kind][round] = (double) sendBytes / n;
                    recvCpu[kind][round] = (double) (THREADS.getThreadCpuTime(serverLoop) - cpu0) / n;
                    recvAlloc[kind][round] = (double) (THREADS.getThreadAllocatedBytes(serverLoop) - alloc0) / n;
                }
            }
        }
        // Only transmit() goes through the link's counters (raw sends bypass it), so this is cells only.
        long cellDatagrams = out.counters().datagramsOut() - linkDatagrams0;
        long bytesPerCellDatagram = (out.counters().bytesOut() - linkBytes0) / cellDatagrams;
        assertEquals(out.counters().cellsOut(), cellDatagrams, "one datagram per cell");
        assertEquals(0, in.counters().authenticationFailures());
        assertEquals(in.counters().cellsIn(), delivered[0]);
        String report = String.format(
                "Link record cost (%s, %d rounds x %d records, medians; 2 shared vCPUs, same run)%n"
                        + "send    raw UDP %.2f us %5.0f B | DTLS cell %.2f us %5.0f B | ratio %.2fx%n"
                        + "receive raw UDP %.2f us %5.0f B | DTLS cell %.2f us %5.0f B | ratio %.2fx%n"
                        + "wire: %d bytes per cell datagram%n",
                client.endpoint.transportName(), ROUNDS, BATCH * BATCHES,
                median(sendCpu[0]) / 1e3, median(sendAlloc[0]), median(sendCpu[1]) / 1e3, median(sendAlloc[1]),
                median(sendCpu[1]) / median(sendCpu[0]),
                median(recvCpu[0]) / 1e3, median(recvAlloc[0]), median(recvCpu[1]) / 1e3, median(recvAlloc[1]),
                median(recvCpu[1]) / median(recvCpu[0]),
                bytesPerCellDatagram);
        System.out.print(report);
        java.nio.file.Files.writeString(java.nio.file.Path.of("target", "link-cost.txt"), report);
        // RFC 6347 §4.1 header 13 + RFC 5288 explicit nonce 8 + cell 256 + GCM tag 16.
        assertEquals(13 + 8 + 256 + 16, bytesPerCellDatagram);
    }

    private static void awaitArrivals(LongSupplier arrived, long target) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (arrived.getAsLong() < target) {
            if (System.nanoTime() - deadline > 0) {
                throw new AssertionError("only " + arrived.getAsLong() + " of " + target + " arrived (kernel drops?)");
            }
            LockSupport.parkNanos(20_000);
        }
    }

    private static double median(double[] v) {
        double[] s = v.clone();
        Arrays.sort(s);
        return s[s.length / 2];
    }
}
