package org.herd.core.call;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.herd.core.circuit.CircuitTable;
import org.herd.core.circuit.Mix;
import org.herd.core.wire.ControlMessages;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Memory upkeep at the Mixes ({@link Mix#IDLE_SWEEP_NANOS}): circuits that carry no cell drop
 * their onion layers' AES instances, circuits that carry a call keep them and lose no frame, and a
 * circuit whose ciphers were dropped carries the next call as before.
 */
class IdleCipherReleaseTest {

    @TempDir
    static Path tmp;

    private static final long TICK_MS = 20;
    /** Two sweep periods and a tick: every circuit idle throughout has been swept at least twice. */
    private static final int TICKS = (int) (2 * TimeUnit.NANOSECONDS.toMillis(Mix.IDLE_SWEEP_NANOS) / TICK_MS) + 1;

    /** Ticks with one frame each way per tick while {@code call} is active; returns frames sent each way. */
    private static int talk(TestNet t, Call call, Call answer, int ticks) {
        for (int i = 0; i < ticks; i++) {
            call.sendFrame(CallTest.frame(i, 1), 0, 160);
            answer.sendFrame(CallTest.frame(i, 2), 0, 160);
            t.clock.advance(TICK_MS, TimeUnit.MILLISECONDS);
            t.tick();
        }
        return ticks;
    }

    private static void idle(TestNet t, int ticks) {
        for (int i = 0; i < ticks; i++) {
            t.clock.advance(TICK_MS, TimeUnit.MILLISECONDS);
            t.tick();
        }
    }

    /** AES instances held by the onion layers of every circuit through every Mix. */
    private static int ciphers(TestNet t) {
        int n = 0;
        for (TestNet.MixNode m : t.allMixes) {
            for (CircuitTable.Entry e : m.mix().table().entries()) {
                n += e.relay().cipherCount();
            }
        }
        return n;
    }

    private static long released(TestNet t) {
        long n = 0;
        for (TestNet.MixNode m : t.allMixes) {
            n += m.mix().counters().idleLayersReleased();
        }
        return n;
    }

    @Test
    void idleCircuitsDropTheirCiphersWhileTheCallKeepsItsAndTheNextCallWorks() throws Exception {
        TestNet.CallSetup s = TestNet.activeCall(tmp, "idleCiphers", 2);
        TestNet t = s.t();
        int sent = talk(t, s.call(), s.answer(), TICKS);
        assertEquals(sent, s.bob().frames.size(), "no frame lost to the sweeps");
        assertEquals(sent, s.alice().frames.size(), "no frame lost to the sweeps");
        assertTrue(released(t) > 0, "the clients' other circuits went idle and were swept");
        int spliced = 0;
        for (TestNet.MixNode m : t.allMixes) {
            for (CircuitTable.Entry e : m.mix().table().entries()) {
                if (m.mix().table().isSpliced(e)) {
                    spliced++;
                    assertTrue(e.relay().cipherCount() > 0, "a circuit carrying the call keeps its ciphers: " + e);
                }
            }
        }
        assertTrue(spliced >= 2, "the call is spliced at R1 and R2");
        int inCall = ciphers(t);

        s.call().hangUp();
        t.net.run();
        idle(t, TICKS);
        assertEquals(0, ciphers(t), "no circuit carried a cell for two sweeps (had " + inCall + " in the call)");

        // The circuits whose ciphers were dropped carry the next call both ways.
        int framesBefore = s.bob().frames.size();
        Call again = s.alice().client.call(s.bob().certificate());
        t.net.run();
        assertEquals(Call.State.ACTIVE, again.state(), "second call: " + again.endReason());
        Call answer = s.bob().incoming.get(s.bob().incoming.size() - 1);
        talk(t, again, answer, 10);
        assertEquals(framesBefore + 10, s.bob().frames.size());
        assertTrue(ciphers(t) > 0);
        assertEquals(0, t.allDrops(), "nothing dropped as tampered or replayed");
    }

    /** Steps of one sweep period, {@code steps} times; {@code each} runs before each step. */
    private static void sweeps(TestNet t, int steps, Runnable each) {
        for (int i = 0; i < steps; i++) {
            each.run();
            t.clock.advance(Mix.IDLE_SWEEP_NANOS, TimeUnit.NANOSECONDS);
            t.tick();
        }
    }

    /**
     * A splice that carries no cell for {@link Mix#SPLICE_IDLE_NANOS} (both parties silent, no END
     * — as when every copy of it was lost) is ended at the rendezvous Mixes: END(IDLE) reaches both
     * parties and no splice is left. A call that carries a frame every sweep period stays up.
     */
    @Test
    void aSpliceIdleForFiveMinutesIsEndedBothWaysAndABusyOneIsNot() throws Exception {
        TestNet.CallSetup s = TestNet.activeCall(tmp, "idleSplice", 2);
        TestNet t = s.t();
        int steps = (int) (Mix.SPLICE_IDLE_NANOS / Mix.IDLE_SWEEP_NANOS) + 2;
        int[] n = {0};
        // One frame each way per sweep period: never idle for a whole period.
        sweeps(t, steps, () -> {
            s.call().sendFrame(CallTest.frame(n[0], 1), 0, 160);
            s.answer().sendFrame(CallTest.frame(n[0]++, 2), 0, 160);
        });
        assertEquals(Call.State.ACTIVE, s.call().state(), "ended: " + s.call().endReason());
        assertEquals(Call.State.ACTIVE, s.answer().state());
        assertEquals(steps, s.bob().frames.size());
        assertTrue(t.splices() >= 2);

        // Both fall silent without hanging up: after five minutes the splices go, both ends hear it.
        sweeps(t, steps, () -> { });
        assertEquals(Call.State.ENDED, s.call().state());
        assertEquals(ControlMessages.END_IDLE, s.call().endReason());
        assertEquals(Call.State.ENDED, s.answer().state());
        assertEquals(ControlMessages.END_IDLE, s.answer().endReason());
        assertEquals(0, t.splices(), "no splice left behind");
        long ended = 0;
        for (TestNet.MixNode m : t.allMixes) {
            ended += m.mix().counters().idleSplicesEnded();
        }
        assertTrue(ended >= 1);
    }
}
