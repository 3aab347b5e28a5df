package org.herd.systemtest;

import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import org.herd.gateway.devnet.ImpairmentRelay;
import org.herd.gateway.devnet.ImpairmentRelay.Direction;
import org.herd.gateway.devnet.ImpairmentRelay.Observation;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The wire invariants of §3.4/§3.7 on real processes on loopback ({@link LoopbackNetwork}: two
 * zones of two Mixes, a directory per zone, two clients, 8 JVMs) with a wire observer
 * ({@link ImpairmentRelay}) on every Mix↔Mix link (two intra-zone, four inter-zone) and on both
 * client↔Mix links.
 *
 * <p>I6: per link and direction, every tick's cell count is exact by construction, so every
 * second carries rate × 50 datagrams ±1 — with only {@link ConstantRate#check}'s allowance for a
 * stall shifting slots across one second boundary — through a whole run (one sequence of about 30
 * seconds, set-ups and tear-downs included) in which two calls start and stop (idle, call 1, idle,
 * call 2, idle): the idle seconds and the in-call seconds carry the same numbers (printed per
 * window), and every datagram has one size.
 *
 * <p>I7: delaying every datagram of one inter-zone link by {@link #DELAY_MS} ms for two seconds
 * (during call 2) and blackholing another inter-zone link for two seconds (under the 3 s silence
 * timeout) leave the per-second counts on every link unchanged, the impaired links included (the
 * observer stands before the impairment, so it sees what their senders send).
 *
 * <p>No window starts less than a second after a link came up: every link is up before the first
 * window, and the 2 s blackhole is shorter than the silence timeout, so no link goes down or
 * comes up again during the run (no partial first second to exclude).
 */
class WireInvariantsSystemTest {

    private static final int DELAY_MS = 60;
    private static final int WINDOW_SECONDS = 3;
    private static final int IMPAIRED_SECONDS = 2;

    @Test
    @Timeout(value = 240, unit = TimeUnit.SECONDS)
    void perLinkCountsIgnoreCallsAndUpstreamImpairment(@TempDir Path dir) throws Exception {
        try (LoopbackNetwork net = LoopbackNetwork.start(dir, true)) {
            net.awaitReady(120);
            List<LoopbackNetwork.Link> interZone = net.links().stream().filter(LoopbackNetwork.Link::interZone).toList();
            LoopbackNetwork.Link delayedLink = interZone.get(0);
            LoopbackNetwork.Link cutLink = interZone.get(interZone.size() - 1);
            Map<String, long[]> windows = new LinkedHashMap<>();
            Thread.sleep(1000);
            Map<String, Integer> linesBefore = new LinkedHashMap<>();
            for (String name : net.names()) {
                linesBefore.put(name, net.process(name).lines().size());
            }
            windows.put("idle-before", window(WINDOW_SECONDS));

            // Call 1: alice calls bob.
            net.call("alice", "bob");
            Thread.sleep(300);
            windows.put("call-1", window(WINDOW_SECONDS));
            String ended1 = net.hangUp("alice", "bob");
            Thread.sleep(300);
            windows.put("idle-between", window(WINDOW_SECONDS));

            // Call 2: bob calls alice; one inter-zone link is delayed in the middle of it.
            net.call("bob", "alice");
            Thread.sleep(300);
            windows.put("call-2", window(WINDOW_SECONDS));
            long delayedBefore = delayedLink.relay().delayed();
            delayedLink.relay().delay(DELAY_MS, TimeUnit.MILLISECONDS);
            try {
                Thread.sleep(200);
                windows.put("call-2 " + delayedLink.name() + " +" + DELAY_MS + "ms", window(IMPAIRED_SECONDS));
            } finally {
                delayedLink.relay().delay(0, TimeUnit.MILLISECONDS);
            }
            long delayedDatagrams = delayedLink.relay().delayed() - delayedBefore;
            String ended2 = net.hangUp("bob", "alice");
            Thread.sleep(300);
            windows.put("idle-after", window(WINDOW_SECONDS));

            // One inter-zone link blackholed (both directions) for 2 s, under the 3 s silence timeout.
            long droppedBefore = cutLink.relay().dropped();
            cutLink.relay().blackhole(true);
            try {
                Thread.sleep(200);
                windows.put("idle " + cutLink.name() + " blackholed", window(IMPAIRED_SECONDS));
            } finally {
                cutLink.relay().blackhole(false);
            }
            long droppedDatagrams = cutLink.relay().dropped() - droppedBefore;
            Thread.sleep(300);
            windows.put("recovered", window(IMPAIRED_SECONDS));
            Thread.sleep(1100); // the guard second after the run

            // No link went down or came up again during the run (the blackhole stays under the
            // silence timeout), so no second of it is the partial first second of a link.
            for (String name : net.names()) {
                List<String> lines = net.process(name).lines();
                List<String> down = lines.subList(linesBefore.get(name), lines.size()).stream()
                        .filter(l -> l.contains("\"event\":\"link_down\"")).toList();
                assertTrue(down.isEmpty(), name + " lost a link during the run: " + down);
            }
            // The run did what it claims: two calls carried frames, the impairments bit.
            System.out.println("WireInvariantsSystemTest: call 1 " + summary(ended1) + "; call 2 " + summary(ended2)
                    + "; delayed " + delayedDatagrams + " datagrams on " + delayedLink.name()
                    + "; blackholed " + droppedDatagrams + " on " + cutLink.name());
            assertTrue(Long.parseLong(HerdProcess.json(ended1, "frames_received")) > 0, "call 1 carried no frames: " + ended1);
            assertTrue(Long.parseLong(HerdProcess.json(ended2, "frames_received")) > 0, "call 2 carried no frames: " + ended2);
            long perImpairment = (long) IMPAIRED_SECONDS * 2 * 50 * LoopbackNetwork.RATE_MIX;
            assertTrue(delayedDatagrams >= perImpairment, "the delay held back only " + delayedDatagrams + " datagrams");
            assertTrue(droppedDatagrams >= perImpairment, "the blackhole dropped only " + droppedDatagrams + " datagrams");

            // The whole run, every second from the first window to the last (call set-ups and
            // tear-downs included), is one sequence per link and direction.
            long runStart = windows.values().iterator().next()[0];
            long runEnd = windows.values().stream().mapToLong(w -> w[1]).max().orElseThrow();
            int runSeconds = (int) ((runEnd - runStart) / TimeUnit.SECONDS.toNanos(1));
            StringBuilder report = new StringBuilder();
            List<String> failures = new ArrayList<>();
            Set<Integer> sizes = new TreeSet<>();
            for (LoopbackNetwork.Link l : net.links()) {
                List<Observation> seen = l.relay().observations();
                int expected = 50 * l.rate();
                for (Direction d : Direction.values()) {
                    int[] run = ConstantRate.perSecond(seen, d, runStart, runSeconds, l.rate());
                    failures.add(ConstantRate.check(l.name() + " " + d, run, expected));
                    report.append(String.format("%-22s %-8s %s%n", l.name(), d, Arrays.toString(run)));
                    // Idle vs in-call, the observer's question, per window (whole seconds inside it).
                    Map<String, Double> means = new TreeMap<>();
                    for (Map.Entry<String, long[]> w : windows.entrySet()) {
                        int[] in = secondsWithin(run, runStart, w.getValue());
                        String kind = w.getKey().startsWith("idle-") ? "idle" : w.getKey().startsWith("call-") ? "call" : null;
                        if (kind != null) {
                            means.merge(kind + " seconds", (double) in.length, Double::sum);
                            means.merge(kind + " datagrams", (double) Arrays.stream(in).sum(), Double::sum);
                        }
                        report.append(String.format("    %-40s %s%n", w.getKey(), Arrays.toString(in)));
                    }
                    report.append(String.format("    idle %.2f/s, in call %.2f/s%n", means.get("idle datagrams") / means.get("idle seconds"),
                            means.get("call datagrams") / means.get("call seconds")));
                }
                for (Observation o : seen) {
                    if (o.nanoTime() - runStart >= 0 && o.nanoTime() - runEnd < 0) {
                        sizes.add(o.size());
                    }
                }
            }
            System.out.println("WireInvariantsSystemTest: per-second datagram counts\n" + report);
            failures.removeIf(String::isEmpty);
            assertTrue(failures.isEmpty(), String.join("\n", failures));
            assertTrue(sizes.size() == 1, "one datagram size on every observed link in the windows: " + sizes);
        }
    }

    /** Observes for {@code seconds} (plus two ticks, room for the bins' phase); returns {start, end, seconds}. */
    private static long[] window(int seconds) throws InterruptedException {
        long start = System.nanoTime();
        Thread.sleep(seconds * 1000L + 2 * TimeUnit.NANOSECONDS.toMillis(ConstantRate.TICK_NANOS));
        return new long[] {start, System.nanoTime(), seconds};
    }

    /** The counts of {@code run} (guard second first, second 0 starting at about {@code runStart}) whose seconds lie inside {@code window}. */
    private static int[] secondsWithin(int[] run, long runStart, long[] window) {
        long second = TimeUnit.SECONDS.toNanos(1);
        int first = (int) ((window[0] - runStart + second - 1) / second);
        int last = (int) ((window[1] - runStart) / second) - 1;
        return first > last ? new int[0] : Arrays.copyOfRange(run, first + 1, last + 2);
    }

    private static String summary(String ended) {
        return "frames sent " + HerdProcess.json(ended, "frames_sent") + " received " + HerdProcess.json(ended, "frames_received");
    }
}
