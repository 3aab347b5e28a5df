package org.herd.core.link;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.herd.core.crypto.IdentityKeyPair;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Mutual authentication bound to Ed25519 identity keys, on real DTLS over loopback UDP. */
class LinkAuthenticationTest {

    private final LinkFixture fx = new LinkFixture();

    @AfterEach
    void tearDown() {
        fx.close();
    }

    private LinkConfig config() {
        return LinkConfig.builder().random(fx.random).handshakeTimeoutMillis(5_000).build();
    }

    @Test
    void clientRefusesServerWithWrongIdentity() throws Exception {
        LinkFixture.Node client = fx.node(config(), "127.0.0.1", null);
        LinkFixture.Node server = fx.node(config(), "127.0.0.1", key -> true);
        IdentityKeyPair someoneElse = fx.newIdentity();

        ExecutionException e = assertThrows(ExecutionException.class,
                () -> LinkFixture.await(client.endpoint.connect(server.address(), someoneElse.publicKey())));
        LinkException cause = assertInstanceOf(LinkException.class, e.getCause());
        assertEquals(LinkFailureReason.WRONG_PEER_IDENTITY, cause.reason());
        assertEquals(LinkFailureReason.REFUSED_BY_PEER, LinkFixture.poll(server.failures),
                "the server sees the client's fatal alert");
        assertEquals(0, client.endpoint.linkCount());
        assertNull(server.up.poll(), "no link came up at the server");
    }

    @Test
    void serverRefusesClientOutsideAcceptPolicy() throws Exception {
        LinkFixture.Node stranger = fx.node(config(), "127.0.0.1", null);
        IdentityKeyPair friend = fx.newIdentity();
        LinkFixture.Node server = fx.node(config(), "127.0.0.1", key -> key.equals(friend.publicKey()));

        ExecutionException e = assertThrows(ExecutionException.class,
                () -> LinkFixture.await(stranger.endpoint.connect(server.address(), server.key())));
        assertEquals(LinkFailureReason.REFUSED_BY_PEER, assertInstanceOf(LinkException.class, e.getCause()).reason());
        assertEquals(LinkFailureReason.PEER_NOT_ACCEPTED, LinkFixture.poll(server.failures));
        assertEquals(1, server.endpoint.counters().handshakeFailures());
        assertEquals(0, server.endpoint.counters().linksUp());

        // The same server accepts the friend.
        LinkFixture.Node friendNode = fx.node(friend, config(), "127.0.0.1", null);
        Link link = LinkFixture.await(friendNode.endpoint.connect(server.address(), server.key()));
        assertEquals(LinkState.UP, link.state());
        assertEquals(friend.publicKey(), LinkFixture.poll(server.up).peerIdentity());
    }

    @Test
    void endpointWithoutAcceptPolicyTakesNoInboundLinks() throws Exception {
        LinkFixture.Node clientOnly = fx.node(config(), "127.0.0.1", null);
        LinkConfig shortConfig = LinkConfig.builder().random(fx.random).handshakeTimeoutMillis(500).handshakeResendMillis(100).build();
        LinkFixture.Node dialler = fx.node(shortConfig, "127.0.0.1", null);

        ExecutionException e = assertThrows(ExecutionException.class,
                () -> LinkFixture.await(dialler.endpoint.connect(clientOnly.address(), clientOnly.key())));
        assertEquals(LinkFailureReason.HANDSHAKE_TIMEOUT, assertInstanceOf(LinkException.class, e.getCause()).reason());
        assertEquals(0, clientOnly.endpoint.counters().helloVerifyRequestsSent(), "no cookie work for strangers");
        assertTrue(clientOnly.endpoint.counters().unknownSenderDropped() >= 2, "the ClientHello and its retransmission");
        assertEquals(0, clientOnly.endpoint.linkCount());
        assertEquals(0, clientOnly.endpoint.counters().handshakesStarted());
    }

    @Test
    void peerCloseTakesLinkDownOnBothSides() throws Exception {
        LinkFixture.Node client = fx.node(config(), "127.0.0.1", null);
        LinkFixture.Node server = fx.node(config(), "127.0.0.1", key -> true);
        Link out = LinkFixture.await(client.endpoint.connect(server.address(), server.key()));
        Link in = LinkFixture.poll(server.up);

        out.close();

        assertEquals(LinkFailureReason.CLOSED_LOCALLY, LinkFixture.poll(client.downs));
        assertEquals(LinkFailureReason.CLOSED_BY_PEER, LinkFixture.poll(server.downs));
        assertEquals(LinkState.CLOSED, in.state());
        assertEquals(0, server.endpoint.linkCount());
        assertTrue(!in.eventLoop().submit(() -> in.transmit(LinkFixture.cell(1), 0)).get(5, TimeUnit.SECONDS),
                "a closed link transmits nothing");
    }

    @Test
    void transmitOffTheEventLoopIsRefused() throws Exception {
        LinkFixture.Node client = fx.node(config(), "127.0.0.1", null);
        LinkFixture.Node server = fx.node(config(), "127.0.0.1", key -> true);
        Link out = LinkFixture.await(client.endpoint.connect(server.address(), server.key()));
        assertThrows(IllegalStateException.class, () -> out.transmit(LinkFixture.cell(0), 0));
    }
}
