package org.herd.core.link;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.ExecutionException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Link lifecycle across endpoints: restart of a peer, duplicate dial, endpoint close. */
class LinkLifecycleTest {

    private final LinkFixture fx = new LinkFixture();

    @AfterEach
    void tearDown() {
        fx.close();
    }

    private LinkConfig config() {
        return LinkConfig.builder().random(fx.random).handshakeResendMillis(200).build();
    }

    @Test
    void restartedPeerFromSameAddressReplacesTheOldLink() throws Exception {
        LinkFixture.Node first = fx.node(config(), "127.0.0.1", null);
        LinkFixture.Node second = fx.node(config(), "127.0.0.1", null);
        LinkFixture.Node server = fx.node(LinkConfig.builder().random(fx.random).restartSilenceMillis(100).build(),
                "127.0.0.1", key -> true);
        // Both clients reach the server through one relay, so to the server they share an address:
        // the second is the first one restarted without having sent close_notify.
        UdpRelay relay = fx.track(new UdpRelay("127.0.0.1", server.address()));
        LinkFixture.await(first.endpoint.connect(relay.address(), server.key()));
        Link old = LinkFixture.poll(server.up);

        Link fresh = LinkFixture.await(second.endpoint.connect(relay.address(), server.key()));

        assertEquals(LinkFailureReason.REPLACED_BY_NEW_HANDSHAKE, LinkFixture.poll(server.downs));
        assertEquals(LinkState.CLOSED, old.state());
        Link replacement = LinkFixture.poll(server.up);
        assertEquals(second.key(), replacement.peerIdentity());
        assertEquals(1, server.endpoint.linkCount());
        assertTrue(second.transmit(fresh, LinkFixture.cell(7)));
        LinkFixture.Received r = server.nextCell();
        assertEquals(replacement, r.link());
        assertArrayEquals(LinkFixture.cell(7), r.cell());
    }

    @Test
    void newClientHelloDoesNotReplaceARecentlyActiveLink() throws Exception {
        LinkFixture.Node first = fx.node(config(), "127.0.0.1", null);
        LinkConfig impatient = LinkConfig.builder().random(fx.random).handshakeResendMillis(100).handshakeTimeoutMillis(700).build();
        LinkFixture.Node second = fx.node(impatient, "127.0.0.1", null);
        LinkFixture.Node server = fx.node(config(), "127.0.0.1", key -> true); // default: 2 s of silence needed
        UdpRelay relay = fx.track(new UdpRelay("127.0.0.1", server.address()));
        LinkFixture.await(first.endpoint.connect(relay.address(), server.key()));
        Link old = LinkFixture.poll(server.up);

        ExecutionException e = assertThrows(ExecutionException.class,
                () -> LinkFixture.await(second.endpoint.connect(relay.address(), server.key())));

        assertEquals(LinkFailureReason.HANDSHAKE_TIMEOUT, assertInstanceOf(LinkException.class, e.getCause()).reason());
        assertEquals(LinkState.UP, old.state());
        assertTrue(server.endpoint.counters().helloVerifyRequestsSent() >= 2, "cookie exchange still answered");
        assertEquals(1, server.endpoint.linkCount());
    }

    @Test
    void secondDialToSameAddressIsRefused() throws Exception {
        LinkFixture.Node client = fx.node(config(), "127.0.0.1", null);
        LinkFixture.Node server = fx.node(config(), "127.0.0.1", key -> true);
        LinkFixture.await(client.endpoint.connect(server.address(), server.key()));
        ExecutionException e = assertThrows(ExecutionException.class,
                () -> LinkFixture.await(client.endpoint.connect(server.address(), server.key())));
        assertEquals(LinkFailureReason.ALREADY_CONNECTED, assertInstanceOf(LinkException.class, e.getCause()).reason());
    }

    @Test
    void closingAnEndpointClosesItsLinksAndTellsThePeers() throws Exception {
        LinkFixture.Node client = fx.node(config(), "127.0.0.1", null);
        LinkFixture.Node server = fx.node(config(), "127.0.0.1", key -> true);
        Link out = LinkFixture.await(client.endpoint.connect(server.address(), server.key()));
        LinkFixture.poll(server.up);

        client.endpoint.close();

        assertEquals(LinkFailureReason.ENDPOINT_CLOSED, LinkFixture.poll(client.downs));
        assertEquals(LinkState.CLOSED, out.state());
        assertEquals(LinkFailureReason.CLOSED_BY_PEER, LinkFixture.poll(server.downs));
    }
}
