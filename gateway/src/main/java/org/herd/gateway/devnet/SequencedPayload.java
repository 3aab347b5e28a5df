package org.herd.gateway.devnet;

import org.herd.core.wire.Bytes;
import org.herd.core.wire.Cell;
import org.herd.core.wire.CellCommand;

/**
 * Known test payload for link demos, system tests and benchmarks: cell number {@code n} carries
 * {@code n} and bytes derived from it, so a receiver can tell a cell that arrived intact and in
 * order from a lost, reordered or corrupted one without any shared state but the sequence.
 */
public final class SequencedPayload {

    private static final int SEQ_OFFSET = Cell.PAYLOAD_OFFSET;
    private static final int FILL_OFFSET = SEQ_OFFSET + 8;

    /** What a received cell was, judged against the next expected sequence number. */
    public enum Verdict {
        /** The expected cell, intact. */
        IN_ORDER,
        /** An intact cell with a later sequence number: cells were lost in between. */
        GAP,
        /** An intact cell with an earlier sequence number: reordered or duplicated. */
        OUT_OF_ORDER,
        /** The bytes do not match their sequence number. */
        CORRUPT
    }

    private long nextToSend;
    private long expected;
    private long inOrder;
    private long gaps;
    private long outOfOrder;
    private long corrupt;

    /** Writes the next payload cell (circuit 1, command RELAY) into {@code buf} at {@code off}. */
    public void fillNext(byte[] buf, int off) {
        long n = nextToSend++;
        Bytes.putInt(buf, off + Cell.CIRCUIT_ID_OFFSET, 1);
        buf[off + Cell.COMMAND_OFFSET] = (byte) CellCommand.RELAY;
        Bytes.putLong(buf, off + SEQ_OFFSET, n);
        for (int i = FILL_OFFSET; i < Cell.SIZE; i++) {
            buf[off + i] = pattern(n, i);
        }
    }

    /** Checks a received payload cell and counts it. */
    public Verdict check(byte[] buf, int off) {
        long n = Bytes.getLong(buf, off + SEQ_OFFSET);
        boolean intact = Bytes.getInt(buf, off + Cell.CIRCUIT_ID_OFFSET) == 1
                && (buf[off + Cell.COMMAND_OFFSET] & 0xFF) == CellCommand.RELAY;
        for (int i = FILL_OFFSET; intact && i < Cell.SIZE; i++) {
            intact = buf[off + i] == pattern(n, i);
        }
        if (!intact) {
            corrupt++;
            return Verdict.CORRUPT;
        }
        if (n == expected) {
            expected++;
            inOrder++;
            return Verdict.IN_ORDER;
        }
        if (n > expected) {
            gaps++;
            expected = n + 1;
            return Verdict.GAP;
        }
        outOfOrder++;
        return Verdict.OUT_OF_ORDER;
    }

    private static byte pattern(long n, int i) {
        long x = n * 0x9E3779B97F4A7C15L + i * 0xBF58476D1CE4E5B9L;
        x ^= x >>> 31;
        return (byte) x;
    }

    /** Cells written so far. */
    public long sent() {
        return nextToSend;
    }

    /** Cells received intact and in order. */
    public long inOrder() {
        return inOrder;
    }

    /** Times a later cell arrived than expected (loss). */
    public long gaps() {
        return gaps;
    }

    /** Cells that arrived after a later one. */
    public long outOfOrder() {
        return outOfOrder;
    }

    /** Cells whose bytes did not match their number. */
    public long corrupt() {
        return corrupt;
    }
}
