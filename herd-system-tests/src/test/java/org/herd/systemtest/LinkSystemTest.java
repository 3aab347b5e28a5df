package org.herd.systemtest;

import static org.herd.systemtest.HerdProcess.json;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetSocketAddress;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import org.herd.gateway.devnet.HostPort;
import org.herd.gateway.devnet.ImpairmentRelay;
import org.herd.gateway.devnet.ImpairmentRelay.Direction;
import org.herd.gateway.devnet.ImpairmentRelay.Observation;
import org.junit.jupiter.api.Test;

/**
 * Two real {@code herd link-node} processes hold a DTLS link on loopback for more than 10 s,
 * once idle and once with payload in every slot. A relay between them records the time and size
 * of every datagram, as a global passive observer would: per second, each direction carries the
 * same number of datagrams (±1, see {@link ConstantRate#check} for the one allowance) whatever the
 * payload, all of one size; every payload cell arrives intact and in order.
 */
class LinkSystemTest {

    private static final int RATE = 2;                       // cells per 20 ms tick
    private static final int PER_SECOND = RATE * 50;
    private static final int MEASURED_SECONDS = 10;

    /** One pair of nodes and the relay between them. */
    private record Pair(HerdProcess server, HerdProcess client, ImpairmentRelay relay) implements AutoCloseable {
        @Override
        public void close() throws Exception {
            client.close();
            server.close();
            relay.close();
        }
    }

    private static Pair start(String name, int payloadPercent) throws Exception {
        HerdProcess server = HerdProcess.start(name + "-server", "link-node", "--listen", "127.0.0.1:0",
                "--rate", String.valueOf(RATE), "--payload-percent", String.valueOf(payloadPercent), "--seconds", "24");
        String listening = server.awaitLine(l -> l.contains("\"listening\""), 30);
        InetSocketAddress address = HostPort.parse(json(listening, "address"));
        ImpairmentRelay relay = ImpairmentRelay.start(new InetSocketAddress("127.0.0.1", 0), address,
                0, TimeUnit.MILLISECONDS, 0, 1);
        HerdProcess client = HerdProcess.start(name + "-client", "link-node", "--connect", HostPort.format(relay.address()),
                "--peer-key", json(listening, "identity"), "--rate", String.valueOf(RATE),
                "--payload-percent", String.valueOf(payloadPercent), "--seconds", "14");
        return new Pair(server, client, relay);
    }

    private int[][] idleCounts;
    private Set<Integer> idleSizes;

    @Test
    void constantRateOnTheWireIdleOrFullAndPayloadIntactInOrder() throws Exception {
        // One pair after the other: on a 2-core machine, four JVMs at once starve the slot threads.
        try (Pair idle = start("idle", 0)) {
            String idleDone = idle.client.awaitLine(l -> l.contains("\"done\""), 60);
            assertEquals(0, idle.client.awaitExit(30), idle.client.stderr());
            idleCounts = perSecond(idle.relay.observations());
            idleSizes = sizes(idle.relay.observations());
            assertEquals("0", json(idleDone, "payload_in_order"), "idle: nothing but Chaff arrived");
        }
        try (Pair full = start("full", 100)) {
            String fullDone = full.client.awaitLine(l -> l.contains("\"done\""), 60);
            // The servers outlive their clients and report the links that went down in their summary.
            String fullServerDone = full.server.awaitLine(l -> l.contains("\"done\""), 60);
            assertEquals(0, full.client.awaitExit(30), full.client.stderr());

            int[][] fullCounts = perSecond(full.relay.observations());
            String seen = "idle " + java.util.Arrays.deepToString(idleCounts) + " full " + java.util.Arrays.deepToString(fullCounts);
            for (int[][] counts : new int[][][] {idleCounts, fullCounts}) {
                for (int dir = 0; dir < 2; dir++) {
                    assertConstant(counts[dir], "direction " + dir + "; " + seen);
                }
            }
            assertEquals(Set.of(293), idleSizes, "idle: one datagram size");
            assertEquals(Set.of(293), sizes(full.relay.observations()), "full: one datagram size");

            // Full: every payload cell in order and intact, both ways.
            for (String done : List.of(fullDone, fullServerDone)) {
                assertEquals("0", json(done, "payload_corrupt"), done);
                assertEquals("0", json(done, "payload_out_of_order"), done);
                assertEquals("0", json(done, "payload_gaps"), done);
            }
            long received = Long.parseLong(json(fullDone, "payload_in_order"));
            assertTrue(received >= (long) PER_SECOND * 12, "payload cells received by the client: " + received
                    + "; client " + fullDone + "; server " + fullServerDone);
            long chaffAtFullClient = Long.parseLong(json(fullDone, "chaff_in"));
            assertTrue(chaffAtFullClient <= 2 * PER_SECOND,
                    "with payload in every slot, Chaff only before the payload started: " + chaffAtFullClient);
        }
    }

    /** Each second carries {@link #PER_SECOND} datagrams ±1, with {@link ConstantRate#check}'s one allowance for a stall. */
    private static void assertConstant(int[] perSecond, String context) {
        String failure = ConstantRate.check(context, perSecond, PER_SECOND);
        assertTrue(failure.isEmpty(), failure);
    }

    /**
     * Datagram counts per second and direction over {@link #MEASURED_SECONDS} seconds, binned by
     * {@link ConstantRate#perSecond}, starting 2 s after the link came up (its first datagram of
     * cell size; the guard second from 1 s after it). The first second after the link comes up is
     * left out on purpose: it is partial (the slots start at a tick boundary after the handshake)
     * and, on a loaded machine, the JIT warm-up of the data path stalls it; the handshake before
     * it is not a constant-rate phase at all.
     */
    private static int[][] perSecond(List<Observation> seen) {
        long first = linkUp(seen) + TimeUnit.SECONDS.toNanos(2);
        return new int[][] {
            ConstantRate.perSecond(seen, Direction.FORWARD, first, MEASURED_SECONDS, RATE),
            ConstantRate.perSecond(seen, Direction.BACKWARD, first, MEASURED_SECONDS, RATE)};
    }

    /** When the first datagram of the commonest size (the cells'; handshake records differ) was seen. */
    private static long linkUp(List<Observation> seen) {
        java.util.Map<Integer, Long> bySize = new java.util.HashMap<>();
        seen.forEach(o -> bySize.merge(o.size(), 1L, Long::sum));
        int cell = java.util.Collections.max(bySize.entrySet(), java.util.Map.Entry.comparingByValue()).getKey();
        return seen.stream().filter(o -> o.size() == cell).findFirst().orElseThrow().nanoTime();
    }

    private static Set<Integer> sizes(List<Observation> seen) {
        long start = linkUp(seen) + TimeUnit.SECONDS.toNanos(2);
        long end = start + TimeUnit.SECONDS.toNanos(MEASURED_SECONDS);
        Set<Integer> sizes = new TreeSet<>();
        for (Observation o : seen) {
            if (o.nanoTime() - start >= 0 && o.nanoTime() - end < 0) {
                sizes.add(o.size());
            }
        }
        return sizes;
    }
}
