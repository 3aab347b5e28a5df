package org.herd.core.call;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.herd.core.circuit.Circuit;
import org.herd.core.wire.ControlMessages;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * §3.5 failure: a client whose Mix dies re-joins another Mix of its zone, rebuilds its circuits,
 * registers again, and resumes its active call (same call id, keys and frame counters) while the
 * other side's call stays ACTIVE. Voice runs at one frame per 20 ms tick both ways; the audio gap
 * is measured in ticks at each receiver and printed.
 */
class FailoverTest {

    @TempDir
    static Path tmp;

    private static final long TICK_NANOS = TimeUnit.MILLISECONDS.toNanos(20);
    /**
     * In memory every hop is instant: the link to the new Mix comes up in the tick of the failure,
     * circuits are built in it, RESUME goes out on the next poll, so at most 2 ticks are lost
     * (plus the silence limit when no link event tells the client).
     */
    private static final int MAX_GAP_TICKS = 2;

    /** Frames received per tick at alice and bob. */
    private record Stream(int[] aliceFrames, int[] bobFrames) {
    }

    /**
     * Sends one frame each way per tick for {@code ticks} ticks, running {@code atTick} before tick
     * {@code k}; {@code survivor}'s call must be ACTIVE and not resuming on every tick.
     */
    private static Stream stream(TestNet.CallSetup s, int ticks, int k, Runnable atTick, Call survivor) {
        int[] a = new int[ticks];
        int[] b = new int[ticks];
        byte[] frame = new byte[160];
        for (int i = 0; i < ticks; i++) {
            if (i == k) {
                atTick.run();
            }
            frame[0] = (byte) i;
            s.call().sendFrame(frame, 0, 160);
            s.answer().sendFrame(frame, 0, 160);
            s.t().clock.advance(TICK_NANOS, TimeUnit.NANOSECONDS);
            int aliceBefore = s.alice().frames.size();
            int bobBefore = s.bob().frames.size();
            s.t().tick();
            a[i] = s.alice().frames.size() - aliceBefore;
            b[i] = s.bob().frames.size() - bobBefore;
            assertEquals(Call.State.ACTIVE, survivor.state(), "the survivor's call at tick " + i);
            assertFalse(survivor.isResuming(), "the survivor never resumes");
        }
        return new Stream(a, b);
    }

    /** Ticks without a frame between the last one before tick {@code k} and the first after. */
    private static int gap(int[] perTick, int k) {
        int last = -1;
        for (int i = 0; i < k; i++) {
            if (perTick[i] > 0) {
                last = i;
            }
        }
        for (int i = k; i < perTick.length; i++) {
            if (perTick[i] > 0) {
                return i - last - 1;
            }
        }
        throw new AssertionError("frames never resumed after tick " + k);
    }

    private static void assertIncreasing(List<Long> numbers, String who) {
        for (int i = 1; i < numbers.size(); i++) {
            assertTrue(numbers.get(i) > numbers.get(i - 1),
                    who + " got frame " + numbers.get(i) + " after " + numbers.get(i - 1) + ": stale or reordered");
        }
    }

    private static void assertResumedAndFlowing(TestNet.CallSetup s, Stream st, int k, String label, int maxGap) {
        int aliceGap = gap(st.aliceFrames(), k);
        int bobGap = gap(st.bobFrames(), k);
        System.out.println(label + ": audio gap " + aliceGap + " ticks at the caller, " + bobGap
                + " ticks at the callee (" + TimeUnit.NANOSECONDS.toMillis(TICK_NANOS) + " ms per tick)");
        assertTrue(aliceGap <= maxGap, "caller's gap " + aliceGap);
        assertTrue(bobGap <= maxGap, "callee's gap " + bobGap);
        assertTrue(aliceGap + bobGap > 0, "a Mix died: some frames must have been lost");
        int n = st.aliceFrames().length;
        for (int i = n - 10; i < n; i++) {
            assertEquals(1, st.aliceFrames()[i], "caller receives one frame per tick after the resume");
            assertEquals(1, st.bobFrames()[i], "callee receives one frame per tick after the resume");
        }
        assertEquals(Call.State.ACTIVE, s.call().state());
        assertEquals(Call.State.ACTIVE, s.answer().state());
        assertEquals(s.call().callId(), s.answer().callId());
        assertIncreasing(s.alice().frameNumbers, "caller");
        assertIncreasing(s.bob().frameNumbers, "callee");
        assertEquals(0, s.t().parkedCalls());
        assertEquals(0, s.t().allDrops(), "no MAC failure, replay or tampering on the resumed path");
    }

    @Test
    void theCallersMixDiesMidCallAndTheCallResumes() throws Exception {
        TestNet.CallSetup s = TestNet.activeCall(tmp, "callerMixDies", 3);
        TestNet.MixNode m1 = s.alice().mixes.get(0);
        long callId = s.call().callId();
        Stream st = stream(s, 40, 10, () -> s.t().kill(m1, true), s.answer());
        assertResumedAndFlowing(s, st, 10, "caller's Mix killed", MAX_GAP_TICKS);
        assertEquals(callId, s.call().callId());
        assertEquals(1, s.call().resumes());
        assertEquals(1, s.alice().rejoins.size());
        assertNotEquals(m1.ref(), s.alice().rejoins.get(0));
        Circuit out = s.alice().client.outboundCircuit("alpha");
        assertNotEquals(m1.index(), out.peer(), "the caller's circuits run through its new Mix");
        assertTrue(s.alice().client.isRegistered("alpha"), "re-registered through the new Mix");
        var r = s.t().rendezvousOf("alpha", s.alice().key.publicKey());
        assertEquals(s.alice().client.inboundCircuit("alpha").lastHop().identity(), r);
    }

    @Test
    void aResumeThatOvertakesTheTeardownIsHeldUntilTheLostHalfIsParked() throws Exception {
        TestNet.CallSetup s = TestNet.activeCall(tmp, "resumeOvertakes", 3);
        TestNet.MixNode m1 = s.alice().mixes.get(0);
        long callId = s.call().callId();
        // alice notices her Mix's death at once; the other Mixes only 10 ticks later (their own
        // silence timers), so her RESUME reaches R2 while the call is still spliced there.
        Stream st = stream(s, 60, 10, () -> s.t().kill(m1, true, false), s.answer());
        long held = 0;
        for (TestNet.MixNode m : s.t().allMixes) {
            held += m.mix().counters().heldResumes();
        }
        assertEquals(1, held, "R2 holds the RESUME that reached it while the call was still spliced");
        assertTrue(s.call().isResuming(), "not resumed before the lost half is torn down");
        assertEquals(Call.State.ACTIVE, s.call().state(), "the early RESUME must not end the call");
        s.t().tellMixes(m1);
        Stream after = stream(s, 30, 0, () -> { }, s.answer());
        assertEquals(callId, s.call().callId());
        assertEquals(1, s.call().resumes());
        assertEquals(Call.State.ACTIVE, s.call().state());
        int n = after.aliceFrames().length;
        for (int i = n - 10; i < n; i++) {
            assertEquals(1, after.aliceFrames()[i], "caller receives one frame per tick after the resume");
            assertEquals(1, after.bobFrames()[i], "callee receives one frame per tick after the resume");
        }
        assertEquals(0, s.t().parkedCalls());
    }

    @Test
    void theCalleesMixDiesMidCallAndTheCallResumes() throws Exception {
        TestNet t = TestNet.twoZones(tmp, "calleeMixDies", 3);
        TestNet.ClientNode alice = t.client("alice", "alpha", 0);
        TestNet.ClientNode bob = t.client("bob", "beta", 1);
        t.settle();
        TestNet.MixNode m2 = bob.mixes.get(0);
        // The callee's rendezvous Mix R2 holds the caller's half: it must not be the Mix that dies
        // (then nothing is left to resume to; see theResumeAnchorDyingEndsTheCall...).
        for (int i = 0; i < 50 && bob.client.inboundCircuit("beta").lastHop().equals(m2.ref()); i++) {
            bob.client.inboundCircuit("beta").destroy();
            t.net.run();
            t.settle();
        }
        assertNotEquals(m2.ref(), bob.client.inboundCircuit("beta").lastHop());
        Call call = alice.client.call(bob.certificate());
        t.net.run();
        TestNet.CallSetup s = new TestNet.CallSetup(t, alice, bob, call, bob.incoming.get(0));
        // Here the caller is the survivor: it must stay ACTIVE throughout.
        Stream st = stream(s, 40, 10, () -> t.kill(m2, true), call);
        assertResumedAndFlowing(s, st, 10, "callee's Mix killed", MAX_GAP_TICKS);
        assertEquals(1, s.answer().resumes());
        assertEquals(0, s.call().resumes());
        assertTrue(bob.client.isRegistered("beta"));
        // And bob is callable again at his new registration.
        s.call().hangUp();
        t.net.run();
        assertEquals(0, t.splices());
        Call again = alice.client.call(bob.certificate());
        t.net.run();
        assertEquals(Call.State.ACTIVE, again.state());
    }

    @Test
    void aSilentMixIsNoticedAfterTheSilenceLimitAndTheCallResumes() throws Exception {
        TestNet.CallSetup s = TestNet.activeCall(tmp, "silentMix", 3);
        TestNet.MixNode m1 = s.alice().mixes.get(0);
        int limit = 3;
        s.alice().client.silenceLimit(limit);
        // No link event reaches the client: only the silence tells.
        Stream st = stream(s, 40, 10, () -> s.t().kill(m1, false), s.answer());
        assertResumedAndFlowing(s, st, 10, "caller's Mix silent", limit + MAX_GAP_TICKS);
        assertTrue(gap(st.aliceFrames(), 10) >= limit - 1, "not noticed before the silence limit");
        assertEquals(1, s.call().resumes());
    }

    @Test
    void aResumeThatCannotCompleteEndsBothSidesCleanlyWithAReason() throws Exception {
        TestNet t = new TestNet(tmp, "resumeFails", TestNet.newSeed());
        t.zone("alpha", 1); // the caller's zone has no other Mix to re-join
        t.zone("beta", 2);
        TestNet.ClientNode alice = t.client("alice", "alpha", 0);
        TestNet.ClientNode bob = t.client("bob", "beta", 1);
        t.settle();
        Call call = alice.client.call(bob.certificate());
        t.net.run();
        Call answer = bob.incoming.get(0);
        assertEquals(Call.State.ACTIVE, call.state());
        t.kill(alice.mixes.get(0), true);
        t.net.run();
        assertEquals(Call.State.ENDED, call.state());
        assertEquals(Call.RESUME_FAILED, call.endReason());
        assertEquals(Call.State.ACTIVE, answer.state(), "the callee's half waits for a resume");
        assertEquals(1, t.parkedCalls());
        long window = t.mixConfig.resumeWindowNanos();
        t.clock.advance(window - 1, TimeUnit.NANOSECONDS);
        t.tick();
        assertEquals(Call.State.ACTIVE, answer.state(), "not before the resume window ends");
        t.clock.advance(1, TimeUnit.NANOSECONDS);
        t.tick();
        assertEquals(Call.State.ENDED, answer.state());
        assertEquals(ControlMessages.END_DESTROYED, answer.endReason());
        assertEquals(0, t.parkedCalls());
        assertEquals(0, t.splices());
        for (TestNet.MixNode m : t.mixes("beta")) {
            assertEquals(0, m.mix().pendingControlState(), m.name() + " keeps no state of the call");
        }
    }

    @Test
    void aResumeForACallNoRendezvousMixHoldsIsRefused() throws Exception {
        TestNet.CallSetup s = TestNet.activeCall(tmp, "resumeUnknown", 2);
        TestNet.MixNode m1 = s.alice().mixes.get(0);
        // The callee hangs up while the caller's Mix is down: R2 forgets the parked half, so the
        // caller's RESUME finds nothing and the caller's call ends with END(NO_CALL).
        s.t().kill(m1, true);
        s.answer().hangUp();
        s.t().net.run();
        assertEquals(0, s.t().parkedCalls());
        for (int i = 0; i < 5 && s.call().state() != Call.State.ENDED; i++) {
            s.t().tick();
        }
        assertEquals(Call.State.ENDED, s.call().state());
        assertEquals(ControlMessages.END_NO_CALL, s.call().endReason());
        assertFalse(s.call().sendFrame(new byte[160], 0, 160));
        assertEquals(0, s.t().splices());
    }
}
