package org.herd.core.sched;

import org.herd.core.wire.Bytes;
import org.herd.core.wire.Cell;
import org.herd.core.wire.CellCommand;

/**
 * Receive side of one link: tells Chaff from payload and discards the Chaff (§3.4.1), counting
 * what it saw. One instance per link, used on the link's receiving thread.
 *
 * <p>A cell is {@link #CHAFF} if its command is {@link CellCommand#PADDING} and its circuit id is
 * 0; a PADDING cell on a circuit, or a buffer too short for a cell, is {@link #MALFORMED} (dropped
 * and counted, never thrown: this runs on the data path). Everything else is {@link #PAYLOAD} and
 * goes on to the circuit layer, which judges its command. The Chaff sequence numbers (see {@link
 * ChaffSource}) give an estimate of Chaff lost or reordered on the link.
 */
public final class ChaffFilter {

    /** The cell carries payload: pass it on. */
    public static final int PAYLOAD = 0;
    /** The cell is Chaff: discard it. */
    public static final int CHAFF = 1;
    /** The cell is malformed: discard it (counted). */
    public static final int MALFORMED = 2;

    private long payloadCells;
    private long chaffCells;
    private long malformedCells;
    private long chaffSequenceGaps;
    private long expectedSequence;

    /** Classifies the cell at {@code off} and counts it; returns {@link #PAYLOAD}, {@link #CHAFF} or {@link #MALFORMED}. */
    public int classify(byte[] cell, int off) {
        if (off < 0 || cell.length - off < Cell.SIZE) {
            malformedCells++;
            return MALFORMED;
        }
        if ((cell[off + Cell.COMMAND_OFFSET] & 0xFF) != CellCommand.PADDING) {
            payloadCells++;
            return PAYLOAD;
        }
        if (Bytes.getInt(cell, off + Cell.CIRCUIT_ID_OFFSET) != 0) {
            malformedCells++;
            return MALFORMED;
        }
        long seq = Bytes.getLong(cell, off + ChaffSource.SEQUENCE_OFFSET);
        if (seq != expectedSequence) {
            chaffSequenceGaps++;
        }
        expectedSequence = seq + 1;
        chaffCells++;
        return CHAFF;
    }

    /** Payload cells passed on. */
    public long payloadCells() {
        return payloadCells;
    }

    /** Chaff cells discarded. */
    public long chaffCells() {
        return chaffCells;
    }

    /** Malformed cells discarded (PADDING on a circuit, or a short buffer). */
    public long malformedCells() {
        return malformedCells;
    }

    /** Times a Chaff sequence number was not the one after the previous (loss or reordering). */
    public long chaffSequenceGaps() {
        return chaffSequenceGaps;
    }
}
