package org.herd.core.circuit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.herd.core.wire.CellCodec;
import org.herd.core.wire.ControlFragment;
import org.herd.core.wire.RelayCommand;
import org.junit.jupiter.api.Test;

/** Reassembly of fragmented control messages, and its bounds against abuse. */
class ReassemblerTest {

    private static List<byte[]> fragments(int messageId, byte[] message) {
        List<byte[]> cells = new ArrayList<>();
        ControlWriter.write(new byte[256], 7, RelayCommand.REGISTER, messageId, message, (b, o) -> cells.add(b.clone()));
        return cells;
    }

    private static byte[] feed(Reassembler r, long key, byte[] cell, long now) {
        return feed(r, key, RelayCommand.REGISTER, cell, now);
    }

    private static byte[] feed(Reassembler r, long key, int cmd, byte[] cell, long now) {
        return r.accept(key, cmd, cell, 0, CellCodec.relayDataLength(cell, 0), now);
    }

    private static byte[] message(int n) {
        byte[] m = new byte[n];
        new Random(n).nextBytes(m);
        return m;
    }

    @Test
    void reassemblesInAnyOrderAndInterleaved() {
        Reassembler r = new Reassembler(4, 1000);
        byte[] a = message(500);
        byte[] b = message(ControlFragment.MAX_MESSAGE);
        List<byte[]> fa = fragments(1, a);
        List<byte[]> fb = fragments(2, b);
        assertEquals(3, fa.size());
        assertEquals(ControlFragment.MAX_FRAGMENTS, fb.size());
        assertNull(feed(r, 1, fa.get(2), 0));
        assertNull(feed(r, 1, fb.get(7), 0));
        assertNull(feed(r, 1, fa.get(0), 0));
        for (int i = 0; i < 7; i++) {
            byte[] out = feed(r, 1, fb.get(i), 0);
            if (i < 6) {
                assertNull(out);
            } else {
                assertArrayEquals(b, out);
            }
        }
        assertArrayEquals(a, feed(r, 1, fa.get(1), 0));
        assertEquals(0, r.pending());
        assertArrayEquals(message(3), feed(r, 1, fragments(3, message(3)).get(0), 0));
    }

    @Test
    void abuseIsDroppedAndCounted() {
        Reassembler r = new Reassembler(2, 1000);
        List<byte[]> f = fragments(1, message(500));
        // A repeated fragment kills the partial message.
        assertNull(feed(r, 1, f.get(0), 0));
        assertNull(feed(r, 1, f.get(0), 0));
        assertEquals(1, r.malformed);
        assertEquals(0, r.pending());
        // A fragment whose count disagrees with the partial message's.
        assertNull(feed(r, 1, f.get(0), 0));
        byte[] liar = f.get(1).clone();
        liar[21 + 23 + ControlFragment.COUNT_OFFSET] = 5;
        assertNull(feed(r, 1, liar, 0));
        assertEquals(2, r.malformed);
        // A bad header.
        byte[] bad = f.get(1).clone();
        bad[21 + 23 + ControlFragment.INDEX_OFFSET] = 9;
        assertNull(feed(r, 1, bad, 0));
        assertEquals(3, r.malformed);
        // No free slot: at most two partial messages.
        assertNull(feed(r, 1, fragments(10, message(500)).get(0), 0));
        assertNull(feed(r, 2, fragments(11, message(500)).get(0), 0));
        assertNull(feed(r, 3, fragments(12, message(500)).get(0), 0));
        assertEquals(1, r.overflow);
        assertEquals(4, r.takeDrops());
        assertEquals(0, r.takeDrops());
    }

    @Test
    void partialMessagesExpireAtTheirDeadlineAndAreForgottenWithTheirCircuit() {
        Reassembler r = new Reassembler(2, 1000);
        List<byte[]> f = fragments(1, message(500));
        assertNull(feed(r, 1, f.get(0), 0));
        r.expire(999);
        assertEquals(1, r.pending());
        r.expire(1000);
        assertEquals(0, r.pending());
        assertEquals(1, r.expired);
        // The late fragments start a new partial message that never completes.
        assertNull(feed(r, 1, f.get(1), 1000));
        assertNull(feed(r, 1, f.get(2), 1000));
        assertEquals(1, r.pending());
        r.forget(1);
        assertEquals(0, r.pending());
    }

    @Test
    void aResentMessageReplacesTheCopyThatLostAFragment() {
        Reassembler r = new Reassembler(8, 1000);
        byte[] m = message(500);
        // Two copies each lost their last fragment; the third copy still completes, replacing the oldest.
        assertNull(feed(r, 1, fragments(1, m).get(0), 0));
        assertNull(feed(r, 1, fragments(2, m).get(0), 10));
        List<byte[]> third = fragments(3, m);
        assertNull(feed(r, 1, third.get(0), 20));
        assertNull(feed(r, 1, third.get(1), 20));
        assertArrayEquals(m, feed(r, 1, third.get(2), 20));
        assertEquals(1, r.superseded);
        assertEquals(0, r.overflow);
        assertEquals(1, r.pending(), "copy 2 is still held until it expires");
    }

    @Test
    void oneCircuitCannotTakeEverySlot() {
        Reassembler r = new Reassembler(8, 1000);
        int[] commands = {RelayCommand.REGISTER, RelayCommand.LOOKUP};
        for (int id = 0; id < Reassembler.PER_CIRCUIT; id++) {
            assertNull(feed(r, 1, commands[id % 2], fragments(id, message(500)).get(0), 0));
        }
        assertNull(feed(r, 1, RelayCommand.CONNECT, fragments(99, message(500)).get(0), 0));
        assertEquals(1, r.overflow);
        assertEquals(Reassembler.PER_CIRCUIT, r.pending());
        // Another circuit still gets a slot and completes its message.
        List<byte[]> other = fragments(5, message(300));
        assertNull(feed(r, 2, other.get(0), 0));
        assertArrayEquals(message(300), feed(r, 2, other.get(1), 0));
    }
}
