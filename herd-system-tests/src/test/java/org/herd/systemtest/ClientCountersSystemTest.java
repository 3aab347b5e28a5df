package org.herd.systemtest;

import static org.herd.systemtest.HerdProcess.json;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.herd.gateway.devnet.ImpairmentRelay;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code herd client} prints its control-path counters ({@code CallClient.Counters}) in its
 * {@code status} line (command {@code status} on standard input) and its {@code stopped} line, read
 * here from the real processes of a {@link LoopbackNetwork} with observers. alice's client link is
 * blackholed (both directions) while her LOOKUP leaves, so her client re-sends it and the call
 * still connects: her {@code retransmissions} grows. When she hangs up, bob gets her END in
 * {@code END_COPIES} copies and counts the later ones as {@code duplicates}. No answer is stale.
 */
class ClientCountersSystemTest {

    private static final String STATUS = "\"event\":\"status\"";
    private static final String CONNECTED = "\"event\":\"connected\"";

    /** Sends {@code status} to {@code name} and returns its next status line. */
    private static String status(LoopbackNetwork net, String name) throws Exception {
        DevnetProcess p = net.process(name);
        int before = (int) p.lines().stream().filter(l -> l.contains(STATUS)).count();
        net.send(name, "status");
        String line = p.awaitNth(STATUS, before + 1, 10_000);
        assertNotNull(line, name + " printed no status line: " + p.lines());
        return line;
    }

    private static long field(String line, String key) {
        return Long.parseLong(json(line, key));
    }

    @Test
    @Timeout(value = 210, unit = TimeUnit.SECONDS)
    void theClientsStatusAndStoppedLinesCarryItsRetransmissionAndDuplicateCounters(@TempDir Path dir) throws Exception {
        try (LoopbackNetwork net = LoopbackNetwork.start(dir, true)) {
            net.awaitReady(120);
            DevnetProcess alice = net.process("alice");
            DevnetProcess bob = net.process("bob");
            LoopbackNetwork.Link aliceLink = net.links().get(0);
            assertTrue(aliceLink.name().startsWith("alice->"), aliceLink.name());
            ImpairmentRelay relay = aliceLink.relay();

            String aliceBefore = status(net, "alice");
            String bobBefore = status(net, "bob");
            for (String key : new String[] {"retransmissions", "duplicates", "stale_answers", "malformed", "circuit_drops",
                "unknown_circuit", "unknown_relay_commands", "unexpected"}) {
                assertTrue(field(aliceBefore, key) >= 0, key);
            }

            // The LOOKUP is queued when "calling" is printed and leaves within a slot (10 ms at
            // rate 2); the first copy is re-sent 0.5 s after it (CallClient.RETRANSMIT_DIVISOR).
            long droppedBefore = relay.dropped();
            relay.blackhole(true);
            try {
                net.send("alice", "call");
                assertNotNull(alice.await("\"event\":\"calling\"", 10_000), "alice did not call: " + alice.lines());
                Thread.sleep(150);
            } finally {
                relay.blackhole(false);
            }
            assertTrue(relay.dropped() > droppedBefore, "the blackhole dropped nothing");
            assertNotNull(alice.await(l -> l.contains(CONNECTED), 20_000), "the call did not connect: " + alice.lines());
            assertNotNull(bob.await(l -> l.contains(CONNECTED), 10_000), "bob did not answer: " + bob.lines());

            String aliceAfter = status(net, "alice");
            System.out.println("ClientCountersSystemTest: alice before " + aliceBefore + ", after the lost LOOKUP " + aliceAfter
                    + " (" + (relay.dropped() - droppedBefore) + " datagrams blackholed)");
            assertTrue(field(aliceAfter, "retransmissions") > field(aliceBefore, "retransmissions"),
                    "the lost LOOKUP was re-sent: " + aliceAfter);
            assertEquals(1, field(aliceAfter, "calls"));
            assertEquals(0, field(aliceAfter, "stale_answers"));

            net.hangUp("alice", "bob");
            String bobAfter = status(net, "bob");
            System.out.println("ClientCountersSystemTest: bob before " + bobBefore + ", after the hang-up " + bobAfter);
            assertTrue(field(bobAfter, "duplicates") > field(bobBefore, "duplicates"),
                    "the later END copies are counted as duplicates: " + bobAfter);

            net.send("bob", "quit");
            String stopped = bob.await("\"event\":\"stopped\"", 10_000);
            assertNotNull(stopped, "bob did not stop: " + bob.lines());
            assertTrue(field(stopped, "duplicates") >= field(bobAfter, "duplicates"), stopped);
            assertTrue(field(stopped, "send_drops") >= 0);
        }
    }
}
