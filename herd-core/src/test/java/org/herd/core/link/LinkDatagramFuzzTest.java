package org.herd.core.link;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;

/**
 * Fuzz target for the receive path of an established link: whatever bytes arrive from the peer's
 * address, exactly one drop/deliver counter moves, nothing escapes the event loop, and the link
 * stays up. Inputs become raw datagrams or datagrams behind a plausible DTLS header (so that
 * Bouncy Castle's record layer is reached). Regression mode (the default in {@code mvn test}) runs
 * the seeds in {@code LinkDatagramFuzzTestInputs}; run with {@code JAZZER_FUZZ=1} to fuzz.
 */
class LinkDatagramFuzzTest {

    static {
        // Jazzer's bug-detector hooks instrument every class the DTLS handshake loads (6x slower
        // set-up); this target checks its own invariants, so it runs without them.
        System.setProperty("jazzer.hooks", "false");
    }

    private static LinkFixture fx;
    private static Link in;

    /**
     * Set up on the first input rather than in {@code @BeforeAll}: Jazzer installs its coverage
     * instrumentation when the fuzz test starts, and only classes loaded after that give feedback.
     */
    private static void connectOnce() throws Exception {
        if (fx != null) {
            return;
        }
        fx = new LinkFixture();
        LinkConfig config = LinkConfig.builder().random(fx.random).build();
        LinkFixture.Node client = fx.node(config, "127.0.0.1", null);
        LinkFixture.Node server = fx.node(config, "127.0.0.1", key -> true);
        LinkFixture.await(client.endpoint.connect(server.address(), server.key()));
        in = LinkFixture.poll(server.up);
    }

    @AfterAll
    static void close() {
        if (fx != null) {
            fx.close();
        }
    }

    private static long accounted(LinkCounters c) {
        return c.cellsIn() + c.malformedDropped() + c.authenticationFailures() + c.replaysDropped()
                + c.wrongSizePlaintexts() + c.controlRecords();
    }

    @FuzzTest(maxDuration = "60s")
    void fuzzDatagram(byte[] input) throws Exception {
        connectOnce();
        byte[] datagram = shape(input);
        long before = accounted(in.counters());
        in.eventLoop().submit(() -> in.onDatagram(datagram.clone(), datagram.length)).get(5, TimeUnit.SECONDS);
        assertEquals(before + 1, accounted(in.counters()), "every datagram is delivered or counted once");
        assertEquals(LinkState.UP, in.state());
    }

    /** Byte 0 picks the shape: raw, or a DTLS 1.2 header (type, epoch, sequence from the input) over the rest. */
    private static byte[] shape(byte[] input) {
        if (input.length < 10 || (input[0] & 1) == 0) {
            return input.length > 1 ? java.util.Arrays.copyOfRange(input, 1, input.length) : new byte[0];
        }
        int bodyLength = input.length - 10;
        byte[] d = new byte[LinkTransport.RECORD_HEADER_SIZE + bodyLength];
        d[0] = (byte) (20 + ((input[1] & 0xFF) % 4)); // change_cipher_spec, alert, handshake, application_data
        d[1] = (byte) 0xFE;
        d[2] = (byte) 0xFD; // DTLS 1.2
        d[3] = 0;
        d[4] = (byte) (input[2] & 1); // epoch 0 or 1
        System.arraycopy(input, 3, d, 5, 6); // sequence number
        boolean honestLength = (input[9] & 1) == 0;
        int length = honestLength ? bodyLength : input[9] & 0xFF;
        d[11] = (byte) (length >>> 8);
        d[12] = (byte) length;
        System.arraycopy(input, 10, d, LinkTransport.RECORD_HEADER_SIZE, bodyLength);
        return d;
    }
}
