package org.herd.core.link;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.herd.core.sched.SlotDriver;
import org.herd.core.sched.SlotScheduler;
import org.herd.core.time.SystemClock;
import org.herd.core.wire.Cell;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A paced endpoint reads its socket at the slot driver's wake-ups (autoRead off), not once per
 * arriving datagram: real DTLS links on loopback, many senders at independent times.
 */
class PolledReadsTest {

    private static final int CLIENTS = 8;

    private final LinkFixture fx = new LinkFixture();
    private final LinkReactor serverReactor = LinkReactor.create(1, true);
    private final LinkReactor clientReactor = LinkReactor.create(1, true);
    private final List<ScheduledFuture<?>> senders = new ArrayList<>();
    private PacedLinks paced;

    @AfterEach
    void tearDown() {
        for (ScheduledFuture<?> f : senders) {
            f.cancel(false);
        }
        if (paced != null) {
            paced.close();
        }
        fx.close();
        clientReactor.close();
        serverReactor.close();
    }

    @Test
    void manyLinksArrivalsAreReadInFarFewerPassesThanDatagramsAndHandshakesStillComplete() throws Exception {
        List<Link> clientLinks = new ArrayList<>();
        LinkEndpoint endpoint = pacedServerWithClients(clientLinks);

        // Each client sends a Chaff cell every millisecond, the clients staggered across it, so
        // datagrams arrive one by one about 125 µs apart: an autoRead socket would wake per datagram.
        byte[] chaff = new byte[Cell.SIZE];
        for (int i = 0; i < CLIENTS; i++) {
            Link link = clientLinks.get(i);
            senders.add(link.eventLoop().scheduleAtFixedRate(() -> link.transmit(chaff, 0),
                    i * 1_000_000L / CLIENTS, 1_000_000L, TimeUnit.NANOSECONDS));
        }
        Thread.sleep(200); // let the senders settle
        EndpointCounters c = endpoint.counters();
        long datagrams0 = c.datagramsIn();
        long passes0 = c.readPasses();
        long polls0 = c.polledReads();
        Thread.sleep(1500);
        long datagrams = c.datagramsIn() - datagrams0;
        long passes = c.readPasses() - passes0;
        long polls = c.polledReads() - polls0;
        System.out.println("polled reads: " + datagrams + " datagrams in " + passes + " read passes, " + polls + " polls");

        assertTrue(datagrams > 3000, "the senders ran: " + datagrams + " datagrams");
        assertTrue(polls > 0, "the driver asked for reads");
        assertTrue(passes * 3 < datagrams, "reads are batched: " + passes + " read passes for " + datagrams + " datagrams");
        assertEquals(0, c.authenticationFailures() + c.malformedDropped() + c.unknownSenderDropped(), "every datagram was good");
    }

    @Test
    void onePolledReadDrainsABacklogOfManyRecvmmsgBatches() throws Exception {
        List<Link> clientLinks = new ArrayList<>();
        LinkEndpoint endpoint = pacedServerWithClients(clientLinks);
        // The Mix's loop is busy (a late wake-up) while a backlog of six recvmmsg batches queues
        // on its socket; it must be read at once (one bounded pass, then reads on arrival until
        // the socket is nearly empty), not one batch per poll.
        int perClient = 12;
        int backlog = CLIENTS * perClient;
        java.util.concurrent.CountDownLatch busy = new java.util.concurrent.CountDownLatch(1);
        java.util.concurrent.CountDownLatch held = new java.util.concurrent.CountDownLatch(1);
        endpoint.eventLoop().execute(() -> {
            held.countDown();
            try {
                busy.await(5, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        assertTrue(held.await(5, TimeUnit.SECONDS));
        EndpointCounters c = endpoint.counters();
        long datagrams0 = c.datagramsIn();
        long passes0 = c.readPasses();
        byte[] chaff = new byte[Cell.SIZE];
        for (Link link : clientLinks) {
            link.eventLoop().submit(() -> {
                for (int k = 0; k < perClient; k++) {
                    link.transmit(chaff, 0);
                }
            }).get(5, TimeUnit.SECONDS);
        }
        Thread.sleep(50); // the datagrams are on the socket queue
        busy.countDown();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (c.datagramsIn() - datagrams0 < backlog && System.nanoTime() < deadline) {
            Thread.sleep(5);
        }
        long passes = c.readPasses() - passes0;
        System.out.println("backlog of " + backlog + " datagrams read in " + passes + " passes");
        assertEquals(backlog, c.datagramsIn() - datagrams0, "every queued datagram was read");
        assertEquals(1, c.readCatchUps(), "a pass that hit the bound switched to reading on every arrival");
        // One more arrival: a short pass, and the endpoint is back to polled reads.
        Link first = clientLinks.get(0);
        first.eventLoop().submit(() -> first.transmit(chaff, 0)).get(5, TimeUnit.SECONDS);
        deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (c.datagramsIn() - datagrams0 < backlog + 1 && System.nanoTime() < deadline) {
            Thread.sleep(5);
        }
        assertTrue(!endpoint.eventLoop().submit(endpoint::catchingUp).get(5, TimeUnit.SECONDS),
                "back to polled reads once a pass found the socket nearly empty");
        int atMost = (backlog + LinkEndpoint.DATAGRAMS_PER_PASS - 1) / LinkEndpoint.DATAGRAMS_PER_PASS;
        assertTrue(passes <= atMost, "the backlog (" + backlog / 16 + " recvmmsg batches) was read in " + atMost
                + " pass(es) of up to " + LinkEndpoint.DATAGRAMS_PER_PASS + " datagrams, not one batch per poll: " + passes + " passes");
    }

    @Test
    void withoutPolledReadsAPacedEndpointKeepsReadingOnEveryArrival() throws Exception {
        LinkConfig config = LinkConfig.builder().random(fx.random).build();
        LinkFixture.Node server = fx.node(fx.newIdentity(), config, "127.0.0.1", key -> true, serverReactor);
        LinkFixture.Node client = fx.node(fx.newIdentity(), config, "127.0.0.1", null, clientReactor);
        paced = new PacedLinks(server.endpoint.eventLoop(), SystemClock.INSTANCE,
                SlotScheduler.Config.defaults(System.nanoTime()), SlotDriver.Tuning.defaults());
        LinkFixture.await(client.endpoint.connect(server.address(), server.key()));
        Link in = LinkFixture.poll(server.up);
        boolean polled = server.endpoint.eventLoop().submit(() -> {
            paced.attach(in, paced.newRateClass("test", 1), (l, b, o) -> { });
            return server.endpoint.polledReads();
        }).get(5, TimeUnit.SECONDS);
        assertTrue(!polled && !config.polledReads(), "polled reads are off unless asked for");
    }

    /**
     * A server endpoint with polled reads and {@link #CLIENTS} client links, each attached to
     * one rate-1 class on the server (after the first attach every handshake runs on polled
     * reads only); the client ends are added to {@code clientLinks}.
     */
    private LinkEndpoint pacedServerWithClients(List<Link> clientLinks) throws Exception {
        LinkConfig config = LinkConfig.builder().random(fx.random).polledReads(true).build();
        LinkFixture.Node server = fx.node(fx.newIdentity(), config, "127.0.0.1", key -> true, serverReactor);
        LinkEndpoint endpoint = server.endpoint;
        paced = new PacedLinks(endpoint.eventLoop(), SystemClock.INSTANCE,
                SlotScheduler.Config.defaults(System.nanoTime()), SlotDriver.Tuning.defaults());
        RateClassHolder rate = new RateClassHolder();
        endpoint.eventLoop().submit(() -> rate.set(paced.newRateClass("test", 1))).get(5, TimeUnit.SECONDS);
        for (int i = 0; i < CLIENTS; i++) {
            LinkFixture.Node client = fx.node(fx.newIdentity(), config, "127.0.0.1", null, clientReactor);
            clientLinks.add(LinkFixture.await(client.endpoint.connect(server.address(), server.key())));
            Link in = LinkFixture.poll(server.up);
            boolean polled = endpoint.eventLoop().submit(() -> {
                paced.attach(in, rate.get(), (l, b, o) -> { });
                return endpoint.polledReads();
            }).get(5, TimeUnit.SECONDS);
            assertTrue(polled, "endpoint reads at the driver's wake-ups once a link is paced");
        }
        return endpoint;
    }

    /** The rate class made on the loop. */
    private static final class RateClassHolder {
        private volatile org.herd.core.sched.RateClass value;

        void set(org.herd.core.sched.RateClass v) {
            value = v;
        }

        org.herd.core.sched.RateClass get() {
            return value;
        }
    }
}
