package org.herd.systemtest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code herd devnet} as real processes on loopback: two zones of two Mixes, a directory per
 * zone, two clients (8 JVMs). The self-test call must carry its frames intact through the
 * inter-zone delay, and the inter-zone links must look the same on the wire with and without it;
 * a SIGKILLed Mix must be dropped by all its peers (its links fall silent) and its client must
 * re-join the zone's other Mix and register again; Ctrl-C (SIGTERM) and even SIGKILL of devnet must leave no child running.
 */
class DevnetSystemTest {

    private static final int ZONE_DELAY_MS = 20;

    @Test
    @Timeout(value = 240, unit = TimeUnit.SECONDS)
    void selfTestCallCarriesFramesIntactAcrossZones(@TempDir Path dir) throws Exception {
        try (DevnetProcess devnet = new DevnetProcess(dir.resolve("devnet.err"), "devnet", "--self-test", "--json",
                "--seconds", "4", "--zone-delay-ms", Integer.toString(ZONE_DELAY_MS), "--state-dir", dir.resolve("net").toString())) {
            assertTrue(devnet.process.waitFor(200, TimeUnit.SECONDS), "devnet --self-test did not finish");
            List<String> lines = devnet.lines();
            assertFalse(lines.isEmpty(), "no output");
            String json = lines.get(lines.size() - 1);
            assertEquals("true", field(json, "call_established"), json);
            assertEquals(0, devnet.process.exitValue(), json);
            long sent = Long.parseLong(field(json, "frames_sent"));
            long received = Long.parseLong(field(json, "frames_received"));
            // 4 s each way at one frame per 20 ms tick: about 400 frames; at least 95 % must arrive.
            assertTrue(sent >= 350, json);
            assertTrue(received >= 0.95 * sent, json);
            assertEquals("0", field(json, "frames_corrupted"), json);
            // The emulated inter-zone delay is on the path: the one-way delay cannot be below it.
            double p50 = Double.parseDouble(field(json, "one_way_delay_ms_p50"));
            assertTrue(p50 >= ZONE_DELAY_MS, json);
            double added = Double.parseDouble(field(json, "added_delay_ms_p50"));
            assertEquals(p50 - ZONE_DELAY_MS, added, 0.02, json);
            double mos = Double.parseDouble(field(json, "mos"));
            assertTrue(mos > 1 && mos <= 4.5, json);
            // What an observer of the inter-zone links sees: one datagram size, the same rate with
            // and without the call — 4 inter-zone links x 2 directions x 8 cells per 20 ms = 3200/s.
            Matcher sizes = Pattern.compile("\"wire_datagram_sizes\":\\[(\\d+)\\]").matcher(json);
            assertTrue(sizes.find(), "exactly one datagram size on the wire: " + json);
            double idle = Double.parseDouble(field(json, "wire_idle_datagrams_per_s"));
            double during = Double.parseDouble(field(json, "wire_call_datagrams_per_s"));
            assertEquals(3200, idle, 320, json);
            assertEquals(idle, during, 0.05 * idle, json);
        }
    }

    @Test
    @Timeout(value = 240, unit = TimeUnit.SECONDS)
    void aKilledMixIsDroppedByItsPeersAndStoppingDevnetStopsEveryChild(@TempDir Path dir) throws Exception {
        // SIGTERM: the shutdown hook stops the children.
        List<ProcessHandle> children;
        try (DevnetProcess devnet = new DevnetProcess(dir.resolve("term.err"), "devnet", "--state-dir", dir.resolve("term").toString())) {
            children = awaitChildren(devnet);
            // First alice's Mix is SIGKILLed: no close_notify, but its constant-rate links fall silent,
            // and every peer (3 Mixes, 2 directories) closes its link to it within seconds.
            for (String mix : List.of("azone-mix0", "azone-mix1", "bzone-mix0", "bzone-mix1")) {
                assertNotNull(devnet.await("[" + mix + "] {\"event\":\"ready\"}", 60_000), mix + " not ready");
            }
            assertNotNull(devnet.await("[alice] {\"event\":\"ready\"}", 60_000), "alice not registered");
            // alice's Mix is the one her zone directory sent her to at JOIN (a uniform draw).
            String joined = devnet.await(l -> l.startsWith("[alice] {\"event\":\"joined\""), 1000);
            assertNotNull(joined, "alice did not join");
            Matcher jm = Pattern.compile("\"mix\":\"([0-9a-f]{64})\"").matcher(joined);
            assertTrue(jm.find(), joined);
            String victim = devnet.await(l -> l.contains("azone-mix") && l.contains(" pid ") && l.endsWith(jm.group(1)), 1000);
            assertNotNull(victim);
            Matcher m = Pattern.compile(" pid (\\d+) .* ([0-9a-f]{64})$").matcher(victim);
            assertTrue(m.find(), victim);
            ProcessHandle.of(Long.parseLong(m.group(1))).orElseThrow().destroyForcibly();
            String killed = m.group(2);
            String victimName = victim.trim().split(" +")[0];
            for (String peer : List.of("azone-mix0", "azone-mix1", "bzone-mix0", "bzone-mix1", "azone-directory", "bzone-directory")) {
                if (peer.equals(victimName)) {
                    continue;
                }
                assertNotNull(devnet.await(l -> l.startsWith("[" + peer + "] {\"event\":\"link_down\"") && l.contains(killed),
                        15_000), peer + " did not drop its link to the killed Mix");
            }
            // alice was attached to the killed Mix: she re-joins the other Mix of her zone and registers again (§3.5).
            String rejoin = devnet.await(l -> l.startsWith("[alice] {\"event\":\"rejoin\""), 20_000);
            assertNotNull(rejoin, "alice did not re-join");
            assertFalse(rejoin.contains(killed), "re-joined the dead Mix: " + rejoin);
            String registered = "[alice] {\"event\":\"registered\",\"zone\":\"azone\",\"status\":0}";
            assertNotNull(devnet.await(l -> l.equals(registered)
                    && devnet.lines().stream().filter(registered::equals).count() >= 2, 20_000),
                    "alice did not register again after re-joining");
            devnet.process.destroy();
            assertTrue(devnet.process.waitFor(30, TimeUnit.SECONDS), "devnet did not stop on SIGTERM");
            assertAllGone(children, "SIGTERM");
        }
        String termErr = java.nio.file.Files.readString(dir.resolve("term.err"));
        assertFalse(termErr.contains("Exception"), "devnet stopped on SIGTERM with an error:\n" + termErr);
        // SIGKILL: devnet's hook cannot run; the children see their standard input end and stop.
        try (DevnetProcess devnet = new DevnetProcess(dir.resolve("kill.err"), "devnet", "--state-dir", dir.resolve("kill").toString())) {
            children = awaitChildren(devnet);
            devnet.process.destroyForcibly();
            assertTrue(devnet.process.waitFor(10, TimeUnit.SECONDS));
            assertAllGone(children, "SIGKILL");
        }
    }

    private static List<ProcessHandle> awaitChildren(DevnetProcess devnet) throws InterruptedException {
        assertNotNull(devnet.await("devnet: running", 120_000), "devnet did not start: " + devnet.lines());
        List<ProcessHandle> children = new ArrayList<>();
        Pattern pid = Pattern.compile(" pid (\\d+) ");
        for (String l : devnet.lines()) {
            Matcher m = pid.matcher(l);
            if (m.find()) {
                children.add(ProcessHandle.of(Long.parseLong(m.group(1))).orElseThrow());
            }
        }
        assertEquals(8, children.size(), "2 directories, 4 Mixes, 2 clients: " + devnet.lines());
        for (ProcessHandle h : children) {
            assertTrue(h.isAlive(), "child " + h.pid() + " died early");
        }
        return children;
    }

    private static void assertAllGone(List<ProcessHandle> children, String how) throws InterruptedException {
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        for (ProcessHandle h : children) {
            while (h.isAlive() && System.nanoTime() - end < 0) {
                Thread.sleep(100);
            }
            boolean alive = h.isAlive();
            if (alive) {
                h.destroyForcibly();
            }
            assertFalse(alive, "child " + h.pid() + " outlived devnet after " + how);
        }
    }

    private static String field(String json, String key) {
        Matcher m = Pattern.compile("\"" + Pattern.quote(key) + "\":(\"([^\"]*)\"|[^,}]+)").matcher(json);
        assertTrue(m.find(), "no " + key + " in " + json);
        return m.group(2) != null ? m.group(2) : m.group(1);
    }
}
