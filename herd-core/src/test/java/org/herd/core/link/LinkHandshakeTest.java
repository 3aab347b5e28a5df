package org.herd.core.link;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.bouncycastle.tls.CipherSuite;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Real DTLS links over real UDP on loopback: handshake, identity, cells both ways. */
class LinkHandshakeTest {

    private final LinkFixture fx = new LinkFixture();

    @AfterEach
    void tearDown() {
        fx.close();
    }

    @ParameterizedTest
    @ValueSource(strings = {"127.0.0.1", "::1"})
    void cellsFlowBothWaysInOrderAndIntact(String host) throws Exception {
        LinkConfig config = LinkConfig.builder().random(fx.random).build();
        LinkFixture.Node client = fx.node(config, host, null);
        LinkFixture.Node server = fx.node(config, host, key -> key.equals(client.key()));

        Link out = LinkFixture.await(client.endpoint.connect(server.address(), server.key()));
        Link in = LinkFixture.poll(server.up);

        assertEquals(LinkState.UP, out.state());
        assertEquals(LinkState.UP, in.state());
        assertEquals(server.key(), out.peerIdentity());
        assertEquals(client.key(), in.peerIdentity(), "server learns the authenticated client identity");
        assertEquals(CipherSuite.TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256, out.cipherSuite());
        assertEquals(out.cipherSuite(), in.cipherSuite());
        assertTrue(DtlsSuites.isAead(in.cipherSuite()));

        int n = 200;
        for (int i = 0; i < n; i++) {
            assertTrue(client.transmit(out, LinkFixture.cell(i)));
            assertTrue(server.transmit(in, LinkFixture.cell(10_000 + i)));
        }
        for (int i = 0; i < n; i++) {
            LinkFixture.Received atServer = server.nextCell();
            assertSame(in, atServer.link());
            assertArrayEquals(LinkFixture.cell(i), atServer.cell(), "cell " + i + " at server");
            LinkFixture.Received atClient = client.nextCell();
            assertSame(out, atClient.link());
            assertArrayEquals(LinkFixture.cell(10_000 + i), atClient.cell(), "cell " + i + " at client");
        }
        assertEquals(n, in.counters().cellsIn());
        assertEquals(n, out.counters().cellsIn());
        assertEquals(0, in.counters().malformedDropped() + in.counters().authenticationFailures());
        // The server's endpoint answered the first, cookieless ClientHello with a HelloVerifyRequest.
        assertEquals(1, server.endpoint.counters().helloVerifyRequestsSent());
    }

    @Test
    void cellsWrittenInOneEventLoopPassAllLeaveInOrder() throws Exception {
        // Records are flushed in batches of 32 and then once at the end of the pass: 100 cells in
        // one task cross the batch size three times and leave 4 for the end-of-pass flush.
        LinkConfig config = LinkConfig.builder().random(fx.random).build();
        LinkFixture.Node client = fx.node(config, "127.0.0.1", null);
        LinkFixture.Node server = fx.node(config, "127.0.0.1", key -> true);
        Link out = LinkFixture.await(client.endpoint.connect(server.address(), server.key()));
        Link in = LinkFixture.poll(server.up);
        int n = 100;
        boolean allSent = out.eventLoop().submit(() -> {
            boolean ok = true;
            for (int i = 0; i < n; i++) {
                ok &= out.transmit(LinkFixture.cell(i), 0);
            }
            return ok;
        }).get(LinkFixture.TIMEOUT_SECONDS, java.util.concurrent.TimeUnit.SECONDS);
        assertTrue(allSent);
        for (int i = 0; i < n; i++) {
            assertArrayEquals(LinkFixture.cell(i), server.nextCell().cell(), "cell " + i);
        }
        assertEquals(n, in.counters().cellsIn());
    }
}
