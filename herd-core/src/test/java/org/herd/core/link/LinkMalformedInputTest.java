package org.herd.core.link;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Hostile datagrams on a live link (injected from the link's own remote address through a relay,
 * or from a stranger's socket) are dropped and counted, and the link keeps carrying cells.
 */
class LinkMalformedInputTest {

    /** RFC 6347 §4.1 header 13 + RFC 5288 explicit nonce 8 + cell 256 + GCM tag 16. */
    private static final int AES_GCM_CELL_RECORD = 13 + 8 + 256 + 16;

    private final LinkFixture fx = new LinkFixture();
    private LinkFixture.Node client;
    private LinkFixture.Node server;
    private UdpRelay relay;
    private Link out;
    private Link in;
    private int sent;

    @BeforeEach
    void setUp() throws Exception {
        LinkConfig config = LinkConfig.builder().random(fx.random).build();
        client = fx.node(config, "127.0.0.1", null);
        server = fx.node(config, "127.0.0.1", key -> key.equals(client.key()));
        relay = fx.track(new UdpRelay("127.0.0.1", server.address()));
        out = LinkFixture.await(client.endpoint.connect(relay.address(), server.key()));
        in = LinkFixture.poll(server.up);
        assertEquals(relay.address(), in.remoteAddress());
        exchangeCells(3);
    }

    @AfterEach
    void tearDown() {
        fx.close();
    }

    /** Sends {@code n} cells each way and checks they arrive intact. */
    private void exchangeCells(int n) throws Exception {
        for (int i = 0; i < n; i++) {
            int id = sent++;
            assertTrue(client.transmit(out, LinkFixture.cell(id)));
            assertArrayEquals(LinkFixture.cell(id), server.nextCell().cell());
            assertTrue(server.transmit(in, LinkFixture.cell(50_000 + id)));
            assertArrayEquals(LinkFixture.cell(50_000 + id), client.nextCell().cell());
        }
    }

    /**
     * Sends one cell client→relay→server and waits for it: loopback UDP keeps the order of one
     * socket's datagrams and the server handles them in order on one thread, so everything the
     * relay injected before has been processed when the fence cell arrives. No sleeping, no polling.
     */
    private void fence() throws Exception {
        exchangeCells(1);
    }

    private void assertCount(String what, long expected, LongSupplier counter) throws Exception {
        fence();
        assertEquals(expected, counter.getAsLong(), what);
    }

    @Test
    void cellRecordIs293BytesOnTheWire() {
        byte[] record = relay.lastFromClient(23);
        assertEquals(AES_GCM_CELL_RECORD, record.length);
        assertEquals(AES_GCM_CELL_RECORD * sent, out.counters().bytesOut() - handshakeBytesOut(), "every record the same size");
    }

    private long handshakeBytesOut() {
        long total = 0;
        for (byte[] d : relay.fromClient()) {
            if ((d[0] & 0xFF) != 23) {
                total += d.length;
            }
        }
        return total;
    }

    @Test
    void garbageTruncatedAndForgedRecordsAreCountedAndLinkStaysUp() throws Exception {
        byte[] captured = relay.lastFromClient(23);
        LinkCounters c = in.counters();
        byte[] random = new byte[200];
        fx.random.nextBytes(random);
        random[0] = 99; // not a content type
        relay.inject(random);
        relay.inject(Arrays.copyOf(captured, 100)); // truncated record: length field disagrees
        relay.inject(new byte[5]); // shorter than a header
        // Headers that promise less ciphertext than nonce + tag: BC would fail the link with a
        // fatal decode_error, so these must be stopped before BC sees them.
        relay.inject(Arrays.copyOf(withLength(captured, 0), 13));
        relay.inject(Arrays.copyOf(withLength(captured, 20), 13 + 20));
        assertCount("malformed", 5, c::malformedDropped);

        // A valid-looking header (type 23, DTLS 1.2, epoch 1, fresh sequence number) over random bytes.
        byte[] forged = captured.clone();
        setSequence(forged, 1_000_000);
        fx.random.nextBytes(forged);
        System.arraycopy(captured, 0, forged, 0, 5);
        setSequence(forged, 1_000_000);
        forged[11] = captured[11];
        forged[12] = captured[12];
        relay.inject(forged);
        // A captured record with one ciphertext bit flipped, under a fresh sequence number.
        byte[] flipped = captured.clone();
        flipped[40] ^= 0x01;
        setSequence(flipped, 2_000_000);
        relay.inject(flipped);
        // The captured record with only its (authenticated) sequence number changed.
        byte[] renumbered = captured.clone();
        setSequence(renumbered, 3_000_000);
        relay.inject(renumbered);
        assertCount("authentication failures", 3, c::authenticationFailures);

        assertNull(server.cells.poll(), "nothing forged was delivered (only the fence cells)");
        assertEquals(0, c.replaysDropped());
        assertEquals(LinkState.UP, in.state());
        exchangeCells(5);
        assertEquals(5, server.endpoint.counters().malformedDropped());
        assertEquals(3, server.endpoint.counters().authenticationFailures());
    }

    @Test
    void replayedRecordIsDropped() throws Exception {
        byte[] captured = relay.lastFromClient(23);
        LinkCounters c = in.counters();
        long cellsBefore = c.cellsIn();

        relay.inject(captured);
        relay.inject(captured);
        assertCount("replays", 2, c::replaysDropped);
        // A replay with a flipped bit is still a replay: the window is checked before the tag.
        byte[] flipped = captured.clone();
        flipped[40] ^= 0x01;
        relay.inject(flipped);
        assertCount("replays", 3, c::replaysDropped);

        assertEquals(cellsBefore + 2, c.cellsIn(), "only the two fence cells were delivered");
        assertNull(server.cells.poll(), "the replayed cell was not delivered again");
        assertEquals(0, c.authenticationFailures());
        exchangeCells(5);
    }

    @Test
    void authenticatedRecordOfWrongSizeIsCounted() throws Exception {
        byte[] small = new byte[100];
        assertTrue(out.eventLoop().submit(() -> out.sendRecord(small, 0, small.length)).get(5, TimeUnit.SECONDS));
        assertCount("wrong-size plaintexts", 1, in.counters()::wrongSizePlaintexts);
        assertNull(server.cells.poll());
        exchangeCells(3);
    }

    @Test
    void strangersGarbageIsCountedAtTheEndpoint() throws Exception {
        SilentPeer stranger = fx.track(new SilentPeer("127.0.0.1"));
        byte[] garbage = new byte[300];
        fx.random.nextBytes(garbage);
        garbage[0] = 23;
        stranger.send(garbage, server.address());
        stranger.send(relay.lastFromClient(23), server.address()); // a real record, wrong source address
        // Fence: a ClientHello from the same socket is answered only after the two were handled.
        stranger.send(relay.fromClient().get(0), server.address());
        byte[] reply = stranger.receive(5_000);
        assertEquals(3, reply[13], "hello_verify_request");
        assertEquals(2, server.endpoint.counters().unknownSenderDropped());
        assertEquals(0, in.counters().authenticationFailures() + in.counters().malformedDropped());
        exchangeCells(3);
    }

    private static byte[] withLength(byte[] record, int length) {
        byte[] r = record.clone();
        r[11] = (byte) (length >>> 8);
        r[12] = (byte) length;
        return r;
    }

    private static void setSequence(byte[] record, long seq) {
        for (int i = 10; i >= 5; i--) {
            record[i] = (byte) seq;
            seq >>>= 8;
        }
    }
}
