package org.herd.core.wire;

/**
 * Flyweight over one link cell: the unit that every Herd link carries, in both directions,
 * at a constant rate (§3.2, §3.4.1 of the Herd paper).
 *
 * <p>Every cell on every link has exactly {@link #SIZE} bytes, so cell sizes leak nothing. The
 * cell is the plaintext of one DTLS record; the record layer adds its own header, explicit
 * nonce and tag around it (see {@code docs/wire.md}).
 *
 * <pre>
 *  offset  size  field
 *       0     4  circuit id   (per hop and per link; 0 = the link itself, e.g. chaff)
 *       4     1  command      ({@link CellCommand}; unknown values are carried, not rejected)
 *       5   251  payload      (command specific; RELAY: see {@link RelayCell})
 * </pre>
 *
 * <p>The flyweight holds no data of its own: {@link #wrap(byte[], int)} points it at a buffer,
 * so one instance serves every cell a thread handles and nothing is allocated per cell.
 * Multi-byte integers are big-endian (network order).
 */
public final class Cell {

    /** The size of every cell on every link, in bytes. */
    public static final int SIZE = 256;

    /** Offset of the 4-byte circuit id. */
    public static final int CIRCUIT_ID_OFFSET = 0;
    /** Offset of the 1-byte command. */
    public static final int COMMAND_OFFSET = 4;
    /** Offset of the payload. */
    public static final int PAYLOAD_OFFSET = 5;
    /** Size of the payload. */
    public static final int PAYLOAD_SIZE = SIZE - PAYLOAD_OFFSET;

    private byte[] buffer;
    private int offset;

    /** Points this flyweight at the {@link #SIZE} bytes of {@code buffer} from {@code offset}. */
    public Cell wrap(byte[] buffer, int offset) {
        if (offset < 0 || buffer.length - offset < SIZE) {
            throw new IllegalArgumentException(
                    "a cell needs " + SIZE + " bytes at offset " + offset + " of a buffer of " + buffer.length);
        }
        this.buffer = buffer;
        this.offset = offset;
        return this;
    }

    /** The buffer this flyweight is wrapped around. */
    public byte[] buffer() {
        return buffer;
    }

    /** The offset of the cell in {@link #buffer()}. */
    public int offset() {
        return offset;
    }

    /** The circuit id as an unsigned 32-bit value held in an int. */
    public int circuitId() {
        return Bytes.getInt(buffer, offset + CIRCUIT_ID_OFFSET);
    }

    /** Sets the circuit id. */
    public Cell circuitId(int circuitId) {
        Bytes.putInt(buffer, offset + CIRCUIT_ID_OFFSET, circuitId);
        return this;
    }

    /** The command byte as an unsigned value 0..255; see {@link CellCommand}. */
    public int command() {
        return buffer[offset + COMMAND_OFFSET] & 0xFF;
    }

    /** Sets the command byte. */
    public Cell command(int command) {
        if ((command & ~0xFF) != 0) {
            throw new IllegalArgumentException("command out of range: " + command);
        }
        buffer[offset + COMMAND_OFFSET] = (byte) command;
        return this;
    }

    /** Absolute offset of the payload in {@link #buffer()}. */
    public int payloadOffset() {
        return offset + PAYLOAD_OFFSET;
    }

    /** Zeroes the whole cell (header and payload). */
    public Cell clear() {
        java.util.Arrays.fill(buffer, offset, offset + SIZE, (byte) 0);
        return this;
    }

    @Override
    public String toString() {
        if (buffer == null) {
            return "Cell[unwrapped]";
        }
        return "Cell[circ=" + Integer.toUnsignedString(circuitId()) + ", cmd=" + CellCommand.name(command()) + "]";
    }
}
