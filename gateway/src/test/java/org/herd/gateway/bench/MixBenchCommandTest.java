package org.herd.gateway.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.herd.gateway.cli.HerdMain;
import org.herd.gateway.devnet.JsonLines;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * {@code herd bench mix} end to end: real processes on loopback (two Mixes, a zone directory, a
 * client simulator with 20 clients), then the JSON figures checked against what the configured
 * rates and calls imply; bad arguments refused before anything starts; no child outlives the
 * bench, even a SIGKILLed one.
 */
class MixBenchCommandTest {

    private static final int CLIENTS = 20;
    private static final int CLIENT_RATE = 2;
    private static final int MIX_RATE = 16;
    private static final int SECONDS = 3;

    @Test
    void badArgumentsAreRefusedWithAClearMessage() {
        for (String[] args : List.of(new String[] {"--clients", "3"}, new String[] {"--seconds", "0"},
                new String[] {"--client-rate", "0"}, new String[] {"--mix-rate", "1001"}, new String[] {"--clients", "many"})) {
            StringWriter err = new StringWriter();
            CommandLine cl = HerdMain.commandLine();
            cl.setErr(new PrintWriter(err));
            List<String> all = new ArrayList<>(List.of("bench", "mix"));
            all.addAll(List.of(args));
            int status = cl.execute(all.toArray(String[]::new));
            assertEquals(2, status, String.join(" ", args) + ": " + err);
            assertTrue(err.toString().contains(args[0]), "the message names the option " + args[0] + ": " + err);
        }
    }

    @Test
    @Timeout(value = 150, unit = TimeUnit.SECONDS)
    void twentyClientsFiguresMatchTheRatesAndCallsCarryFramesEndToEnd(@TempDir Path dir) throws Exception {
        Path stderr = dir.resolve("bench.err");
        Process bench = start(stderr, "--clients", Integer.toString(CLIENTS), "--seconds", Integer.toString(SECONDS),
                "--warmup", "1", "--client-rate", Integer.toString(CLIENT_RATE), "--mix-rate", Integer.toString(MIX_RATE), "--json");
        Set<ProcessHandle> children = watchChildren(bench);
        String out = new String(bench.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(bench.waitFor(140, TimeUnit.SECONDS), "bench did not finish");
        String err = Files.readString(stderr);
        assertEquals(0, bench.exitValue(), out + err);
        String[] lines = out.strip().split("\n");
        assertEquals(1, lines.length, "with --json only the JSON object on standard output: " + out);
        String json = lines[0];
        System.out.println(json);

        // Every client linked to the measured Mix and registered; every call connected.
        assertEquals(CLIENTS, number(json, "client_links_up"), json);
        assertEquals(CLIENTS, number(json, "clients_ready"), json);
        int calls = CLIENTS / 4;
        assertEquals(calls, number(json, "calls"), json);
        assertEquals(2 * calls, number(json, "call_legs_active"), json);

        // The Mix's cells: every link constant rate, both directions — the client links, one
        // link to the other Mix, one to the directory (rate 2) — whatever the calls carry.
        double expected = 2 * 50 * (CLIENTS * CLIENT_RATE + MIX_RATE + 2);
        assertEquals(expected, number(json, "expected_cells_per_second"), 0.01, json);
        assertEquals(expected, number(json, "cells_per_second"), 0.03 * expected, json);

        // Calls carried frames end to end: one frame per 20 ms each way in each call; none
        // corrupted; at most 10 % lost. Loss is not zero on a shared 2-core machine with a load
        // average above 10: a process descheduled for 100+ ms sends its backlog back to back,
        // and a burst of more than 8 frames for one client overflows that link's slot queue at
        // the next hop (dropped by design, never delayed; counted in mix_send_drops).
        double windowFrames = number(json, "window_frames_sent");
        assertEquals(calls * 2 * 50.0 * number(json, "seconds"), windowFrames, 0.15 * windowFrames, json);
        double sent = number(json, "frames_sent");
        double received = number(json, "frames_received");
        assertTrue(sent >= windowFrames, json);
        assertTrue(received >= 0.90 * sent && received <= sent, json);
        assertEquals(0, number(json, "frames_corrupted"), json);

        // The measured figures are there and plausible.
        assertTrue(number(json, "mix_cpu_percent") > 0, json);
        assertTrue(number(json, "client_sim_cpu_percent") > 0, json);
        assertTrue(number(json, "baseline_udp_send_receive_us") > 0, json);
        assertTrue(number(json, "heap_mb") > 0 && number(json, "heap_mb_after_clients_left") > 0, json);
        assertTrue(Double.isFinite(number(json, "heap_kb_per_client")), json);
        // The per-client heap's second point: every other pair of clients (indexes 2, 3, 6, 7, ...) left.
        long stoppedPairs = 0;
        for (int i = 0; i < CLIENTS; i++) {
            stoppedPairs += (i / 2) % 2;
        }
        assertEquals(CLIENTS - stoppedPairs, number(json, "heap_half_clients"), json);
        assertTrue(number(json, "heap_mb_half_clients") > 0, json);
        assertTrue(number(json, "late_slots") >= 0 && number(json, "load_average_end") >= 0, json);

        // Four children (directory, two Mixes, the client simulator), all gone; the state directory too.
        assertEquals(4, children.size(), "children seen: " + children);
        assertAllGone(children);
        Matcher state = Pattern.compile("state in (\\S+)").matcher(err);
        assertTrue(state.find(), err);
        assertFalse(Files.exists(Path.of(state.group(1))), "state directory left behind: " + state.group(1));
    }

    @Test
    @Timeout(value = 120, unit = TimeUnit.SECONDS)
    void aKilledBenchLeavesNoChildRunning(@TempDir Path dir) throws Exception {
        Path stderr = dir.resolve("bench.err");
        Process bench = start(stderr, "--clients", "8", "--seconds", "60", "--json");
        Set<ProcessHandle> children = watchChildren(bench);
        // Killed once all four children (directory, two Mixes, the client simulator) run.
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
        while (children.size() < 4) {
            assertTrue(System.nanoTime() - end < 0 && bench.isAlive(), "bench did not start its children: " + Files.readString(stderr));
            Thread.sleep(100);
        }
        Thread.sleep(1000);
        assertEquals(4, children.size(), "children seen: " + children);
        // SIGKILL: no shutdown hook runs; the children see their standard input end and stop.
        bench.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        assertAllGone(children);
        // Nothing could delete the state directory of a SIGKILLed bench: this test does.
        Matcher state = Pattern.compile("state in (\\S+)").matcher(Files.readString(stderr));
        if (state.find()) {
            org.herd.gateway.devnet.StateDirectory.deleteTree(Path.of(state.group(1)));
        }
    }

    private static Process start(Path stderr, String... args) throws Exception {
        // Surefire may hide the classpath in a manifest-only jar; it publishes the real one here.
        String cp = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx128m", "-cp", cp, "org.herd.gateway.cli.HerdMain", "bench", "mix"));
        cmd.addAll(List.of(args));
        return new ProcessBuilder(cmd).redirectError(stderr.toFile()).start();
    }

    /** Collects the process's children while it runs (they may be gone by the time we look). */
    private static Set<ProcessHandle> watchChildren(Process p) {
        Set<ProcessHandle> seen = ConcurrentHashMap.newKeySet();
        Thread t = new Thread(() -> {
            while (p.isAlive()) {
                p.children().forEach(seen::add);
                try {
                    Thread.sleep(100);
                } catch (InterruptedException e) {
                    return;
                }
            }
        }, "children");
        t.setDaemon(true);
        t.start();
        return seen;
    }

    private static void assertAllGone(Set<ProcessHandle> children) throws InterruptedException {
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        for (ProcessHandle h : children) {
            while (h.isAlive() && System.nanoTime() - end < 0) {
                Thread.sleep(100);
            }
            boolean alive = h.isAlive();
            if (alive) {
                h.destroyForcibly();
            }
            assertFalse(alive, "child " + h.pid() + " " + h.info().commandLine().orElse("") + " outlived the bench");
        }
    }

    private static double number(String json, String key) {
        String v = JsonLines.field(json, key);
        assertNotNull(v, "no " + key + " in " + json);
        return Double.parseDouble(v);
    }
}
