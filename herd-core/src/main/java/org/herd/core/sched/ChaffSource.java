package org.herd.core.sched;

import java.util.random.RandomGenerator;
import org.herd.core.wire.Bytes;
import org.herd.core.wire.Cell;
import org.herd.core.wire.CellCommand;

/**
 * Makes the Chaff cells of one link (§3.4.1: "Chaff packets, which include a sequence number,
 * are substituted when no VoIP packets are to be sent").
 *
 * <p>A Chaff cell is a whole {@link Cell} of {@link Cell#SIZE} bytes, like every payload cell,
 * so the DTLS record that carries it has the same length as any other:
 *
 * <pre>
 *  offset  size  field
 *       0     4  circuit id = 0 (the link itself)
 *       4     1  command = {@link CellCommand#PADDING}
 *       5     8  per-link Chaff sequence number, big-endian, 0, 1, 2, ...
 *      13   243  filler: zeros, or bytes drawn once from a seeded RNG
 * </pre>
 *
 * <p>Every byte is defined: the public prototype sent uninitialised memory in chaff (DESIGN.md
 * §3), which can leak process memory. The filler does not need to be random for secrecy (the
 * DTLS AEAD encrypts the whole cell); a seeded filler is offered for tests that want to tell two
 * links' chaff apart. The all-zero Chaff of every link on a thread is written into one buffer
 * per thread (a Mix has one link per client: 272 bytes each saved); a seeded filler has its
 * own buffer. Either is rewritten in place.
 */
public final class ChaffSource {

    /** Offset of the 8-byte sequence number in the cell. */
    public static final int SEQUENCE_OFFSET = Cell.PAYLOAD_OFFSET;
    /** Offset of the filler in the cell. */
    public static final int FILLER_OFFSET = SEQUENCE_OFFSET + 8;

    /** The all-zero-filler Chaff cell of each thread; only the sequence number differs per link. */
    private static final ThreadLocal<byte[]> ZERO_FILLER = ThreadLocal.withInitial(ChaffSource::paddingCell);

    /** This link's own cell if its filler is not zero, else null (the thread's cell is used). */
    private final byte[] own;
    private long nextSequence;

    /** Chaff with an all-zero filler. */
    public ChaffSource() {
        this.own = null;
    }

    /** Chaff whose filler is drawn once from {@code filler} (e.g. a seeded generator in tests). */
    public ChaffSource(RandomGenerator filler) {
        this.own = paddingCell();
        for (int i = FILLER_OFFSET; i < Cell.SIZE; i++) {
            own[i] = (byte) filler.nextInt(256);
        }
    }

    private static byte[] paddingCell() {
        byte[] cell = new byte[Cell.SIZE];
        new Cell().wrap(cell, 0).clear().circuitId(0).command(CellCommand.PADDING);
        return cell;
    }

    /**
     * Writes the next sequence number into a Chaff cell and returns its buffer (offset 0). The
     * buffer is reused (by every zero-filler link on this thread): it is valid until the next
     * call of any of them on this thread.
     */
    public byte[] next() {
        byte[] cell = own != null ? own : ZERO_FILLER.get();
        Bytes.putLong(cell, SEQUENCE_OFFSET, nextSequence++);
        return cell;
    }

    /** The sequence number the next Chaff cell will carry (= Chaff cells made so far). */
    public long nextSequence() {
        return nextSequence;
    }
}
