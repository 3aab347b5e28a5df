package org.herd.core.node;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.security.SecureRandom;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.herd.core.crypto.IdentityKeyPair;
import org.herd.core.crypto.IdentityPublicKey;
import org.herd.core.link.LinkConfig;
import org.herd.core.link.LinkFailureReason;
import org.herd.core.sched.RateClass;
import org.herd.core.time.SystemClock;
import org.herd.core.wire.Bytes;
import org.herd.core.wire.Cell;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Real DTLS links on loopback through {@link NodeLinks}: handles, payload delivery, drops counted, refusals. */
class NodeLinksTest {

    /** Records what a node's links did. */
    private static class Recorder implements NodeLinks.Handler {
        final RateClass[] rate = new RateClass[1];
        final IdentityPublicKey refuse;
        final List<Integer> up = new CopyOnWriteArrayList<>();
        final List<Integer> cells = new CopyOnWriteArrayList<>();

        Recorder(IdentityPublicKey refuse) {
            this.refuse = refuse;
        }

        @Override
        public RateClass rateClass(IdentityPublicKey peer) {
            return peer.equals(refuse) ? null : rate[0];
        }

        @Override
        public void linkUp(int peer, IdentityPublicKey identity) {
            up.add(peer);
        }

        @Override
        public void linkDown(int peer, IdentityPublicKey identity, LinkFailureReason reason) {
        }

        @Override
        public void onCell(int peer, byte[] buffer, int offset) {
            cells.add(Bytes.getInt(buffer, offset + Cell.PAYLOAD_OFFSET));
        }
    }

    private static NodeLinks start(IdentityKeyPair key, Recorder r) throws Exception {
        InetSocketAddress any = new InetSocketAddress(InetAddress.getLoopbackAddress(), 0);
        return NodeLinks.start(LinkConfig.defaults(), key, any, k -> true, SystemClock.INSTANCE, l -> {
            r.rate[0] = l.newRateClass("test", 2);
            return r;
        });
    }

    private static void await(String what, java.util.function.BooleanSupplier c) throws InterruptedException {
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (!c.getAsBoolean()) {
            assertTrue(System.nanoTime() - end < 0, "timed out waiting for " + what);
            Thread.sleep(20);
        }
    }

    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void keptLinkCarriesPayloadAndDropsAndRefusalsAreCounted() throws Exception {
        SecureRandom random = new SecureRandom();
        IdentityKeyPair a = IdentityKeyPair.generate(random);
        IdentityKeyPair b = IdentityKeyPair.generate(random);
        IdentityKeyPair c = IdentityKeyPair.generate(random);
        Recorder ra = new Recorder(null);
        Recorder rb = new Recorder(c.publicKey());
        Recorder rc = new Recorder(null);
        try (NodeLinks na = start(a, ra); NodeLinks nb = start(b, rb); NodeLinks nc = start(c, rc)) {
            na.keep(nb.localAddress(), b.publicKey());
            await("a-b link", () -> ra.up.size() == 1 && rb.up.size() == 1);
            int peer = na.call(() -> na.peerOf(b.publicKey()));
            assertEquals(ra.up.get(0), peer);
            assertEquals(b.publicKey(), na.call(() -> na.identityOf(peer)));

            // Payload cells arrive in order; Chaff between them never reaches the handler.
            byte[] cell = new byte[Cell.SIZE];
            cell[Cell.COMMAND_OFFSET] = 3;
            for (int i = 1; i <= 5; i++) {
                Bytes.putInt(cell, Cell.PAYLOAD_OFFSET, i);
                assertTrue(na.call(() -> na.send(peer, cell, 0)));
            }
            await("5 payload cells", () -> rb.cells.size() == 5);
            assertEquals(List.of(1, 2, 3, 4, 5), rb.cells);

            // The link is lost and re-dialled: the peer keeps its handle, and cells flow again.
            na.execute(() -> na.paced().attached().get(0).link().close());
            await("re-link", () -> ra.up.size() == 2 && rb.up.size() == 2);
            assertEquals(List.of(peer, peer), ra.up);
            assertEquals(peer, (int) na.call(() -> na.peerOf(b.publicKey())));
            assertTrue(na.call(() -> na.send(peer, cell, 0)));
            await("a cell on the new link", () -> rb.cells.size() == 6);

            // No such link, and a full slot queue: false, counted, nothing queued into delay.
            assertFalse(na.call(() -> na.send(99, cell, 0)));
            int capacity = na.call(() -> na.paced().attached().get(0).sender().queueCapacity());
            int accepted = na.call(() -> {
                int ok = 0;
                for (int i = 0; i < capacity + 10; i++) {
                    ok += na.send(peer, cell, 0) ? 1 : 0;
                }
                return ok;
            });
            assertTrue(accepted <= capacity, "accepted " + accepted + " of a queue of " + capacity);
            assertEquals(1 + (capacity + 10 - accepted), (long) na.call(na::sendDrops));

            // b's handler refuses c: the handshake completes but the link is closed at once.
            nc.keep(nb.localAddress(), b.publicKey());
            await("c's side of the handshake", () -> !rc.up.isEmpty());
            assertEquals(-1, (int) nb.call(() -> nb.peerOf(c.publicKey())));
            assertEquals(2, rb.up.size());
        }
    }

    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void aPeerThatFallsSilentIsClosedAndItsDownEventFollows() throws Exception {
        SecureRandom random = new SecureRandom();
        IdentityKeyPair a = IdentityKeyPair.generate(random);
        IdentityKeyPair b = IdentityKeyPair.generate(random);
        List<LinkFailureReason> downs = new CopyOnWriteArrayList<>();
        Recorder ra = new Recorder(null) {
            @Override
            public void linkDown(int peer, IdentityPublicKey identity, LinkFailureReason reason) {
                downs.add(reason);
            }
        };
        Recorder rb = new Recorder(null);
        try (NodeLinks na = start(a, ra); NodeLinks nb = start(b, rb)) {
            na.keep(nb.localAddress(), b.publicKey());
            await("a-b link", () -> ra.up.size() == 1 && rb.up.size() == 1);
            // Chaff keeps a quiet link alive: no closure while b's slots run.
            Thread.sleep(NodeLinks.SILENCE_MILLIS + 500);
            assertEquals(0, (long) na.call(na::silentLinks));
            assertTrue(downs.isEmpty());
            // b stops sending (its slot driver stops; its link is not closed, no close_notify).
            long stoppedAt = System.nanoTime();
            nb.paced().close();
            await("a closing the silent link", () -> !downs.isEmpty());
            long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - stoppedAt);
            assertTrue(millis >= NodeLinks.SILENCE_MILLIS - 100, "closed after " + millis + " ms");
            assertEquals(1, (long) na.call(na::silentLinks));
            assertEquals(LinkFailureReason.CLOSED_LOCALLY, downs.get(0));
        }
    }

    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void nodesOnSharedLoopsShareOnePacingPerLoopAndOneClosesAlone() throws Exception {
        SecureRandom random = new SecureRandom();
        IdentityKeyPair server = IdentityKeyPair.generate(random);
        List<IdentityPublicKey> downs = new CopyOnWriteArrayList<>();
        Recorder rs = new Recorder(null) {
            @Override
            public void linkDown(int peer, IdentityPublicKey identity, LinkFailureReason reason) {
                downs.add(identity);
            }
        };
        int n = 12;
        InetSocketAddress any = new InetSocketAddress(InetAddress.getLoopbackAddress(), 0);
        List<NodeLinks> nodes = new java.util.ArrayList<>();
        List<Recorder> recorders = new java.util.ArrayList<>();
        try (SharedLoops shared = SharedLoops.create(2, true, SystemClock.INSTANCE); NodeLinks ns = start(server, rs)) {
            try {
                for (int i = 0; i < n; i++) {
                    Recorder r = new Recorder(null);
                    recorders.add(r);
                    IdentityKeyPair key = IdentityKeyPair.generate(random);
                    NodeLinks node = NodeLinks.start(LinkConfig.defaults(), key, any, null, SystemClock.INSTANCE, l -> {
                        r.rate[0] = l.newRateClass("client", 2);
                        return r;
                    }, shared);
                    nodes.add(node);
                    node.keep(ns.localAddress(), server.publicKey());
                }
                await("every shared node linked", () -> rs.up.size() == n);
                // n sockets, but only the reactor's two loops, each with one slot scheduler for all its nodes' links.
                assertEquals(2, nodes.stream().map(NodeLinks::loop).distinct().count());
                assertEquals(2, shared.paced().size());
                // The server may see a link up before the dialling node has attached its end to the pacing.
                await("every shared node's link paced", () -> shared.paced().stream().mapToInt(p -> p.scheduler().linkCount()).sum() == n);

                // Each node's payload reaches the server over its own link.
                byte[] cell = new byte[Cell.SIZE];
                cell[Cell.COMMAND_OFFSET] = 3;
                for (int i = 0; i < n; i++) {
                    NodeLinks node = nodes.get(i);
                    Bytes.putInt(cell, Cell.PAYLOAD_OFFSET, 100 + i);
                    int peer = node.call(() -> node.peerOf(server.publicKey()));
                    assertTrue(node.call(() -> node.send(peer, cell, 0)));
                }
                await("one cell from every node", () -> rs.cells.size() == n);

                // Closing one node takes down its link only; the shared loops keep pacing the others.
                NodeLinks first = nodes.remove(0);
                IdentityPublicKey firstKey = first.endpoint().identity();
                first.close();
                await("the server seeing the closed node's link go", () -> downs.contains(firstKey));
                assertEquals(n - 1, shared.paced().stream().mapToInt(p -> p.scheduler().linkCount()).sum());
                long before = ns.call(() -> ns.paced().attached().stream().mapToLong(p -> p.filter().chaffCells()).sum());
                Thread.sleep(200);
                long after = ns.call(() -> ns.paced().attached().stream().mapToLong(p -> p.filter().chaffCells()).sum());
                // 11 links x 2 cells per 20 ms tick x 200 ms = 220 Chaff cells, at least half of them seen.
                assertTrue(after - before >= (n - 1) * 2 * 10 / 2, "Chaff from the other nodes: " + (after - before));
                assertEquals(1, downs.size());
            } finally {
                for (NodeLinks node : nodes) {
                    node.close();
                }
            }
        }
    }
}
