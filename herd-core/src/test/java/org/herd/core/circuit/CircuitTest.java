package org.herd.core.circuit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.management.ManagementFactory;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.herd.core.crypto.IdentityKeyPair;
import org.herd.core.crypto.IdentityPublicKey;
import org.herd.core.crypto.OnionKeyPair;
import org.herd.core.time.ManualClock;
import org.herd.core.wire.Bytes;
import org.herd.core.wire.Cell;
import org.herd.core.wire.CellCommand;
import org.herd.core.wire.ControlMessages;
import org.junit.jupiter.api.Test;

/** Circuit construction, teardown and timeouts over three real Mixes and a bare originator, in memory. */
class CircuitTest {

    private static final long STEP = TimeUnit.SECONDS.toNanos(5);

    /** Three Mixes A, B, C (full mesh) and a client node linked to A. */
    private static final class Net {
        final SecureRandom random;
        final ManualClock clock = new ManualClock();
        final InMemoryNetwork net = new InMemoryNetwork();
        final List<Mix> mixes = new ArrayList<>();
        final List<MixRef> refs = new ArrayList<>();
        final List<IdentityPublicKey> ids = new ArrayList<>();
        final int client;
        final IdentityKeyPair clientKey;
        final List<Circuit> circuits = new ArrayList<>();
        final CellOutlet[] mixOutlet = new CellOutlet[3];

        Net(String test) {
            long seed = new SecureRandom().nextLong();
            System.out.println(test + " seed = " + seed);
            random = org.herd.core.call.TestNet.seeded(seed);
            for (int i = 0; i < 3; i++) {
                IdentityKeyPair k = IdentityKeyPair.generate(random);
                OnionKeyPair onion = OnionKeyPair.generate(random);
                int index = i;
                mixOutlet[i] = net.outlet(i);
                Mix m = new Mix(k.publicKey(), List.of(onion), (p, b, o) -> mixOutlet[index].send(p, b, o), clock,
                        random, new NoDirectory(), new Mix.Config(0, STEP, 8, STEP));
                net.add("mix" + i, m::onCell);
                mixes.add(m);
                refs.add(new MixRef(k.publicKey(), onion.publicKey(), "z"));
                ids.add(k.publicKey());
            }
            for (int i = 0; i < 3; i++) {
                for (int j = i + 1; j < 3; j++) {
                    net.link(i, j);
                    mixes.get(i).linkUp(j, ids.get(j));
                    mixes.get(j).linkUp(i, ids.get(i));
                }
            }
            clientKey = IdentityKeyPair.generate(random);
            client = net.add("client", this::onClientCell);
            net.link(client, 0);
            mixes.get(0).linkUp(client, clientKey.publicKey());
        }

        Circuit build(List<MixRef> path) {
            int high = CircuitIds.weUseHighBit(clientKey.publicKey(), ids.get(0)) ? 0x8000_0000 : 0;
            Circuit c = new Circuit(net.outlet(client), 0, random.nextInt() & 0x7FFF_FFFF | high, path, random, STEP);
            circuits.add(c);
            c.start(clock.nanoTime());
            return c;
        }

        void onClientCell(int peer, byte[] b, int o) {
            for (Circuit c : circuits) {
                if (c.circuitId() == Bytes.getInt(b, o)) {
                    switch (b[o + Cell.COMMAND_OFFSET]) {
                        case CellCommand.CREATED -> c.onCreated(b, o, clock.nanoTime());
                        case CellCommand.DESTROY -> c.destroyedRemotely();
                        default -> {
                            int hop = c.decryptBackward(b, o);
                            if (hop >= 0) {
                                int len = org.herd.core.wire.CellCodec.relayDataLength(b, o);
                                byte[] msg = java.util.Arrays.copyOfRange(b, o + 21 + 23 + 4, o + 21 + 23 + len);
                                c.onExtended(hop, msg, clock.nanoTime());
                            }
                        }
                    }
                }
            }
        }

        int entries() {
            int n = 0;
            for (Mix m : mixes) {
                n += m.table().size();
            }
            return n;
        }
    }

    /** A directory endpoint for circuit tests, which send no directory messages. */
    static final class NoDirectory implements DirectoryEndpoint {
        @Override
        public void register(long requestId, IdentityPublicKey rendezvousMix, ControlMessages.Register request) {
            throw new AssertionError("unexpected REGISTER");
        }

        @Override
        public void lookup(long requestId, ControlMessages.Lookup request) {
            throw new AssertionError("unexpected LOOKUP");
        }
    }

    @Test
    void threeHopCircuitIsBuiltHopByHopAndEachMixKnowsOnlyItsNeighbours() {
        Net n = new Net("build");
        Circuit c = n.build(n.refs);
        n.net.run();
        assertEquals(Circuit.State.OPEN, c.state());
        int[] prevNode = {n.client, 0, 1};
        int[] nextNode = {1, 2, -1};
        IdentityPublicKey[] prevId = {n.clientKey.publicKey(), n.ids.get(0), n.ids.get(1)};
        for (int i = 0; i < 3; i++) {
            List<CircuitTable.Entry> es = n.mixes.get(i).table().entries();
            assertEquals(1, es.size());
            CircuitTable.Entry e = es.get(0);
            assertEquals(prevNode[i], LinkCircuit.peer(e.prev()));
            assertEquals(nextNode[i], e.next() == LinkCircuit.NONE ? -1 : LinkCircuit.peer(e.next()));
            // The id on the link from the previous node is from that node's half of the id space.
            boolean high = (LinkCircuit.circuitId(e.prev()) & 0x8000_0000) != 0;
            assertEquals(CircuitIds.weUseHighBit(prevId[i], n.ids.get(i)), high);
            assertEquals(0, n.mixes.get(i).pendingControlState());
        }
    }

    @Test
    void destroyPropagatesFromEitherEnd() {
        Net n = new Net("destroy");
        Circuit c = n.build(n.refs);
        n.net.run();
        assertEquals(3, n.entries());
        c.destroy();
        n.net.run();
        assertEquals(0, n.entries());
        assertEquals(Circuit.State.CLOSED, c.state());

        Circuit d = n.build(n.refs);
        n.net.run();
        assertEquals(3, n.entries());
        // The link B–C goes down: B tears the circuit down towards the client.
        n.mixes.get(1).linkDown(2);
        n.net.run();
        assertEquals(Circuit.State.CLOSED, d.state());
        assertEquals(0, n.mixes.get(0).table().size() + n.mixes.get(1).table().size());
    }

    @Test
    void aStepThatGetsNoAnswerFailsAtItsDeadlineAndNotBefore() {
        Net n = new Net("timeout");
        // C never answers: every cell to mix 2 is lost.
        n.net.impairment = t -> t.to() == 2 ? List.of() : List.of(t);
        Circuit c = n.build(n.refs);
        n.net.run();
        assertEquals(Circuit.State.EXTENDING, c.state());
        n.clock.advance(STEP - 1, TimeUnit.NANOSECONDS);
        c.poll(n.clock.nanoTime());
        n.mixes.forEach(Mix::poll);
        n.net.run();
        assertEquals(Circuit.State.EXTENDING, c.state());
        assertEquals(2, n.mixes.get(0).table().size() + n.mixes.get(1).table().size());
        n.clock.advance(1, TimeUnit.NANOSECONDS);
        c.poll(n.clock.nanoTime());
        n.mixes.forEach(Mix::poll);
        n.net.run();
        assertEquals(Circuit.State.FAILED, c.state());
        assertTrue(c.failure().contains("timeout"), c.failure());
        assertEquals(0, n.entries());
        assertEquals(1, n.mixes.get(1).counters().extendFailures());
    }

    @Test
    void badCreatesAreCountedAndRefused() {
        Net n = new Net("badCreate");
        Mix a = n.mixes.get(0);
        // An id from the Mix's own half of the id space.
        boolean clientHigh = CircuitIds.weUseHighBit(n.clientKey.publicKey(), n.ids.get(0));
        byte[] cell = new byte[Cell.SIZE];
        Bytes.putInt(cell, 0, 5 | (clientHigh ? 0 : 0x8000_0000));
        cell[Cell.COMMAND_OFFSET] = CellCommand.CREATE;
        n.net.inject(n.client, 0, cell);
        n.net.run();
        assertEquals(1, a.counters().badCircuitId());
        // A handshake naming another Mix's identity: refused with DESTROY.
        List<Integer> destroys = new ArrayList<>();
        n.net.tap(t -> {
            if (t.cell()[Cell.COMMAND_OFFSET] == CellCommand.DESTROY) {
                destroys.add(Bytes.getInt(t.cell(), 0));
            }
        });
        Circuit wrong = n.build(List.of(new MixRef(n.ids.get(1), n.refs.get(0).onionKey(), "z")));
        n.net.run();
        assertEquals(1, a.counters().handshakeFailures());
        assertEquals(List.of(wrong.circuitId()), destroys);
        assertEquals(Circuit.State.FAILED, wrong.state());
        assertEquals(0, a.table().size());
        // A duplicate CREATE for a live circuit.
        Circuit ok = n.build(List.of(n.refs.get(0)));
        n.net.run();
        byte[] dup = new byte[Cell.SIZE];
        Bytes.putInt(dup, 0, ok.circuitId());
        dup[Cell.COMMAND_OFFSET] = CellCommand.CREATE;
        n.net.inject(n.client, 0, dup);
        n.net.run();
        assertEquals(2, a.counters().badCircuitId());
        assertEquals(1, a.table().size());
    }

    @Test
    void aTamperedCreatedFailsTheCircuit() {
        Net n = new Net("tamperedCreated");
        n.net.impairment = t -> {
            if (t.cell()[Cell.COMMAND_OFFSET] == CellCommand.CREATED) {
                t.cell()[Cell.PAYLOAD_OFFSET + 40] ^= 1; // inside AUTH
            }
            return List.of(t);
        };
        Circuit c = n.build(n.refs);
        n.net.run();
        assertEquals(Circuit.State.FAILED, c.state());
        assertTrue(c.failure().contains("BAD_AUTH"), c.failure());
        assertEquals(0, n.entries());
    }

    @Test
    void extendToAMixWithoutALinkIsRefused() {
        Net n = new Net("extendUnknown");
        IdentityKeyPair stranger = IdentityKeyPair.generate(n.random);
        Circuit c = n.build(List.of(n.refs.get(0), new MixRef(stranger.publicKey(), n.refs.get(1).onionKey(), "z")));
        n.net.run();
        assertEquals(Circuit.State.FAILED, c.state());
        assertEquals(1, n.mixes.get(0).counters().extendFailures());
        assertEquals(0, n.entries());
    }

    @Test
    void relayingACellAtAnInteriorMixAllocatesNothing() {
        Net n = new Net("alloc");
        Circuit c = n.build(n.refs);
        n.net.run();
        assertEquals(Circuit.State.OPEN, c.state());
        // Capture one forward cell as it arrives at B (mix 1).
        byte[][] atB = new byte[1][];
        n.net.tap(t -> {
            if (t.to() == 1 && t.cell()[Cell.COMMAND_OFFSET] == CellCommand.RELAY) {
                atB[0] = t.cell();
            }
        });
        byte[] cell = new byte[Cell.SIZE];
        org.herd.core.wire.CellCodec.writeRelay(cell, 0, org.herd.core.wire.RelayCommand.DATA, 1, new byte[180], 0, 180);
        c.sendRelay(cell, 0, 2);
        n.net.run();
        byte[] sink = new byte[Cell.SIZE];
        long[] sent = {0};
        n.mixOutlet[1] = (p, b, o) -> {
            System.arraycopy(b, o, sink, 0, Cell.SIZE);
            sent[0]++;
        };
        Mix b = n.mixes.get(1);
        byte[] in = new byte[Cell.SIZE];
        com.sun.management.ThreadMXBean mx = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        long tid = Thread.currentThread().getId();
        for (int i = 0; i < 20_000; i++) { // warm-up (JIT, escape analysis)
            System.arraycopy(atB[0], 0, in, 0, Cell.SIZE);
            b.onCell(0, in, 0);
        }
        int cells = 50_000;
        long before = mx.getThreadAllocatedBytes(tid);
        for (int i = 0; i < cells; i++) {
            System.arraycopy(atB[0], 0, in, 0, Cell.SIZE);
            b.onCell(0, in, 0);
        }
        long allocated = mx.getThreadAllocatedBytes(tid) - before;
        assertEquals(70_000, sent[0]);
        System.out.println("interior Mix: " + allocated + " bytes allocated for " + cells + " relayed cells");
        assertTrue(allocated < cells / 10, allocated + " bytes for " + cells + " cells");
    }
}
