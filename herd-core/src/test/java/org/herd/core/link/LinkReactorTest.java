package org.herd.core.link;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Many endpoints on one shared reactor: one thread carries them all, and it outlives them. */
class LinkReactorTest {

    private final LinkFixture fx = new LinkFixture();
    private final LinkReactor reactor = LinkReactor.create(1, true);

    @AfterEach
    void tearDown() {
        fx.close();
        reactor.close();
    }

    @Test
    void endpointsShareOneLoopAndTheLoopSurvivesTheirClose() throws Exception {
        LinkConfig config = LinkConfig.builder().random(fx.random).build();
        LinkFixture.Node server = fx.node(fx.newIdentity(), config, "127.0.0.1", key -> true, reactor);
        LinkFixture.Node[] clients = new LinkFixture.Node[4];
        Link[] links = new Link[clients.length];
        for (int i = 0; i < clients.length; i++) {
            clients[i] = fx.node(fx.newIdentity(), config, "127.0.0.1", null, reactor);
            assertSame(server.endpoint.eventLoop(), clients[i].endpoint.eventLoop(), "one loop for every endpoint");
            links[i] = LinkFixture.await(clients[i].endpoint.connect(server.address(), server.key()));
        }
        for (int i = 0; i < clients.length; i++) {
            assertTrue(clients[i].transmit(links[i], LinkFixture.cell(i)));
        }
        boolean[] seen = new boolean[clients.length];
        for (int i = 0; i < clients.length; i++) {
            byte[] cell = server.nextCell().cell();
            int from = cell[cell.length - 1] & 0xFF;
            for (int j = 0; j < clients.length; j++) {
                if (java.util.Arrays.equals(cell, LinkFixture.cell(j))) {
                    seen[j] = true;
                }
            }
            assertTrue(from >= 0);
        }
        assertArrayEquals(new boolean[] {true, true, true, true}, seen);

        // Closing endpoints leaves the shared loop running: a new endpoint still works on it.
        clients[0].endpoint.close();
        LinkFixture.Node late = fx.node(fx.newIdentity(), config, "127.0.0.1", null, reactor);
        Link lateLink = LinkFixture.await(late.endpoint.connect(server.address(), server.key()));
        assertTrue(late.transmit(lateLink, LinkFixture.cell(99)));
        LinkFixture.Received r = server.nextCell();
        assertArrayEquals(LinkFixture.cell(99), r.cell());
        assertEquals(LinkState.UP, lateLink.state());
    }
}
