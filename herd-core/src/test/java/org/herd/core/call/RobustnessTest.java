package org.herd.core.call;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;

import org.herd.core.circuit.InMemoryNetwork;
import org.herd.core.wire.Cell;
import org.herd.core.wire.CellCodec;
import org.herd.core.wire.CellCommand;
import org.herd.core.wire.ControlMessages;
import org.herd.core.wire.RelayCell;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Calls under tampering, loss, reordering, junk and refusals, in memory. */
class RobustnessTest {

    @TempDir
    static java.nio.file.Path tmp;

    private static TestNet.CallSetup call(String test) throws Exception {
        return TestNet.activeCall(tmp, test, 2);
    }

    /** The directed links (from << 32 | to) a DATA cell takes from {@code sender}. */
    private static List<Long> path(TestNet t, Call sender) {
        List<Long> links = new ArrayList<>();
        boolean[] on = {true};
        t.net.tap(tr -> {
            if (on[0] && (tr.cell()[Cell.COMMAND_OFFSET] & 0xFF) == CellCommand.RELAY) {
                links.add((long) tr.from() << 32 | tr.to());
            }
        });
        sender.sendFrame(CallTest.frame(999, 0), 0, 160);
        t.net.run();
        on[0] = false;
        return links;
    }

    private static void checkFrames(List<byte[]> frames, List<Long> numbers, int who) {
        for (int i = 0; i < frames.size(); i++) {
            assertArrayEquals(CallTest.frame((int) (long) numbers.get(i), who), frames.get(i));
        }
    }

    @Test
    void aTamperedCellAnywhereOnThePathIsDroppedAndCountedAndTheCallGoesOn() throws Exception {
        TestNet.CallSetup s = call("tamper");
        for (boolean forward : new boolean[] {true, false}) {
            Call sender = forward ? s.call() : s.answer();
            TestNet.ClientNode receiver = forward ? s.bob() : s.alice();
            List<Long> links = path(s.t(), sender);
            assertTrue(links.size() >= 3 && links.size() <= 5, "links " + links.size());
            for (long link : links) {
                for (int position : new int[] {RelayCell.NONCE_OFFSET + 3, RelayCell.BODY_OFFSET + 100}) {
                    receiver.frames.clear();
                    receiver.frameNumbers.clear();
                    long drops = s.t().allDrops();
                    int[] seen = {0};
                    s.t().net.impairment = tr -> {
                        if (((long) tr.from() << 32 | tr.to()) == link
                                && (tr.cell()[Cell.COMMAND_OFFSET] & 0xFF) == CellCommand.RELAY && seen[0]++ == 2) {
                            tr.cell()[position] ^= 0x10;
                        }
                        return List.of(tr);
                    };
                    long first = sender.framesSent();
                    for (int n = 0; n < 6; n++) {
                        sender.sendFrame(CallTest.frame((int) (first + n), forward ? 1 : 2), 0, 160);
                        s.t().net.run();
                    }
                    s.t().net.impairment = List::of;
                    assertEquals(drops + 1, s.t().allDrops(), "tamper on link " + Long.toHexString(link));
                    assertEquals(5, receiver.frames.size());
                    assertTrue(!receiver.frameNumbers.contains(first + 2), "the tampered frame was delivered");
                    checkFrames(receiver.frames, receiver.frameNumbers, forward ? 1 : 2);
                }
            }
        }
        assertEquals(Call.State.ACTIVE, s.call().state());
        assertEquals(Call.State.ACTIVE, s.answer().state());
    }

    @Test
    void lostAndReorderedCellsDoNotBreakTheCall() throws Exception {
        TestNet.CallSetup s = call("lossReorder");
        List<Long> links = path(s.t(), s.call());
        long dropLink = links.get(links.size() / 2);
        long swapLink = links.get(links.size() - 1);
        s.bob().frames.clear();
        s.bob().frameNumbers.clear();
        int[] count = new int[2];
        InMemoryNetwork.Transit[] held = new InMemoryNetwork.Transit[1];
        s.t().net.impairment = tr -> {
            long l = (long) tr.from() << 32 | tr.to();
            if (l == dropLink && count[0]++ == 10) {
                return List.of();
            }
            if (l == swapLink) {
                int n = count[1]++;
                if (n == 20) {
                    held[0] = tr;
                    return List.of();
                }
                if (n == 21) {
                    return List.of(tr, held[0]);
                }
            }
            return List.of(tr);
        };
        long first = s.call().framesSent();
        // Send frames in bursts of three per run, so that a held cell can be overtaken.
        for (int n = 0; n < 60; n++) {
            s.call().sendFrame(CallTest.frame((int) (first + n), 1), 0, 160);
            if (n % 3 == 2) {
                s.t().net.run();
            }
        }
        s.t().net.run();
        assertEquals(59, s.bob().frames.size());
        checkFrames(s.bob().frames, s.bob().frameNumbers, 1);
        int inversions = 0;
        for (int i = 0; i + 1 < s.bob().frameNumbers.size(); i++) {
            inversions += s.bob().frameNumbers.get(i) > s.bob().frameNumbers.get(i + 1) ? 1 : 0;
        }
        assertEquals(1, inversions, "one frame overtook another: " + s.bob().frameNumbers);
        assertEquals(59, new java.util.HashSet<>(s.bob().frameNumbers).size());
        assertEquals(Call.State.ACTIVE, s.answer().state());
        // And the call still works both ways.
        s.t().net.impairment = List::of;
        s.alice().frames.clear();
        s.answer().sendFrame(CallTest.frame(5, 2), 0, 160);
        s.t().net.run();
        assertEquals(1, s.alice().frames.size());
    }

    @Test
    void unknownCellAndRelayCommandsAreCountedAndDropped() throws Exception {
        TestNet.CallSetup s = call("unknown");
        TestNet.MixNode m1 = s.alice().mixes.get(0);
        byte[] junk = new byte[Cell.SIZE];
        junk[Cell.COMMAND_OFFSET] = (byte) 77;
        junk[3] = 9;
        s.t().net.inject(s.alice().index, m1.index(), junk);
        s.t().net.run();
        assertEquals(1, m1.mix().counters().unknownCellCommands());

        // An unknown relay command inside the onion, to the caller's rendezvous Mix (spliced now).
        var c = s.call().circuit();
        byte[] cell = new byte[Cell.SIZE];
        CellCodec.writeRelay(cell, 0, 200, 0, new byte[10], 0, 10);
        c.sendRelay(cell, 0, c.lastHopIndex());
        s.t().net.run();
        long unknown = 0;
        for (TestNet.MixNode m : s.t().allMixes) {
            unknown += m.mix().counters().unknownRelayCommands();
        }
        assertEquals(1, unknown);
        // The call is unharmed.
        s.bob().frames.clear();
        s.call().sendFrame(CallTest.frame(1, 1), 0, 160);
        s.t().net.run();
        assertEquals(1, s.bob().frames.size());
    }

    @Test
    void callToAnUnknownCalleeIsRefusedCleanly() throws Exception {
        TestNet t = TestNet.twoZones(tmp, "unknownCallee", 2);
        TestNet.ClientNode alice = t.client("alice", "alpha", 0);
        TestNet.ClientNode bob = t.client("bob", "beta", 0);
        t.settle();
        Call call = alice.client.call(t.stranger("beta"));
        t.net.run();
        assertEquals(Call.State.ENDED, call.state());
        assertEquals(Call.UNKNOWN_CALLEE, call.endReason());
        // Nothing is left spliced and the next call works.
        Call ok = alice.client.call(bob.certificate());
        t.net.run();
        assertEquals(Call.State.ACTIVE, ok.state());
    }

    @Test
    void refusedRegistersBackOffAndRegisterOnceTheDirectoryAccepts() throws Exception {
        TestNet t = new TestNet(tmp, "registerBackoff", TestNet.newSeed());
        t.zone("alpha", 2);
        t.refuseRegistrations = true;
        TestNet.ClientNode alice = t.client("alice", "alpha", 0);
        // 5 s of 20 ms ticks (250 ticks) while every REGISTER is refused.
        for (int i = 0; i < 250; i++) {
            t.clock.advance(20, java.util.concurrent.TimeUnit.MILLISECONDS);
            t.tick();
        }
        assertFalse(alice.client.isRegistered("alpha"));
        int refused = t.registerRequests;
        System.out.println("REGISTERs in 5 s of refusals: " + refused);
        // Without a back-off the client asks again every tick or two (well over 100 times);
        // doubling from 40 ms to a 1 s ceiling allows 40+80+...+640 ms, then one a second: at most ~10.
        assertTrue(refused >= 5 && refused <= 12, "REGISTERs sent while refused: " + refused);
        t.refuseRegistrations = false;
        for (int i = 0; i < 60 && !alice.client.isRegistered("alpha"); i++) {
            t.clock.advance(20, java.util.concurrent.TimeUnit.MILLISECONDS);
            t.tick();
        }
        assertTrue(alice.client.isRegistered("alpha"), "registered within 1.2 s once the directory accepts");
    }

    @Test
    void callToAClientThatIsNotRegisteredIsRefusedCleanly() throws Exception {
        TestNet t = new TestNet(tmp, "notRegistered", TestNet.newSeed());
        t.zone("alpha", 2);
        t.zone("beta", 3);
        TestNet.ClientNode alice = t.client("alice", "alpha", 0);
        TestNet.ClientNode bob = t.client("bob", "beta", 0);
        t.settle();

        // 1. The directory still lists bob, but his circuit to the rendezvous Mix is gone.
        assertTrue(bob.client.isRegistered("beta"));
        bob.client.inboundCircuit("beta").destroy();
        t.net.run();
        long refusedBefore = 0;
        for (TestNet.MixNode m : t.allMixes) {
            refusedBefore += m.mix().counters().refusedConnects();
        }
        Call second = alice.client.call(bob.certificate());
        t.net.run();
        assertEquals(Call.State.ENDED, second.state());
        assertEquals(ControlMessages.END_NOT_REGISTERED, second.endReason());
        long refused = 0;
        for (TestNet.MixNode m : t.allMixes) {
            refused += m.mix().counters().refusedConnects();
        }
        assertEquals(refusedBefore + 1, refused);
        assertEquals(0, t.splices(), "splices left after the refusal");

        t.settle();
        assertTrue(bob.client.isRegistered("beta"));

        // 2. The directory has no registration for bob.
        t.store("beta").unregister(bob.key.publicKey());
        Call third = alice.client.call(bob.certificate());
        t.net.run();
        assertEquals(Call.State.ENDED, third.state());
        assertEquals(ControlMessages.END_NOT_REGISTERED, third.endReason());

        // 3. bob rebuilds, re-registers, and takes the next call.
        bob.client.inboundCircuit("beta").destroy();
        t.net.run();
        t.settle();
        assertTrue(bob.client.isRegistered("beta"));
        Call fourth = alice.client.call(bob.certificate());
        t.net.run();
        assertEquals(Call.State.ACTIVE, fourth.state());
    }

    @Test
    void aCallOnABusyCircuitIsRefusedLocally() throws Exception {
        TestNet.CallSetup s = call("busy");
        CallException e = assertThrows(CallException.class, () -> s.alice().client.call(s.bob().certificate()));
        assertEquals(CallException.Reason.BUSY, e.reason());
    }

    @Test
    void aTwoZoneClientCallsFromTheZoneThatDiffersFromTheCallees() throws Exception {
        TestNet t = TestNet.twoZones(tmp, "twoZones", 2);
        TestNet.ClientNode carol = t.client("carol", new String[] {"alpha", "beta"}, new int[] {0, 1});
        TestNet.ClientNode bob = t.client("bob", "beta", 0);
        TestNet.ClientNode dave = t.client("dave", "alpha", 1);
        t.settle();
        assertTrue(carol.client.isRegistered("alpha") && carol.client.isRegistered("beta"));
        Call toBob = carol.client.call(bob.certificate());
        t.net.run();
        assertEquals(Call.State.ACTIVE, toBob.state());
        assertSame(carol.client.outboundCircuit("alpha"), toBob.circuit());
        Call toDave = carol.client.call(dave.certificate());
        t.net.run();
        assertEquals(Call.State.ACTIVE, toDave.state());
        assertSame(carol.client.outboundCircuit("beta"), toDave.circuit());
        for (var m : toDave.circuit().path()) {
            assertEquals("beta", m.zone());
        }
        // And carol can be called in either zone.
        Call fromBob = bob.client.call(carol.certificates.get(1));
        t.net.run();
        assertEquals(Call.State.ACTIVE, fromBob.state());
    }

    @Test
    void hangingUpTearsDownEverySplice() throws Exception {
        TestNet.CallSetup s = call("hangup");
        int spliced = s.t().splices();
        assertTrue(spliced >= 2, "R1 and R2 hold splices during the call: " + spliced);
        s.answer().hangUp(); // the callee hangs up this time
        s.t().net.run();
        assertEquals(Call.State.ENDED, s.call().state());
        assertEquals(ControlMessages.END_HANGUP, s.call().endReason());
        assertEquals(0, s.t().splices(), "splices left after the hang-up");
        for (TestNet.MixNode m : s.t().allMixes) {
            assertEquals(0, m.mix().pendingControlState());
        }
        assertTrue(!s.call().sendFrame(new byte[160], 0, 160));
    }

}
