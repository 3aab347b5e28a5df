package org.herd.systemtest;

import static org.herd.systemtest.HerdProcess.json;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A call survives the death of its caller's Mix, across processes (§3.5): on a
 * {@link LoopbackNetwork}, alice (azone, at {@code azone-mix0}) calls bob (bzone); both stream
 * numbered test frames; {@code azone-mix0} is SIGKILLed (its real pid: no close_notify, no
 * shutdown hook). alice's client notices the silence, re-joins the zone's other Mix, rebuilds its
 * circuits and resumes the call by its call id at bob's rendezvous Mix, where bob's half waited.
 *
 * <p>Measured at each end: the audio gap — from the last frame before the kill to the first after
 * the resume, as the receiving client timed them — which must stay under {@link #MAX_GAP_MS};
 * after it frames keep arriving (at least {@link #MIN_FRAMES_AFTER} more), every one intact, none
 * out of order (the frames' sequence numbers only increase).
 */
class ResumeSystemTest {

    /**
     * The gap is measured and printed; the bound only says the call came back well inside R2's
     * 15 s resume window. Most of the gap is failure detection (a link silent for 3 s): 3.1 s on a
     * quiet machine, 3.3-4.1 s at load 13-36, up to 5.8 s at load 18 when R1 noticed the dead Mix
     * after alice did and R2 held her RESUME until the lost half was torn down.
     */
    private static final double MAX_GAP_MS = 10_000;
    /** 2 s of frames after the resume at one per 20 ms tick is 100; allow for a loaded machine. */
    private static final int MIN_FRAMES_AFTER = 50;

    @Test
    @Timeout(value = 210, unit = TimeUnit.SECONDS)
    void aCallResumesAfterTheCallersMixIsKilled(@TempDir Path dir) throws Exception {
        try (LoopbackNetwork net = LoopbackNetwork.start(dir, false)) {
            net.awaitReady(120);
            DevnetProcess alice = net.process("alice");
            DevnetProcess bob = net.process("bob");
            net.call("alice", "bob");
            // Only what follows the established call counts.
            int aliceFrom = alice.lines().size();
            int bobFrom = bob.lines().size();
            Thread.sleep(2000);
            long pid = alice.process.pid();
            long mixPid = net.process("azone-mix0").process.pid();
            long killedAt = System.nanoTime();
            net.kill("azone-mix0");
            System.out.println("ResumeSystemTest: SIGKILLed azone-mix0 (pid " + mixPid + "), alice is pid " + pid);

            String rejoin = alice.await("\"event\":\"rejoin\"", 15_000);
            assertNotNull(rejoin, "alice did not re-join: " + alice.lines());
            String resumed = alice.await("\"event\":\"resumed\"", 20_000);
            long resumedAfter = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - killedAt);
            assertNotNull(resumed, "the call did not resume: " + alice.lines());
            // Frames on both ways after the resume.
            assertNotNull(bob.await("\"event\":\"frame_gap\"", 10_000), "bob got no frames after the resume: " + bob.lines());
            assertNotNull(alice.await("\"event\":\"frame_gap\"", 10_000), "alice got no frames after the resume: " + alice.lines());
            Thread.sleep(2000);
            String aliceEnded = net.hangUp("alice", "bob");
            assertNotNull(bob.await(l -> since(bob, bobFrom).stream().anyMatch(x -> x.contains("\"event\":\"ended\"")), 10_000),
                    "bob's side did not end: " + bob.lines());
            String bobEnded = since(bob, bobFrom).stream().filter(l -> l.contains("\"event\":\"ended\"")).findFirst().orElseThrow();

            StringBuilder figures = new StringBuilder("ResumeSystemTest: resumed " + resumedAfter + " ms after the kill");
            for (DevnetProcess p : List.of(bob, alice)) {
                String who = p == bob ? "bob (alice's frames)" : "alice (bob's frames)";
                String ended = p == bob ? bobEnded : aliceEnded;
                // The resume gap is the longest; a stall of the loaded machine may add short ones.
                String gap = since(p, p == bob ? bobFrom : aliceFrom).stream().filter(l -> l.contains("\"event\":\"frame_gap\""))
                        .max(Comparator.comparingDouble(l -> Double.parseDouble(json(l, "gap_ms")))).orElseThrow();
                double gapMs = Double.parseDouble(json(gap, "gap_ms"));
                long before = Long.parseLong(json(gap, "received_before"));
                long intact = Long.parseLong(json(ended, "frames_intact"));
                long after = intact - before - 1;
                figures.append("; at ").append(who).append(": gap ").append(gapMs).append(" ms (seq ")
                        .append(json(gap, "seq_before")).append(" -> ").append(json(gap, "seq_after")).append("), ")
                        .append(before).append(" frames before, ").append(after + 1).append(" from the first after, ended ")
                        .append(ended.replaceAll(",\"delays_us\":\\[[^]]*]", ""));
                assertTrue(gapMs < MAX_GAP_MS, who + ": audio gap " + gapMs + " ms; " + gap);
                // The kill interrupted the call (the Mix's silence is noticed after NodeLinks.SILENCE_MILLIS).
                assertTrue(gapMs > 1000, who + ": no interruption as long as a Mix failure; " + gap);
                assertTrue(before > 0, who + ": no frames before the kill; " + gap);
                assertTrue(after >= MIN_FRAMES_AFTER, who + ": only " + after + " frames after the resume; " + ended);
                assertEquals("0", json(ended, "frames_corrupted"), who + ": " + ended);
                assertEquals("0", json(ended, "frames_out_of_order"), who + ": " + ended);
                assertTrue(Long.parseLong(json(gap, "seq_after")) > Long.parseLong(json(gap, "seq_before")), gap);
            }
            System.out.println(figures);
            assertFalse(since(alice, aliceFrom).stream().anyMatch(l -> l.contains("\"event\":\"ended\"") && !l.equals(aliceEnded)),
                    "alice's call ended before the hang-up: " + alice.lines());
        }
    }

    private static List<String> since(DevnetProcess p, int from) {
        List<String> all = p.lines();
        return all.subList(Math.min(from, all.size()), all.size());
    }
}
