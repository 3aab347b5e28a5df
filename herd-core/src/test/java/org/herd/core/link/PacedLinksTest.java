package org.herd.core.link;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.herd.core.sched.SlotDriver;
import org.herd.core.sched.SlotScheduler;
import org.herd.core.time.SystemClock;
import org.herd.core.wire.Cell;
import org.herd.core.wire.CellCommand;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Real DTLS links driven by the slot scheduler on their own event loop. */
class PacedLinksTest {

    private final LinkFixture fx = new LinkFixture();
    private final LinkReactor reactor = LinkReactor.create(1, true);
    private PacedLinks paced;

    @AfterEach
    void tearDown() {
        if (paced != null) {
            paced.close();
        }
        fx.close();
        reactor.close();
    }

    @Test
    void payloadTakesFreeSlotsChaffFillsTheRestAndOnlyPayloadIsDelivered() throws Exception {
        LinkConfig config = LinkConfig.builder().random(fx.random).build();
        LinkFixture.Node server = fx.node(fx.newIdentity(), config, "127.0.0.1", key -> true, reactor);
        LinkFixture.Node client = fx.node(fx.newIdentity(), config, "127.0.0.1", null, reactor);
        Link out = LinkFixture.await(client.endpoint.connect(server.address(), server.key()));
        Link in = LinkFixture.poll(server.up);

        paced = new PacedLinks(out.eventLoop(), SystemClock.INSTANCE,
                SlotScheduler.Config.defaults(System.nanoTime()), SlotDriver.Tuning.defaults());
        BlockingQueue<byte[]> atServer = new LinkedBlockingQueue<>();
        List<byte[]> atClient = new CopyOnWriteArrayList<>();
        long[] handshakeDatagrams = new long[1];
        PacedLinks.Paced[] ends = out.eventLoop().submit(() -> {
            handshakeDatagrams[0] = out.counters().datagramsOut();
            var rate = paced.newRateClass("test", 2);
            return new PacedLinks.Paced[] {
                paced.attach(out, rate, (l, b, o) -> atClient.add(java.util.Arrays.copyOfRange(b, o, o + Cell.SIZE))),
                paced.attach(in, rate, (l, b, o) -> atServer.add(java.util.Arrays.copyOfRange(b, o, o + Cell.SIZE)))};
        }).get(5, TimeUnit.SECONDS);
        server.endpoint.counters().resetSizesSeen();
        client.endpoint.counters().resetSizesSeen();

        int n = 20;
        for (int i = 0; i < n; i++) {
            byte[] cell = LinkFixture.cell(i);
            cell[Cell.COMMAND_OFFSET] = (byte) CellCommand.RELAY;
            // The queue holds 8 cells: offer at most what it takes, as a circuit would.
            while (!out.eventLoop().submit(() -> ends[0].send(cell, 0)).get(5, TimeUnit.SECONDS)) {
                Thread.sleep(5);
            }
        }
        for (int i = 0; i < n; i++) {
            byte[] expected = LinkFixture.cell(i);
            expected[Cell.COMMAND_OFFSET] = (byte) CellCommand.RELAY;
            byte[] got = atServer.poll(5, TimeUnit.SECONDS);
            assertArrayEquals(expected, got, "payload cell " + i + " intact and in order");
        }
        // Let a few more ticks of pure Chaff go by in both directions.
        long chaffBefore = out.eventLoop().submit(() -> ends[1].filter().chaffCells()).get();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (out.eventLoop().submit(() -> ends[1].filter().chaffCells()).get() < chaffBefore + 10) {
            assertTrue(System.nanoTime() - deadline < 0, "no chaff arriving");
            Thread.sleep(10);
        }
        assertTrue(atClient.isEmpty(), "the server sent only Chaff, which is never delivered");
        assertEquals(0, atServer.size(), "nothing but the payload was delivered");
        long[] stats = out.eventLoop().submit(() -> new long[] {
            ends[0].sender().payloadCellsSent(), ends[0].sender().chaffCellsSent(), out.counters().datagramsOut(),
            ends[1].filter().payloadCells(), ends[0].filter().chaffCells(), ends[0].sender().droppedCells()}).get();
        assertEquals(n, stats[0]);
        assertEquals(stats[0] + stats[1], stats[2] - handshakeDatagrams[0], "every slot is one datagram");
        assertEquals(n, stats[3]);
        assertTrue(stats[4] > 0, "the client received Chaff");
        assertArrayEquals(new int[] {293}, server.endpoint.counters().sizesSeen(), "one datagram size on the wire");
        assertArrayEquals(new int[] {293}, client.endpoint.counters().sizesSeen(), "one datagram size on the wire");
    }
}
