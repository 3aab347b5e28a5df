package org.herd.core.call;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.herd.core.circuit.Circuit;
import org.herd.core.circuit.CircuitTable;
import org.herd.core.circuit.ControlInjector;
import org.herd.core.circuit.LinkCircuit;
import org.herd.core.circuit.Mix;
import org.herd.core.wire.ControlMessages;
import org.herd.core.wire.RelayCommand;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Control messages survive lost cells (§3.3, §3.5): the client re-sends REGISTER, LOOKUP and
 * CONNECT with back-off, END goes in several copies, and whoever gets a copy twice handles it as a
 * duplicate (no second registration, splice or ring). One Mix per zone, so the path is fixed:
 * alice → M1 (= R1) → M2 (= R2) → bob, and "the n-th relay cell on a link" names one message.
 */
class RetransmissionTest {

    @TempDir
    static Path tmp;

    private record Net(TestNet t, TestNet.ClientNode alice, TestNet.ClientNode bob, TestNet.MixNode m1,
            TestNet.MixNode m2) {
    }

    private static Net net(String name) {
        TestNet t = TestNet.twoZones(tmp, name, 1);
        TestNet.ClientNode alice = t.client("alice", "alpha", 0);
        TestNet.ClientNode bob = t.client("bob", "beta", 0);
        t.settle();
        assertTrue(alice.client.isRegistered("alpha") && bob.client.isRegistered("beta"));
        return new Net(t, alice, bob, t.mixes("alpha").get(0), t.mixes("beta").get(0));
    }

    /** Ticks 20 ms at a time until {@code done} or {@code ms} have passed. */
    private static void tickUntil(TestNet t, long ms, BooleanSupplier done) {
        for (long i = 0; i < ms / 20 && !done.getAsBoolean(); i++) {
            t.clock.advance(20, TimeUnit.MILLISECONDS);
            t.tick();
        }
    }

    private static int splicedEntries(Mix mix) {
        int n = 0;
        for (CircuitTable.Entry e : mix.table().entries()) {
            n += mix.table().isSpliced(e) ? 1 : 0;
        }
        return n;
    }

    /** The call is active with exactly one splice at R1 (alice's circuit onto its own) and one at R2 (two entries). */
    private static void assertOneCall(Net n, Call call) {
        assertEquals(Call.State.ACTIVE, call.state(), "ended: " + call.endReason());
        assertEquals(1, n.bob().incoming.size(), "the callee rang once");
        assertEquals(Call.State.ACTIVE, n.bob().incoming.get(0).state());
        assertEquals(1, splicedEntries(n.m1().mix()), "R1 spliced once");
        assertEquals(2, splicedEntries(n.m2().mix()), "R2 spliced once");
        assertEquals(1, n.m1().mix().admittedCalls());
        assertEquals(1, n.m2().mix().admittedCalls());
    }

    private static Call callWithLoss(Net n, int from, int to, int... nth) throws CallException {
        n.t().dropRelayCells(from, to, nth);
        Call call = n.alice().client.call(n.bob().certificate());
        n.t().net.run();
        tickUntil(n.t(), 4_000, () -> call.state() != Call.State.LOOKING_UP && call.state() != Call.State.CONNECTING);
        assertEquals(nth.length, n.t().droppedCells, "the cells meant to be lost were lost");
        return call;
    }

    @Test
    void aLostLookupIsResentAndTheCallSetsUp() throws Exception {
        Net n = net("lostLookup");
        Call call = callWithLoss(n, n.alice().index, n.m1().index(), 1);
        assertOneCall(n, call);
        assertEquals(1, n.alice().client.counters().retransmissions());
    }

    @Test
    void aLostConnectIsResentAndTheCallSetsUp() throws Exception {
        Net n = net("lostConnect");
        Call call = callWithLoss(n, n.alice().index, n.m1().index(), 2);
        assertOneCall(n, call);
        assertEquals(1, n.alice().client.counters().retransmissions());
    }

    @Test
    void aConnectLostPastTheCallersRendezvousMixIsPassedOnThroughItsSplice() throws Exception {
        Net n = net("lostConnectR1R2");
        // The first relay cell M1 → M2 after call() is the CONNECT on M1's pre-built circuit.
        Call call = callWithLoss(n, n.m1().index(), n.m2().index(), 1);
        assertOneCall(n, call);
        assertEquals(1, n.m1().mix().counters().duplicateControl(), "R1 passed the re-sent CONNECT across its splice");
    }

    @Test
    void aLostConnectedIsAnsweredAgainWithoutASecondRingOrSplice() throws Exception {
        Net n = net("lostConnected");
        Call call = callWithLoss(n, n.bob().index, n.m2().index(), 1);
        assertOneCall(n, call);
        assertEquals(1, n.bob().client.counters().duplicates(), "bob saw the CONNECT twice and answered it again");
        assertEquals(1, n.m2().mix().counters().duplicateControl());
        // The call works: frames both ways.
        call.sendFrame(CallTest.frame(1, 1), 0, 160);
        n.bob().incoming.get(0).sendFrame(CallTest.frame(1, 2), 0, 160);
        n.t().net.run();
        assertEquals(1, n.alice().frames.size());
        assertEquals(1, n.bob().frames.size());
    }

    @Test
    void aCalleeThatTakesItsTimeRingsOnceWhileTheConnectIsResent() throws Exception {
        Net n = net("slowAnswer");
        n.bob().autoAccept = false;
        Call call = n.alice().client.call(n.bob().certificate());
        n.t().net.run();
        tickUntil(n.t(), 4_000, () -> false);
        assertEquals(Call.State.CONNECTING, call.state());
        assertEquals(CallClient.MAX_SENDS - 1, n.alice().client.counters().retransmissions());
        assertEquals(1, n.bob().incoming.size(), "one ring for four copies of the CONNECT");
        assertEquals(CallClient.MAX_SENDS - 1, n.bob().client.counters().duplicates());
        n.bob().incoming.get(0).accept();
        n.t().net.run();
        assertOneCall(n, call);
    }

    @Test
    void afterEveryCopyOfTheConnectIsLostTheSetUpFailsWithTimeoutAndNothingIsLeftSpliced() throws Exception {
        Net n = net("connectAlwaysLost");
        // Cell 1 is the LOOKUP; every copy of the CONNECT (2..5) is lost.
        n.t().dropRelayCells(n.alice().index, n.m1().index(), 2, 3, 4, 5);
        Call call = n.alice().client.call(n.bob().certificate());
        n.t().net.run();
        tickUntil(n.t(), 4_980, () -> call.state() != Call.State.CONNECTING);
        assertEquals(Call.State.CONNECTING, call.state(), "not given up before the step deadline");
        tickUntil(n.t(), 100, () -> call.state() != Call.State.CONNECTING);
        assertEquals(Call.State.ENDED, call.state());
        assertEquals(Call.TIMEOUT, call.endReason());
        assertEquals(CallClient.MAX_SENDS, n.t().droppedCells);
        assertEquals(CallClient.MAX_SENDS - 1, n.alice().client.counters().retransmissions(), "bounded");
        assertEquals(0, n.bob().incoming.size());
        n.t().tick();
        assertEquals(0, n.t().splices());
    }

    @Test
    void aCallWhoseConnectedIsAlwaysLostEndsAtBothEndsWithNoSpliceLeft() throws Exception {
        Net n = net("connectedAlwaysLost");
        Call call = callWithLoss(n, n.bob().index, n.m2().index(), 1, 2, 3, 4);
        tickUntil(n.t(), 1_100, () -> call.state() == Call.State.ENDED);
        assertEquals(Call.TIMEOUT, call.endReason());
        assertEquals(1, n.bob().incoming.size(), "bob rang once");
        assertEquals(Call.State.ENDED, n.bob().incoming.get(0).state(), "alice's END reached bob");
        n.t().tick();
        assertEquals(0, n.t().splices());
        assertEquals(0, n.m1().mix().admittedCalls());
        assertEquals(0, n.m2().mix().admittedCalls());
    }

    @Test
    void anEndWhoseFirstCopyIsLostOnEveryLinkStillReachesBothMixesAndTheCallee() throws Exception {
        Net n = net("lostEnd");
        Call call = n.alice().client.call(n.bob().certificate());
        n.t().net.run();
        assertOneCall(n, call);
        n.t().dropRelayCells(n.alice().index, n.m1().index(), 1);
        n.t().dropRelayCells(n.m1().index(), n.m2().index(), 1);
        n.t().dropRelayCells(n.m2().index(), n.bob().index, 1);
        call.hangUp();
        n.t().net.run();
        assertEquals(3, n.t().droppedCells);
        assertEquals(Call.State.ENDED, n.bob().incoming.get(0).state());
        assertEquals(ControlMessages.END_HANGUP, n.bob().incoming.get(0).endReason());
        assertEquals(0, splicedEntries(n.m1().mix()), "R1 released its splice");
        assertEquals(0, splicedEntries(n.m2().mix()), "R2 released its splice");
        n.t().tick();
        assertEquals(0, n.m1().mix().admittedCalls());
        assertEquals(0, n.m2().mix().admittedCalls());
        assertTrue(n.bob().client.counters().duplicates() >= 1, "the later copies are counted as duplicates");
        // The circuits are fine for the next call.
        Call again = n.alice().client.call(n.bob().certificate());
        n.t().net.run();
        assertEquals(Call.State.ACTIVE, again.state());
    }

    /**
     * Forces both clients to renew their registrations (half the lifetime passed); returns the
     * directory's REGISTER count before.
     */
    private static int renewSoon(Net n) {
        int before = n.t().registerRequests;
        n.t().clock.advance(CallClient.REGISTRATION_LIFETIME_MS / 2 + 1, TimeUnit.MILLISECONDS);
        return before;
    }

    @Test
    void aLostRegisteredIsAnsweredAgainByTheMixWithoutASecondRegistration() throws Exception {
        Net n = net("lostRegistered");
        int before = renewSoon(n);
        n.t().dropRelayCells(n.m1().index(), n.alice().index, 1);
        n.t().tick();
        assertEquals(1, n.t().droppedCells);
        assertTrue(!n.alice().client.isRegistered("alpha"));
        tickUntil(n.t(), 2_000, () -> n.alice().client.isRegistered("alpha"));
        assertTrue(n.alice().client.isRegistered("alpha"));
        assertEquals(before + 2, n.t().registerRequests, "the directory saw one REGISTER from each of alice and bob");
        assertEquals(1, n.m1().mix().counters().duplicateControl(), "the Mix answered the copy itself");
        assertEquals(1, n.m1().mix().registrations());
        assertEquals(1, n.alice().client.counters().retransmissions());
        Call call = n.bob().client.call(n.alice().certificate());
        n.t().net.run();
        assertEquals(Call.State.ACTIVE, call.state());
    }

    @Test
    void aRegisterWhoseFirstCellIsLostIsResentAndRegistersOnce() throws Exception {
        Net n = net("lostRegister");
        int before = renewSoon(n);
        n.t().dropRelayCells(n.alice().index, n.m1().index(), 1);
        n.t().tick();
        assertEquals(1, n.t().droppedCells);
        tickUntil(n.t(), 2_000, () -> n.alice().client.isRegistered("alpha"));
        assertTrue(n.alice().client.isRegistered("alpha"));
        assertEquals(before + 2, n.t().registerRequests, "one REGISTER from each of alice and bob");
        assertEquals(1, n.m1().mix().registrations());
        Call call = n.bob().client.call(n.alice().certificate());
        n.t().net.run();
        assertEquals(Call.State.ACTIVE, call.state());
    }

    /**
     * alice (zone alpha, 2 Mixes) calls bob (zone beta, 1 Mix: R2); alice's Mix dies, she re-joins
     * the other Mix M', which is then her rendezvous Mix too, and resumes. Returns {alpha's other Mix, R2}.
     */
    private static TestNet.MixNode[] resumeWithLoss(TestNet t, TestNet.ClientNode alice, Call call, boolean resumeLost)
            throws Exception {
        TestNet.MixNode dead = alice.mixes.get(0);
        TestNet.MixNode other = t.mixes("alpha").get(1);
        TestNet.MixNode r2 = t.mixes("beta").get(0);
        // After the failure, the first relay cell M' → R2 is the RESUME, the first R2 → M' the RESUMED.
        if (resumeLost) {
            t.dropRelayCells(other.index(), r2.index(), 1);
        } else {
            t.dropRelayCells(r2.index(), other.index(), 1);
        }
        t.kill(dead, true);
        t.net.run();
        tickUntil(t, 3_000, () -> !call.isResuming());
        assertEquals(1, t.droppedCells);
        assertEquals(Call.State.ACTIVE, call.state(), "ended: " + call.endReason());
        assertEquals(1, call.resumes());
        assertTrue(alice.client.counters().retransmissions() >= 1, "the RESUME was re-sent");
        return new TestNet.MixNode[] {other, r2};
    }

    private static void assertFramesFlow(TestNet t, TestNet.ClientNode alice, TestNet.ClientNode bob, Call call) {
        int a = alice.frames.size();
        int b = bob.frames.size();
        call.sendFrame(CallTest.frame(2, 1), 0, 160);
        bob.incoming.get(0).sendFrame(CallTest.frame(2, 2), 0, 160);
        t.net.run();
        assertEquals(a + 1, alice.frames.size());
        assertEquals(b + 1, bob.frames.size());
    }

    private static Call callAcrossZones(TestNet t, TestNet.ClientNode alice, TestNet.ClientNode bob) throws Exception {
        t.settle();
        Call call = alice.client.call(bob.certificate());
        t.net.run();
        assertEquals(Call.State.ACTIVE, call.state());
        return call;
    }

    @Test
    void aLostResumeIsResentAndTheCallResumes() throws Exception {
        TestNet t = new TestNet(tmp, "lostResume", TestNet.newSeed());
        t.zone("alpha", 2);
        t.zone("beta", 1);
        TestNet.ClientNode alice = t.client("alice", "alpha", 0);
        TestNet.ClientNode bob = t.client("bob", "beta", 0);
        Call call = callAcrossZones(t, alice, bob);
        resumeWithLoss(t, alice, call, true);
        assertFramesFlow(t, alice, bob, call);
    }

    @Test
    void aLostResumedIsAnsweredAgainByTheCalleesRendezvousMix() throws Exception {
        TestNet t = new TestNet(tmp, "lostResumed", TestNet.newSeed());
        t.zone("alpha", 2);
        t.zone("beta", 1);
        TestNet.ClientNode alice = t.client("alice", "alpha", 0);
        TestNet.ClientNode bob = t.client("bob", "beta", 0);
        Call call = callAcrossZones(t, alice, bob);
        TestNet.MixNode[] m = resumeWithLoss(t, alice, call, false);
        assertEquals(1, m[0].mix().counters().duplicateControl(), "M' passed the copy of the RESUME across its splice");
        assertEquals(1, m[1].mix().counters().duplicateControl(), "R2 answered the copy with RESUMED again");
        assertEquals(1, m[1].mix().counters().resumedCalls(), "R2 spliced the call again once");
        assertFramesFlow(t, alice, bob, call);
    }

    @Test
    void aLateAnswerToThePreviousCallsLookupDoesNotEndTheNextCall() throws Exception {
        Net n = net("lateAnswer");
        TestNet.ClientNode carol = n.t().client("carol", "beta", 0);
        n.t().settle();
        // bob's directory answers every copy of the LOOKUP too late: the call times out.
        n.t().holdDirectoryReplies = true;
        Call first = n.alice().client.call(n.bob().certificate());
        n.t().net.run();
        tickUntil(n.t(), 5_000, () -> first.state() == Call.State.ENDED);
        assertEquals(Call.TIMEOUT, first.endReason());
        n.t().holdDirectoryReplies = false;
        // alice calls carol at once; the late answers about bob (copies still pending at R1) arrive first.
        Call second = n.alice().client.call(carol.certificate());
        assertTrue(n.t().heldDirectoryReplies.size() >= 2, "copies of the first LOOKUP were asked");
        n.t().heldDirectoryReplies.forEach(n.t().net::post);
        n.t().net.run();
        assertEquals(Call.State.ACTIVE, second.state(), "ended: " + second.endReason());
        assertEquals(1, carol.incoming.size());
        assertTrue(n.alice().client.counters().staleAnswers() >= 1, "the late answers are counted");
    }

    /** Counts the RELAY cells {@code from} sends {@code to} from now on (taps see every cell as sent). */
    private static int[] countRelayCells(TestNet t, int from, int to) {
        int[] n = {0};
        t.net.tap(tr -> {
            if (tr.from() == from && tr.to() == to
                    && tr.cell()[org.herd.core.wire.Cell.COMMAND_OFFSET] == org.herd.core.wire.CellCommand.RELAY) {
                n[0]++;
            }
        });
        return n;
    }

    @Test
    void aLateRefusalOfThePreviousCallsLookupDoesNotEndTheNextCall() throws Exception {
        Net n = net("lateRefusal");
        TestNet.ClientNode carol = n.t().client("carol", "beta", 0);
        n.t().settle();
        // bob's registration is gone from his directory: every LOOKUP of him is refused ...
        assertTrue(n.t().store("beta").unregister(n.bob().key.publicKey()));
        assertEquals(ControlMessages.STATUS_NOT_REGISTERED, n.t().lookup("beta", n.bob().key.publicKey()).status());
        // ... but the refusals are held back (a slow directory) until alice's call has timed out.
        n.t().holdDirectoryReplies = true;
        Call first = n.alice().client.call(n.bob().certificate());
        n.t().net.run();
        tickUntil(n.t(), 5_000, () -> first.state() == Call.State.ENDED);
        assertEquals(Call.TIMEOUT, first.endReason());
        int forBob = n.t().heldDirectoryReplies.size();
        assertTrue(forBob >= 1, "copies of the first LOOKUP were asked");
        // alice calls carol at once; carol's answer is held too, so the refusals about bob arrive
        // while this call looks up.
        Call second = n.alice().client.call(carol.certificate());
        n.t().net.run();
        assertEquals(forBob + 1, n.t().heldDirectoryReplies.size(), "carol's LOOKUP reached her directory");
        Runnable carolsAnswer = n.t().heldDirectoryReplies.get(forBob);
        int[] toAlice = countRelayCells(n.t(), n.m1().index(), n.alice().index);
        long duplicates = n.alice().client.counters().duplicates();
        n.t().heldDirectoryReplies.subList(0, forBob).forEach(n.t().net::post);
        n.t().net.run();
        assertTrue(toAlice[0] >= 1, "R1 passed late refusals about bob to alice");
        assertEquals(Call.State.LOOKING_UP, second.state(), "ended: " + second.endReason());
        assertEquals(toAlice[0], n.alice().client.counters().staleAnswers(), "every late refusal is counted as stale");
        assertEquals(duplicates, n.alice().client.counters().duplicates());
        // carol's own answer sets the call up.
        n.t().holdDirectoryReplies = false;
        n.t().net.post(carolsAnswer);
        n.t().net.run();
        assertEquals(Call.State.ACTIVE, second.state(), "ended: " + second.endReason());
        assertEquals(1, carol.incoming.size());
    }

    @Test
    void onlyTheAnswerCarryingTheLookupsRequestIdIsTaken() throws Exception {
        Net n = net("answerIds");
        TestNet t = n.t();
        Call first = n.alice().client.call(n.bob().certificate());
        t.net.run();
        assertEquals(Call.State.ACTIVE, first.state());
        first.hangUp();
        t.net.run();
        t.holdDirectoryReplies = true;
        Call second = n.alice().client.call(n.bob().certificate());
        t.net.run();
        assertEquals(Call.State.LOOKING_UP, second.state());
        assertTrue(second.lookupId != first.lookupId && second.lookupId != ControlMessages.NO_REQUEST_ID,
                "a fresh, non-zero id per LOOKUP");
        Circuit out = n.alice().client.outboundCircuit("alpha");
        CircuitTable.Entry atR1 = n.m1().mix().table().get(LinkCircuit.of(n.alice().index, out.circuitId()));
        org.herd.core.circuit.CellOutlet r1 = t.net.outlet(n.m1().index());
        // R1 (lying, or late) sends the refusal with the previous call's id: dropped and counted.
        ControlInjector.sendBackward(atR1, RelayCommand.ANSWER,
                ControlMessages.Answer.refused(first.lookupId, ControlMessages.STATUS_NOT_REGISTERED).encode(), r1);
        t.net.run();
        assertEquals(Call.State.LOOKING_UP, second.state(), "ended: " + second.endReason());
        assertEquals(1, n.alice().client.counters().staleAnswers());
        // A truncated ANSWER (its id cut short): malformed, dropped and counted, never thrown.
        long malformed = n.alice().client.counters().malformed();
        ControlInjector.sendBackward(atR1, RelayCommand.ANSWER, new byte[] {0, 1, 2, 3, 4}, r1);
        t.net.run();
        assertEquals(malformed + 1, n.alice().client.counters().malformed());
        assertEquals(Call.State.LOOKING_UP, second.state());
        // A malformed LOOKUP (the id cut short) is counted at R1 and refused with NO_REQUEST_ID,
        // which no LOOKUP carries: stale at alice, the call still waits for its own answer.
        long r1Malformed = n.m1().mix().counters().malformedMessages();
        out.sendControl(RelayCommand.LOOKUP, out.lastHopIndex(), new byte[] {1, 2, 3});
        t.net.run();
        assertEquals(r1Malformed + 1, n.m1().mix().counters().malformedMessages());
        assertEquals(2, n.alice().client.counters().staleAnswers());
        assertEquals(Call.State.LOOKING_UP, second.state());
        // The answer with the right id (the directory's, held so far) is taken.
        t.holdDirectoryReplies = false;
        t.heldDirectoryReplies.forEach(t.net::post);
        t.net.run();
        assertEquals(Call.State.ACTIVE, second.state(), "ended: " + second.endReason());
        // ... and a copy of it after that is a duplicate, not stale.
        long duplicates = n.alice().client.counters().duplicates();
        ControlInjector.sendBackward(atR1, RelayCommand.ANSWER,
                ControlMessages.Answer.refused(second.lookupId, ControlMessages.STATUS_NOT_REGISTERED).encode(), r1);
        t.net.run();
        assertEquals(duplicates + 1, n.alice().client.counters().duplicates());
        assertEquals(2, n.alice().client.counters().staleAnswers());
        assertEquals(Call.State.ACTIVE, second.state());
    }

    /** A LOOKUP the rendezvous Mix cannot decode, but whose request id it can read, is refused at once under that id. */
    @Test
    void anUndecodableLookupIsRefusedUnderItsOwnRequestId() throws Exception {
        Net n = net("badLookup");
        TestNet t = n.t();
        t.holdDirectoryReplies = true;
        Call call = n.alice().client.call(n.bob().certificate());
        t.net.run();
        assertEquals(Call.State.LOOKING_UP, call.state());
        Circuit out = n.alice().client.outboundCircuit("alpha");
        long r1Malformed = n.m1().mix().counters().malformedMessages();
        byte[] bad = new byte[9]; // the call's id, then a zone length of 0: not a LOOKUP
        org.herd.core.wire.Bytes.putLong(bad, 0, call.lookupId);
        out.sendControl(RelayCommand.LOOKUP, out.lastHopIndex(), bad);
        t.net.run();
        assertEquals(r1Malformed + 1, n.m1().mix().counters().malformedMessages());
        assertEquals(Call.State.ENDED, call.state(), "refused at once, not left to time out");
        assertEquals(0, n.alice().client.counters().staleAnswers());
    }
}
