package org.herd.core.link;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Handshake retransmission and timeout, and the cookie exchange seen from a raw socket. */
class LinkHandshakeTimeoutTest {

    private final LinkFixture fx = new LinkFixture();

    @AfterEach
    void tearDown() {
        fx.close();
    }

    @Test
    void handshakeTimesOutWhenPeerNeverAnswersAfterRetransmitting() throws Exception {
        SilentPeer silent = fx.track(new SilentPeer("127.0.0.1"));
        LinkConfig config = LinkConfig.builder().random(fx.random).handshakeTimeoutMillis(800).handshakeResendMillis(100).build();
        LinkFixture.Node client = fx.node(config, "127.0.0.1", null);

        long start = System.nanoTime();
        CompletableFuture<Link> f = client.endpoint.connect(silent.address(), fx.newIdentity().publicKey());
        ExecutionException e = assertThrows(ExecutionException.class, () -> LinkFixture.await(f));
        long millis = (System.nanoTime() - start) / 1_000_000;

        assertEquals(LinkFailureReason.HANDSHAKE_TIMEOUT, assertInstanceOf(LinkException.class, e.getCause()).reason());
        assertTrue(millis >= 700, "gave up after " + millis + " ms, before the 800 ms timeout");
        List<byte[]> hellos = new ArrayList<>();
        for (byte[] d = silent.receive(200); d != null; d = silent.receive(50)) {
            hellos.add(d);
        }
        assertTrue(hellos.size() >= 2, "ClientHello retransmitted: " + hellos.size() + " datagram(s)");
        for (byte[] d : hellos) {
            assertEquals(22, d[0], "handshake record");
            assertEquals(1, d[13], "client_hello");
        }
        assertEquals(1, client.endpoint.counters().handshakeFailures());
        assertEquals(0, client.endpoint.linkCount());
    }

    @Test
    void cookielessClientHelloGetsHelloVerifyRequestAndNoState() throws Exception {
        // Capture a real ClientHello (first flight, no cookie) from our own client.
        SilentPeer capture = fx.track(new SilentPeer("127.0.0.1"));
        LinkConfig config = LinkConfig.builder().random(fx.random).handshakeTimeoutMillis(300).handshakeResendMillis(100).build();
        LinkFixture.Node client = fx.node(config, "127.0.0.1", null);
        client.endpoint.connect(capture.address(), fx.newIdentity().publicKey());
        byte[] clientHello = capture.receive(5_000);
        assertNotNull(clientHello);

        LinkFixture.Node server = fx.node(LinkConfig.builder().random(fx.random).build(), "127.0.0.1", key -> true);
        SilentPeer raw = fx.track(new SilentPeer("127.0.0.1"));
        raw.send(clientHello, server.address());
        byte[] reply = raw.receive(5_000);

        assertNotNull(reply, "server answered");
        assertEquals(22, reply[0], "handshake record");
        assertEquals(3, reply[13], "hello_verify_request (RFC 6347 §4.2.1)");
        assertEquals(1, server.endpoint.counters().helloVerifyRequestsSent());
        assertEquals(0, server.endpoint.counters().handshakesStarted(), "no handshake before a valid cookie");
        assertEquals(0, server.endpoint.linkCount());

        // The same ClientHello again: still no state (the verifier is stateless).
        raw.send(clientHello, server.address());
        assertNotNull(raw.receive(5_000));
        assertEquals(2, server.endpoint.counters().helloVerifyRequestsSent());
        assertEquals(0, server.endpoint.linkCount());
    }
}
