package org.herd.core.mix;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.herd.core.wire.Bytes;
import org.herd.core.wire.Cell;
import org.herd.core.wire.ControlMessages;
import org.herd.core.wire.MalformedMessageException;

/**
 * Directory control messages carried as cells on a DTLS link between a Mix and a zone directory
 * (the rendezvous Mix's REGISTER and LOOKUP of §3.3 of the Herd paper). The directory is one
 * more link peer of every Mix: the link carries only these cells (and Chaff at its constant rate),
 * never circuit cells, so a Mix routes every payload cell of a directory link here.
 *
 * <p>Cell (256 bytes): circuit id 0 (4) | command {@link #CELL_COMMAND} (1) | length of the
 * fragment data (2) | message id (2) | fragment index (1) | fragment count 1..{@link #MAX_FRAGMENTS} (1)
 * | fragment data (≤ {@link #FRAGMENT_DATA}) | zero padding. A message is
 * {@code type 1 | request id 8 | body}, the body in {@link ControlMessages} encodings:
 * REGISTER = rendezvous Mix identity 32 | Register; REGISTERED = Registered; LOOKUP = Lookup;
 * ANSWER = Answer. This is the control path: it allocates, and malformed input is counted by the
 * {@link Assembler} and dropped.
 */
public final class DirectoryLinkCodec {

    /** Cell command of directory-link cells (outside the circuit commands 0–4). */
    public static final int CELL_COMMAND = 16;
    /** Fragment bytes per cell. */
    public static final int FRAGMENT_DATA = Cell.SIZE - 5 - 6;
    /** Fragments per message at most (a signed directory document of a few dozen Mixes fits). */
    public static final int MAX_FRAGMENTS = 64;
    /** Message type: a rendezvous Mix forwards a client's REGISTER. */
    public static final int REGISTER = 1;
    /** Message type: the directory's answer to REGISTER. */
    public static final int REGISTERED = 2;
    /** Message type: a rendezvous Mix forwards a caller's LOOKUP. */
    public static final int LOOKUP = 3;
    /** Message type: the directory's answer to LOOKUP. */
    public static final int ANSWER = 4;
    /**
     * Message type: a whole directory-protocol request ({@code directory.DirectoryMessages}, "HDRQ":
     * UTILISATION_REPORT from a Mix, JOIN or GET_DIRECTORY from a joining client, RATE_PROPOSAL
     * forwarded for a peer directory), answered with {@link #RESPONSE}.
     */
    public static final int REQUEST = 5;
    /** Message type: the directory's response ("HDRS") to a {@link #REQUEST}. */
    public static final int RESPONSE = 6;
    /** Message type: the directory pushes its current signed directory document (descriptors, epoch schedule, rates). */
    public static final int DOCUMENT = 7;
    /**
     * Message type: the directory asks a Mix of its zone to forward a request to the directory of
     * another zone ({@code zone length 1 | zone | request}); the Mix sends it there as a
     * {@link #REQUEST} (directories have no links to each other; the request is signed by the
     * directory, so the Mix cannot alter it).
     */
    public static final int FORWARD = 8;
    /**
     * Message type: the directory tells the Mixes of its zone which clients it certified:
     * {@code count 2 | (client certificate length 2 | certificate)*}; a Mix admits links from the
     * keys of these certificates (checked against the zone certificate) while they are valid.
     */
    public static final int CLIENTS = 9;

    private static final int LENGTH_OFFSET = 5;
    private static final int ID_OFFSET = 7;
    private static final int INDEX_OFFSET = 9;
    private static final int COUNT_OFFSET = 10;
    private static final int DATA_OFFSET = 11;

    private DirectoryLinkCodec() {
    }

    /** A decoded message. */
    public record Message(int type, long requestId, byte[] body) {
    }

    /** {@code type | requestId | body}. */
    public static byte[] message(int type, long requestId, byte[] body) {
        byte[] m = new byte[9 + body.length];
        m[0] = (byte) type;
        Bytes.putLong(m, 1, requestId);
        System.arraycopy(body, 0, m, 9, body.length);
        return m;
    }

    /** Parses a reassembled message. */
    public static Message parse(byte[] m) throws MalformedMessageException {
        if (m.length < 9) {
            throw new MalformedMessageException("directory-link message of " + m.length + " bytes");
        }
        return new Message(m[0] & 0xFF, Bytes.getLong(m, 1), Arrays.copyOfRange(m, 9, m.length));
    }

    /** The cells a message of {@code length} bytes ({@code type | request id | body}) is cut into. */
    public static int cellCount(int length) {
        return Math.max(1, (length + FRAGMENT_DATA - 1) / FRAGMENT_DATA);
    }

    /** Cuts {@code message} into cells (fresh 256-byte arrays) under message id {@code messageId}. */
    public static List<byte[]> cells(int messageId, byte[] message) {
        int count = cellCount(message.length);
        if (count > MAX_FRAGMENTS) {
            throw new IllegalArgumentException("directory-link message of " + message.length + " bytes is too long");
        }
        List<byte[]> cells = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            int from = i * FRAGMENT_DATA;
            int len = Math.min(FRAGMENT_DATA, message.length - from);
            byte[] c = new byte[Cell.SIZE];
            c[Cell.COMMAND_OFFSET] = (byte) CELL_COMMAND;
            Bytes.putShort(c, LENGTH_OFFSET, len);
            Bytes.putShort(c, ID_OFFSET, messageId & 0xFFFF);
            c[INDEX_OFFSET] = (byte) i;
            c[COUNT_OFFSET] = (byte) count;
            System.arraycopy(message, from, c, DATA_OFFSET, len);
            cells.add(c);
        }
        return cells;
    }

    /**
     * Reassembles the messages of one link, one at a time (a sender finishes a message before
     * starting the next, and links keep order except under loss): a fragment out of sequence
     * discards the partial message. Counts what it drops.
     */
    public static final class Assembler {
        private final byte[] buffer = new byte[MAX_FRAGMENTS * FRAGMENT_DATA];
        private int messageId = -1;
        private int expectedIndex;
        private int length;
        private long malformed;

        /** Takes one cell; returns the whole message when this cell completes one, else null. */
        public byte[] accept(byte[] cell, int off) {
            int len = Bytes.getUnsignedShort(cell, off + LENGTH_OFFSET);
            int id = Bytes.getUnsignedShort(cell, off + ID_OFFSET);
            int index = cell[off + INDEX_OFFSET] & 0xFF;
            int count = cell[off + COUNT_OFFSET] & 0xFF;
            if ((cell[off + Cell.COMMAND_OFFSET] & 0xFF) != CELL_COMMAND || Bytes.getInt(cell, off) != 0
                    || len > FRAGMENT_DATA || count == 0 || count > MAX_FRAGMENTS || index >= count
                    || (index < count - 1 && len != FRAGMENT_DATA)) {
                malformed++;
                messageId = -1;
                return null;
            }
            if (index == 0) {
                if (messageId >= 0) {
                    malformed++; // the previous message was cut short
                }
                messageId = id;
                expectedIndex = 0;
                length = 0;
            } else if (id != messageId || index != expectedIndex) {
                malformed++;
                messageId = -1;
                return null;
            }
            System.arraycopy(cell, off + DATA_OFFSET, buffer, length, len);
            length += len;
            expectedIndex++;
            if (expectedIndex < count) {
                return null;
            }
            messageId = -1;
            return Arrays.copyOf(buffer, length);
        }

        /** Cells dropped as malformed or out of sequence. */
        public long malformed() {
            return malformed;
        }
    }
}
