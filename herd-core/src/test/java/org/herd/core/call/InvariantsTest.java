package org.herd.core.call;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.herd.core.circuit.CircuitTable;

import org.herd.core.circuit.LinkCircuit;
import org.herd.core.circuit.MixRef;
import org.herd.core.wire.Cell;
import org.herd.core.wire.CellCommand;
import org.herd.core.wire.RelayCell;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The invariants of §3.2/§3.3 of the Herd paper on real Mixes and clients in memory:
 * I1 (bytes on successive links unrelated), I2/I3 (a Mix holds only previous and next hop),
 * I4 (two Mixes of each party's zone on every call path), I5 (rendezvous Mix uniform).
 */
class InvariantsTest {

    @TempDir
    static java.nio.file.Path tmp;

    private static TestNet.CallSetup call(String test) throws Exception {
        return TestNet.activeCall(tmp, test, 3);
    }

    /** The directed links that carried RELAY cells while {@code action} ran, in path order from {@code from}. */
    private static Map<Long, List<byte[]>> capture(TestNet t, Runnable action) {
        Map<Long, List<byte[]>> byLink = new LinkedHashMap<>();
        boolean[] on = {true};
        t.net.tap(tr -> {
            if (on[0] && (tr.cell()[Cell.COMMAND_OFFSET] & 0xFF) == CellCommand.RELAY) {
                byLink.computeIfAbsent((long) tr.from() << 32 | tr.to(), k -> new ArrayList<>()).add(tr.cell());
            }
        });
        action.run();
        on[0] = false;
        return byLink;
    }

    /** Orders the captured links into the chain from node {@code start}. */
    private static List<Long> chain(Map<Long, List<byte[]>> links, int start, int end) {
        List<Long> chain = new ArrayList<>();
        int at = start;
        while (at != end) {
            Long next = null;
            for (long k : links.keySet()) {
                if ((int) (k >>> 32) == at) {
                    next = k;
                }
            }
            assertTrue(next != null, "path broken after node " + at);
            chain.add(next);
            at = (int) (long) next;
            assertTrue(chain.size() <= 6, "path too long");
        }
        return chain;
    }

    @Test
    void i1BytesOnSuccessiveLinksAgreeNoMoreThanChance() throws Exception {
        TestNet.CallSetup s = call("i1");
        int frames = 300;
        byte[] f = new byte[160]; // a constant frame: the worst case for I1
        Map<Long, List<byte[]>> forward = capture(s.t(), () -> {
            for (int n = 0; n < frames; n++) {
                s.call().sendFrame(f, 0, 160);
                s.t().net.run();
            }
        });
        Map<Long, List<byte[]>> backward = capture(s.t(), () -> {
            for (int n = 0; n < frames; n++) {
                s.answer().sendFrame(f, 0, 160);
                s.t().net.run();
            }
        });
        assertEquals(frames, s.bob().frames.size());
        assertEquals(frames, s.alice().frames.size());
        for (var dir : List.of(List.of(forward, s.alice().index, s.bob().index),
                List.of(backward, s.bob().index, s.alice().index))) {
            @SuppressWarnings("unchecked")
            Map<Long, List<byte[]>> links = (Map<Long, List<byte[]>>) dir.get(0);
            List<Long> chain = chain(links, (Integer) dir.get(1), (Integer) dir.get(2));
            assertTrue(chain.size() >= 3 && chain.size() <= 5, "links on the path: " + chain.size());
            for (int i = 0; i + 1 < chain.size(); i++) {
                List<byte[]> a = links.get(chain.get(i));
                List<byte[]> b = links.get(chain.get(i + 1));
                assertEquals(frames, a.size());
                assertEquals(frames, b.size());
                long equal = 0;
                long positions = 0;
                for (int c = 0; c < frames; c++) {
                    for (int p = RelayCell.NONCE_OFFSET; p < Cell.SIZE; p++) {
                        equal += a.get(c)[p] == b.get(c)[p] ? 1 : 0;
                        positions++;
                    }
                    assertNotEquals(Arrays.toString(Arrays.copyOf(a.get(c), 4)), Arrays.toString(Arrays.copyOf(b.get(c), 4)),
                            "circuit ids repeat on successive links " + describe(s.t(), chain));
                }
                double mean = positions / 256.0;
                double sd = Math.sqrt(positions * (1 / 256.0) * (255 / 256.0));
                assertTrue(Math.abs(equal - mean) < 5 * sd,
                        "link " + i + "->" + (i + 1) + ": " + equal + " equal bytes, chance " + mean + " ± " + sd);
            }
        }
    }

    @Test
    void i2i3MixesHoldOnlyPreviousAndNextHop() throws Exception {
        // The table entry type has exactly three instance fields: previous hop, next hop, layers.
        Set<String> fields = new HashSet<>();
        for (Field f : CircuitTable.Entry.class.getDeclaredFields()) {
            if (!Modifier.isStatic(f.getModifiers())) {
                fields.add(f.getName() + ":" + f.getType().getSimpleName());
            }
        }
        assertEquals(Set.of("prev:long", "next:long", "relay:OnionRelay"), fields);

        TestNet.CallSetup s = call("i2i3");
        Map<Long, List<byte[]>> links = capture(s.t(), () -> {
            s.call().sendFrame(new byte[160], 0, 160);
            s.t().net.run();
        });
        List<Long> chain = chain(links, s.alice().index, s.bob().index);
        List<Integer> nodes = new ArrayList<>();
        nodes.add(s.alice().index);
        for (long k : chain) {
            nodes.add((int) k);
        }
        // For every Mix on the path: the entries of this call name exactly the neighbours on the path.
        for (int i = 1; i < nodes.size() - 1; i++) {
            int prevNode = nodes.get(i - 1);
            int nextNode = nodes.get(i + 1);
            TestNet.MixNode m = mixAt(s.t(), nodes.get(i));
            boolean found = false;
            for (CircuitTable.Entry e : m.mix().table().entries()) {
                int p = LinkCircuit.peer(e.prev());
                int n = e.next() == LinkCircuit.NONE ? -1 : LinkCircuit.peer(e.next());
                // The caller's circuits point along the call, the callee's circuit against it.
                if (p == prevNode && n == nextNode || p == nextNode && n == prevNode) {
                    found = true;
                }
            }
            assertTrue(found, m.name() + " has no entry (prev=" + prevNode + ", next=" + nextNode + "): "
                    + m.mix().table().entries());
            assertEquals(0, m.mix().pendingControlState(), m.name() + " keeps control state after set-up");
        }
        // No Mix but the client's own holds the client's identity anywhere in its state.
        for (TestNet.ClientNode c : List.of(s.alice(), s.bob())) {
            for (TestNet.MixNode m : s.t().allMixes) {
                List<String> hits = ObjectScan.find(m.mix(), c.key.publicKey());
                if (m.equals(c.mixes.get(0))) {
                    for (String h : hits) {
                        assertTrue(h.contains("ByPeer") || h.contains("ByIdentity"),
                                c.name + "'s own Mix holds its key outside the link registry: " + h);
                    }
                    assertTrue(!hits.isEmpty(), "the scan must see the link registry of the client's Mix");
                } else {
                    assertEquals(List.of(), hits, m.name() + " holds " + c.name + "'s identity");
                }
            }
        }
        // The scan is able to see a key where it is: bob's key is in his own client's state.
        assertTrue(!ObjectScan.find(s.bob().client, s.bob().key.publicKey()).isEmpty());
    }

    private static String describe(TestNet t, List<Long> chain) {
        StringBuilder sb = new StringBuilder();
        for (long k : chain) {
            sb.append(t.net.name((int) (k >>> 32))).append("->").append(t.net.name((int) k)).append(' ');
        }
        return sb.toString();
    }

    private static TestNet.MixNode mixAt(TestNet t, int index) {
        for (TestNet.MixNode m : t.allMixes) {
            if (m.index() == index) {
                return m;
            }
        }
        throw new AssertionError("node " + index + " is not a Mix");
    }

    @Test
    void i4EveryCallPathHasTwoMixesOfEachPartysZoneAndOneInterZoneHop() throws Exception {
        TestNet t = new TestNet(tmp, "i4", TestNet.newSeed());
        t.zone("alpha", 3);
        t.zone("beta", 3);
        List<TestNet.ClientNode> callers = new ArrayList<>();
        List<TestNet.ClientNode> callees = new ArrayList<>();
        for (int i = 0; i < 12; i++) {
            callers.add(t.client("caller" + i, "alpha", i % 3));
            callees.add(t.client("callee" + i, "beta", (i / 3) % 3));
        }
        t.settle();
        Set<String> seenPaths = new HashSet<>();
        for (int i = 0; i < callers.size(); i++) {
            TestNet.ClientNode a = callers.get(i);
            TestNet.ClientNode b = callees.get(i);
            Call[] call = new Call[1];
            call[0] = a.client.call(b.certificate());
            t.net.run();
            Map<Long, List<byte[]>> links = capture(t, () -> {
                call[0].sendFrame(new byte[160], 0, 160);
                t.net.run();
            });
            assertEquals(Call.State.ACTIVE, call[0].state());
            // The circuits: caller's = its Mix and rendezvous Mix in alpha; callee's likewise in beta.
            List<MixRef> callerPath = call[0].circuit().path();
            List<MixRef> calleePath = b.incoming.get(0).circuit().path();
            assertEquals(a.mixes.get(0).ref(), callerPath.get(0));
            assertEquals(b.mixes.get(0).ref(), calleePath.get(0));
            for (MixRef m : callerPath) {
                assertEquals("alpha", m.zone());
            }
            for (MixRef m : calleePath) {
                assertEquals("beta", m.zone());
            }
            // The DATA cell's actual path: Mixes of alpha, then Mixes of beta; one inter-zone link.
            List<Long> chain = chain(links, a.index, b.index);
            List<String> zones = new ArrayList<>();
            for (int k = 0; k + 1 < chain.size(); k++) {
                zones.add(mixAt(t, (int) (long) chain.get(k)).ref().zone());
            }
            int crossings = 0;
            for (int k = 0; k + 1 < zones.size(); k++) {
                crossings += zones.get(k).equals(zones.get(k + 1)) ? 0 : 1;
            }
            assertEquals("alpha", zones.get(0));
            assertEquals("beta", zones.get(zones.size() - 1));
            assertEquals(1, crossings, "inter-zone hops on " + zones);
            seenPaths.add(zones.toString());
            call[0].hangUp();
            t.net.run();
            t.tick();
        }
        System.out.println("i4 path shapes seen: " + seenPaths);
    }

    @Test
    void i5RendezvousMixIsUniformOverTheZoneWhateverMixTheClientUses() {
        TestNet t = new TestNet(tmp, "i5", TestNet.newSeed());
        int mixes = 5;
        t.zone("alpha", mixes);
        int clients = 400;
        for (int i = 0; i < clients; i++) {
            t.client("c" + i, "alpha", 0); // all attached to the same Mix: a biased choice would show
        }
        t.settle();
        int[] counts = new int[mixes];
        for (TestNet.ClientNode c : t.clients) {
            assertTrue(c.client.isRegistered("alpha"));
            var r = t.rendezvousOf("alpha", c.key.publicKey());
            for (int m = 0; m < mixes; m++) {
                if (t.mixes("alpha").get(m).ref().identity().equals(r)) {
                    counts[m]++;
                }
            }
            assertEquals(c.client.inboundCircuit("alpha").lastHop().identity(), r);
        }
        double expected = (double) clients / mixes;
        double chi2 = 0;
        for (int n : counts) {
            chi2 += (n - expected) * (n - expected) / expected;
        }
        System.out.println("i5 rendezvous counts " + Arrays.toString(counts) + " chi2 = " + chi2);
        assertEquals(clients, Arrays.stream(counts).sum());
        // Chi-square, 4 degrees of freedom: 18.47 is the 0.999 quantile.
        assertTrue(chi2 < 18.47, "rendezvous choice not uniform: " + Arrays.toString(counts) + " chi2 " + chi2);
    }

    @Test
    void callSetUpDoesNoCircuitHandshake() throws Exception {
        TestNet t = new TestNet(tmp, "noHandshake", TestNet.newSeed());
        t.zone("alpha", 2);
        t.zone("beta", 2);
        TestNet.ClientNode alice = t.client("alice", "alpha", 0);
        TestNet.ClientNode bob = t.client("bob", "beta", 1);
        t.settle();
        int[] creates = new int[1];
        t.net.tap(tr -> creates[0] += (tr.cell()[Cell.COMMAND_OFFSET] & 0xFF) == CellCommand.CREATE ? 1 : 0);
        Call call = alice.client.call(bob.certificate());
        t.net.run();
        assertEquals(Call.State.ACTIVE, call.state());
        assertEquals(0, creates[0], "CREATE cells during call set-up");
        // The rendezvous Mix tops its pool up afterwards, on its own tick.
        t.tick();
        assertTrue(creates[0] >= 1);
    }


    @Test
    void neitherPartyLearnsTheOthersMix() throws Exception {
        TestNet.CallSetup s = call("hiddenMixes");
        s.call().sendFrame(new byte[160], 0, 160);
        s.answer().sendFrame(new byte[160], 0, 160);
        s.t().net.run();
        var m1 = s.alice().mixes.get(0).ref().identity();
        var r1 = s.call().circuit().lastHop().identity();
        var m2 = s.bob().mixes.get(0).ref().identity();
        var r2 = s.bob().client.inboundCircuit("beta").lastHop().identity();
        // The callee holds nothing of the caller's side.
        assertEquals(List.of(), ObjectScan.find(s.bob().client, m1));
        assertEquals(List.of(), ObjectScan.find(s.bob().client, r1));
        // The caller learned the callee's rendezvous Mix (to connect) but not its Mix, unless the
        // callee drew its own Mix as rendezvous Mix (the paper's "not necessarily distinct").
        if (!m2.equals(r2)) {
            assertEquals(List.of(), ObjectScan.find(s.alice().client, m2));
        }
        // The scan does see a Mix's key where it is: alice's own circuit names her Mix.
        assertTrue(!ObjectScan.find(s.alice().client, m1).isEmpty());
    }
}
