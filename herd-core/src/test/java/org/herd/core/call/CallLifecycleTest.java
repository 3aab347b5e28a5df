package org.herd.core.call;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.concurrent.TimeUnit;
import org.herd.core.wire.ControlMessages;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Call and registration life cycle: intra-zone calls, refusal, loss of a circuit mid-call, timeouts, retries. */
class CallLifecycleTest {

    @TempDir
    static java.nio.file.Path tmp;

    private static void assertNoSplices(TestNet t) {
        assertEquals(0, t.splices(), "splices left");
    }

    @Test
    void intraZoneCallsWorkIncludingWhenBothChoseTheSameRendezvousMix() throws Exception {
        TestNet t = new TestNet(tmp, "intraZone", TestNet.newSeed());
        t.zone("alpha", 2);
        int pairs = 8;
        for (int i = 0; i < 2 * pairs; i++) {
            t.client("c" + i, "alpha", i % 2);
        }
        t.settle();
        int sameRendezvous = 0;
        for (int i = 0; i < pairs; i++) {
            TestNet.ClientNode a = t.clients.get(2 * i);
            TestNet.ClientNode b = t.clients.get(2 * i + 1);
            Call call = a.client.call(b.certificate());
            t.net.run();
            assertEquals(Call.State.ACTIVE, call.state(), "pair " + i + " ended: " + call.endReason());
            sameRendezvous += call.circuit().lastHop().equals(b.client.inboundCircuit("alpha").lastHop()) ? 1 : 0;
            call.sendFrame(CallTest.frame(i, 1), 0, 160);
            b.incoming.get(0).sendFrame(CallTest.frame(i, 2), 0, 160);
            t.net.run();
            assertEquals(1, b.frames.size());
            assertEquals(1, a.frames.size());
            call.hangUp();
            t.net.run();
            t.tick(); // the rendezvous Mixes top their pools up between calls
        }
        assertNoSplices(t);
        System.out.println("intraZone: " + sameRendezvous + " of " + pairs + " calls had R1 = R2");
    }

    @Test
    void aRingingCallRefusedByTheCalleeEndsCleanlyForTheCaller() throws Exception {
        TestNet t = TestNet.twoZones(tmp, "refuse", 2);
        TestNet.ClientNode alice = t.client("alice", "alpha", 0);
        TestNet.ClientNode bob = t.client("bob", "beta", 1);
        bob.autoAccept = false;
        t.settle();
        Call call = alice.client.call(bob.certificate());
        t.net.run();
        assertEquals(Call.State.CONNECTING, call.state());
        assertEquals(Call.State.RINGING, bob.incoming.get(0).state());
        bob.incoming.get(0).hangUp();
        t.net.run();
        assertEquals(Call.State.ENDED, call.state());
        assertEquals(ControlMessages.END_REFUSED, call.endReason());
        assertNoSplices(t);
    }

    @Test
    void losingTheCallersCircuitMidCallResumesTheCallOnARebuiltCircuit() throws Exception {
        TestNet.CallSetup s = TestNet.activeCall(tmp, "lostCircuit", 2);
        var lost = s.call().circuit();
        lost.destroy();
        s.t().net.run();
        assertEquals(Call.State.ACTIVE, s.answer().state(), "the callee's half waits at R2");
        assertEquals(1, s.t().parkedCalls());
        s.t().settle();
        assertTrue(s.alice().client.outboundCircuit("alpha") != lost);
        assertEquals(Call.State.ACTIVE, s.call().state());
        assertTrue(!s.call().isResuming());
        assertEquals(1, s.call().resumes());
        assertEquals(0, s.t().parkedCalls());
        assertTrue(s.call().sendFrame(new byte[160], 0, 160));
        assertTrue(s.answer().sendFrame(new byte[160], 0, 160));
        s.t().net.run();
        assertEquals(1, s.alice().frames.size());
        assertEquals(1, s.bob().frames.size());
        s.call().hangUp();
        s.t().net.run();
        assertEquals(Call.State.ENDED, s.answer().state());
        assertEquals(ControlMessages.END_HANGUP, s.answer().endReason());
        assertNoSplices(s.t());
    }

    @Test
    void aLookupWithoutAnswerTimesOutAtItsDeadlineAndNotBefore() throws Exception {
        TestNet t = TestNet.twoZones(tmp, "lookupTimeout", 2);
        TestNet.ClientNode alice = t.client("alice", "alpha", 0);
        TestNet.ClientNode bob = t.client("bob", "beta", 1);
        t.settle();
        // Every copy of the LOOKUP gets no answer: the set-up fails after MAX_SENDS copies, at the
        // step deadline, with TIMEOUT.
        t.loseDirectoryReplies = CallClient.MAX_SENDS;
        Call call = alice.client.call(bob.certificate());
        t.net.run();
        assertEquals(Call.State.LOOKING_UP, call.state());
        for (int i = 1; i < 50; i++) {
            t.clock.advance(100, TimeUnit.MILLISECONDS);
            t.tick();
        }
        t.clock.advance(TimeUnit.MILLISECONDS.toNanos(100) - 1, TimeUnit.NANOSECONDS);
        t.tick();
        assertEquals(Call.State.LOOKING_UP, call.state());
        assertEquals(CallClient.MAX_SENDS - 1, alice.client.counters().retransmissions(),
                "the LOOKUP is re-sent, a bounded number of times");
        assertEquals(0, t.loseDirectoryReplies, "each copy reached the directory");
        t.clock.advance(1, TimeUnit.NANOSECONDS);
        t.tick();
        assertEquals(Call.State.ENDED, call.state());
        assertEquals(Call.TIMEOUT, call.endReason());
        assertEquals(List.of(Call.TIMEOUT), alice.ended);
        Call again = alice.client.call(bob.certificate());
        t.net.run();
        assertEquals(Call.State.ACTIVE, again.state());
    }

    @Test
    void aRegistrationWithoutAnswerIsRetriedAfterItsDeadline() {
        TestNet t = new TestNet(tmp, "registerRetry", TestNet.newSeed());
        t.zone("alpha", 2);
        t.loseDirectoryReplies = 1;
        TestNet.ClientNode bob = t.client("bob", "alpha", 0);
        t.settle();
        assertTrue(!bob.client.isRegistered("alpha"));
        assertTrue(t.mixes("alpha").stream().mapToInt(m -> m.mix().pendingControlState()).sum() > 0);
        t.clock.advance(5, TimeUnit.SECONDS);
        t.settle();
        assertTrue(bob.client.isRegistered("alpha"));
        assertEquals(ControlMessages.STATUS_OK, bob.registered.get("alpha"));
        // The unanswered request expired at the Mix: no state is left behind.
        assertEquals(0, t.mixes("alpha").stream().mapToInt(m -> m.mix().pendingControlState()).sum());
    }

    @Test
    void aRendezvousMixWithNoSpareCircuitRefusesInsteadOfBuildingOneOnTheCriticalPath() throws Exception {
        TestNet t = new TestNet(tmp, "poolEmpty", TestNet.newSeed(), new org.herd.core.circuit.Mix.Config(1,
                TimeUnit.SECONDS.toNanos(5), 64, TimeUnit.SECONDS.toNanos(5)));
        t.zone("alpha", 1);
        t.zone("beta", 1);
        TestNet.ClientNode alice = t.client("alice", "alpha", 0);
        TestNet.ClientNode carol = t.client("carol", "alpha", 0);
        TestNet.ClientNode bob = t.client("bob", "beta", 0);
        TestNet.ClientNode dave = t.client("dave", "beta", 0);
        t.settle();
        Call first = alice.client.call(bob.certificate());
        t.net.run();
        assertEquals(Call.State.ACTIVE, first.state());
        Call second = carol.client.call(dave.certificate());
        t.net.run();
        assertEquals(Call.State.ENDED, second.state());
        assertEquals(ControlMessages.END_NO_CIRCUIT, second.endReason());
        t.tick();
        Call third = carol.client.call(dave.certificate());
        t.net.run();
        assertEquals(Call.State.ACTIVE, third.state());
    }

    @Test
    void aDirectoryThatSubstitutesTheCalleesOnionKeyIsCaught() throws Exception {
        TestNet t = TestNet.twoZones(tmp, "lyingDirectory", 2);
        TestNet.ClientNode alice = t.client("alice", "alpha", 0);
        TestNet.ClientNode bob = t.client("bob", "beta", 1);
        TestNet.ClientNode mallory = t.client("mallory", "beta", 0);
        t.settle();
        var malloryAnswer = t.lookup("beta", mallory.key.publicKey());
        // 1. Mallory's onion key and binding in place of bob's: the binding is not by bob's key.
        t.answerRewriter = a -> new ControlMessages.Answer(a.requestId(), a.status(), a.rendezvous(), a.cookie(),
                malloryAnswer.onionKey(), malloryAnswer.bindingUntil(), malloryAnswer.bindingSignature());
        Call call = alice.client.call(bob.certificate());
        t.net.run();
        assertEquals(Call.State.ENDED, call.state());
        assertEquals(Call.BAD_ANSWER, call.endReason());
        assertTrue(bob.incoming.isEmpty());
        // 2. Bob's binding but Mallory's rendezvous and cookie: the binding names bob's rendezvous
        // Mix and cookie, so the caller refuses the redirection before any CONNECT leaves it.
        t.answerRewriter = a -> new ControlMessages.Answer(a.requestId(), a.status(), malloryAnswer.rendezvous(),
                malloryAnswer.cookie(), a.onionKey(), a.bindingUntil(), a.bindingSignature());
        t.tick();
        Call second = alice.client.call(bob.certificate());
        t.net.run();
        assertEquals(Call.State.ENDED, second.state());
        assertTrue(mallory.incoming.isEmpty(), "the redirected call never reaches mallory");
        assertEquals(Call.BAD_ANSWER, second.endReason());
        // 3. Bob's answer, cookie changed: the binding covers the cookie too.
        t.answerRewriter = a -> new ControlMessages.Answer(a.requestId(), a.status(), a.rendezvous(), malloryAnswer.cookie(),
                a.onionKey(), a.bindingUntil(), a.bindingSignature());
        t.tick();
        Call third = alice.client.call(bob.certificate());
        t.net.run();
        assertEquals(Call.BAD_ANSWER, third.endReason());
        // 4. The truth still works.
        t.answerRewriter = a -> a;
        t.tick();
        Call fourth = alice.client.call(bob.certificate());
        t.net.run();
        assertEquals(Call.State.ACTIVE, fourth.state());
        fourth.hangUp();
        t.net.run();
        assertNoSplices(t);
    }
}
