package org.herd.core.link;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A link drops Bouncy Castle's connection state at the first record of the peer its own record
 * layer opens, not before (the peer may still need our final flight retransmitted), and after that
 * still carries cells, sends and acts on close_notify and fatal alerts (our record layer, content
 * type 21), and drops and counts late handshake records and forged alerts. Real DTLS over loopback
 * UDP through a relay that sees (and can drop or inject) every datagram.
 */
class LinkHandshakeStateReleaseTest {

    /** RFC 6347 §4.1 header 13 + RFC 5288 explicit nonce 8 + alert 2 (RFC 5246 §7.2) + GCM tag 16. */
    private static final int ALERT_RECORD = 13 + 8 + 2 + 16;

    private final LinkFixture fx = new LinkFixture();
    private LinkFixture.Node client;
    private LinkFixture.Node server;
    private UdpRelay relay;
    private int sent;

    @AfterEach
    void tearDown() {
        fx.close();
    }

    /** Client and server nodes, the relay in front of the server; no link yet. */
    private void nodes(LinkConfig config) throws Exception {
        client = fx.node(config, "127.0.0.1", null);
        server = fx.node(config, "127.0.0.1", key -> key.equals(client.key()));
        relay = fx.track(new UdpRelay("127.0.0.1", server.address()));
    }

    private static boolean holds(Link link) throws Exception {
        return link.eventLoop().submit(link::holdsDtlsState).get(LinkFixture.TIMEOUT_SECONDS, TimeUnit.SECONDS);
    }

    private void cellToServer(Link out) throws Exception {
        int id = sent++;
        assertTrue(client.transmit(out, LinkFixture.cell(id)));
        assertArrayEquals(LinkFixture.cell(id), server.nextCell().cell());
    }

    private void cellToClient(Link in) throws Exception {
        int id = sent++;
        assertTrue(server.transmit(in, LinkFixture.cell(id)));
        assertArrayEquals(LinkFixture.cell(id), client.nextCell().cell());
    }

    /** A link, client end and server end, that carried one cell each way, so both released BC's state. */
    private Link[] releasedLinks() throws Exception {
        nodes(LinkConfig.builder().random(fx.random).build());
        Link out = LinkFixture.await(client.endpoint.connect(relay.address(), server.key()));
        Link in = LinkFixture.poll(server.up);
        cellToServer(out);
        cellToClient(in);
        assertFalse(holds(out));
        assertFalse(holds(in));
        return new Link[] {out, in};
    }

    @Test
    void stateIsReleasedAtThePeersFirstRecordAndCellsStillFlowBothWays() throws Exception {
        nodes(LinkConfig.builder().random(fx.random).build());
        Link out = LinkFixture.await(client.endpoint.connect(relay.address(), server.key()));
        Link in = LinkFixture.poll(server.up);
        assertTrue(holds(out), "client: no record of the server's yet");
        assertTrue(holds(in), "server: no record of the client's yet");

        cellToServer(out);
        assertFalse(holds(in), "server released BC's state at the client's first cell");
        assertNull(in.eventLoop().submit(in::transport).get(LinkFixture.TIMEOUT_SECONDS, TimeUnit.SECONDS),
                "and the datagram adapter BC pulled from");
        assertNull(in.eventLoop().submit(in::outcome).get(LinkFixture.TIMEOUT_SECONDS, TimeUnit.SECONDS),
                "the handshake outcome went when the link came up");
        assertTrue(holds(out), "client still holds it: it has opened nothing of the server's");
        cellToClient(in);
        assertFalse(holds(out), "client released it at the server's first cell");

        for (int i = 0; i < 20; i++) {
            cellToServer(out);
            cellToClient(in);
        }
        assertEquals(LinkState.UP, out.state());
        assertEquals(LinkState.UP, in.state());
        assertEquals(0, in.counters().authenticationFailures() + in.counters().malformedDropped());
    }

    @Test
    void closeNotifyAfterReleaseIsOurRecordAndClosesThePeer() throws Exception {
        Link[] links = releasedLinks();
        Link out = links[0];
        Link in = links[1];

        out.close();
        assertEquals(LinkFailureReason.CLOSED_BY_PEER, LinkFixture.poll(server.downs));
        assertEquals(LinkFailureReason.CLOSED_BY_PEER, in.closeReason());
        assertEquals(LinkFailureReason.CLOSED_LOCALLY, LinkFixture.poll(client.downs));
        byte[] alert = relay.lastFromClient(21);
        assertEquals(ALERT_RECORD, alert.length, "one alert sealed by our record layer");
        assertEquals(1, ((alert[3] & 0xFF) << 8) | (alert[4] & 0xFF), "epoch 1");
        assertEquals(0, server.endpoint.linkCount());
    }

    @Test
    void closeNotifyBeforeAnyRecordClosesAPeerThatStillHoldsBouncyCastlesState() throws Exception {
        nodes(LinkConfig.builder().random(fx.random).build());
        Link out = LinkFixture.await(client.endpoint.connect(relay.address(), server.key()));
        Link in = LinkFixture.poll(server.up);
        assertTrue(holds(in));

        out.close();
        assertEquals(LinkFailureReason.CLOSED_BY_PEER, LinkFixture.poll(server.downs),
                "the server opened our close_notify with our keys although BC's state was still there");
        assertEquals(ALERT_RECORD, relay.lastFromClient(21).length);
    }

    @Test
    void fatalAlertOfThePeerClosesTheLink() throws Exception {
        Link[] links = releasedLinks();
        Link out = links[0];
        Link in = links[1];

        // A protocol error on the server's side: it sends a fatal internal_error alert.
        in.eventLoop().submit(() -> in.closeOnLoop(LinkFailureReason.PROTOCOL_ERROR))
                .get(LinkFixture.TIMEOUT_SECONDS, TimeUnit.SECONDS);
        assertEquals(LinkFailureReason.PROTOCOL_ERROR, LinkFixture.poll(server.downs));
        assertEquals(LinkFailureReason.PEER_FATAL_ALERT, LinkFixture.poll(client.downs));
        assertEquals(LinkFailureReason.PEER_FATAL_ALERT, out.closeReason());
        byte[] alert = relay.lastFromServer(21);
        assertEquals(ALERT_RECORD, alert.length, "one alert sealed by our record layer");
    }

    @Test
    void lateHandshakeRecordsAndForgedAlertsAreDroppedAndCounted() throws Exception {
        Link[] links = releasedLinks();
        Link out = links[0];
        Link in = links[1];
        LinkCounters c = in.counters();
        long controlBefore = c.controlRecords();

        // Every handshake datagram of the client again (ClientHellos, its flight, change_cipher_spec,
        // its epoch-1 Finished): late retransmissions, as far as the server can tell.
        List<byte[]> handshake = relay.fromClient().stream().filter(d -> d[0] == 20 || d[0] == 22).toList();
        assertTrue(handshake.size() >= 5, handshake.size() + " handshake datagrams");
        for (byte[] d : handshake) {
            relay.inject(d);
        }
        // Alerts: random bytes under a well-formed epoch-1 header (fails our tag), and one of an unknown epoch.
        byte[] forged = new byte[ALERT_RECORD];
        fx.random.nextBytes(forged);
        forged[0] = 21;
        forged[1] = (byte) 0xFE;
        forged[2] = (byte) 0xFD;
        forged[3] = 0;
        forged[4] = 1;
        forged[11] = 0;
        forged[12] = (byte) (ALERT_RECORD - 13);
        relay.inject(forged);
        byte[] otherEpoch = forged.clone();
        otherEpoch[4] = 2;
        relay.inject(otherEpoch);
        cellToServer(out); // fence: handled in order on one thread, after everything injected before

        // change_cipher_spec is epoch 0 and not a handshake message: dropped as before, BC state or not.
        long handshakeRecords = handshake.stream().filter(d -> d[0] == 22).count();
        assertEquals(handshakeRecords + 1, c.lateControlDropped(), "the handshake records and the epoch-2 alert");
        assertEquals(controlBefore + handshake.size() + 1, c.controlRecords());
        assertEquals(1, c.authenticationFailures(), "the forged epoch-1 alert");
        assertEquals(LinkState.UP, in.state());
        assertNull(server.failures.poll(), "no handshake was started by the replayed ClientHello");
        for (int i = 0; i < 5; i++) {
            cellToServer(out);
            cellToClient(in);
        }
    }

    @Test
    void stateIsKeptUntilThePeersFirstRecordSoALostFinalFlightIsResent() throws Exception {
        // The server's Finished (handshake, epoch 1) is lost once: the client's handshake cannot
        // complete, it resends its last flight after the resend time, and only the server's kept
        // BC state can answer with the final flight again.
        nodes(LinkConfig.builder().random(fx.random).handshakeResendMillis(200).build());
        AtomicBoolean dropped = new AtomicBoolean();
        relay.dropToClient(d -> d[0] == 22 && (d[3] != 0 || d[4] != 0) && dropped.compareAndSet(false, true));
        CompletableFuture<Link> connecting = client.endpoint.connect(relay.address(), server.key());
        Link in = LinkFixture.poll(server.up);
        assertTrue(holds(in), "server link is up, but the client has sent no record yet");
        Link out = LinkFixture.await(connecting);
        assertEquals(1, relay.droppedToClient(), "the server's Finished was lost");
        assertTrue(in.counters().controlRecords() >= 1, "the client's resent flight reached the server's BC");

        cellToServer(out);
        assertFalse(holds(in));
        cellToClient(in);
        assertFalse(holds(out));
    }
}
