package org.herd.core.wire;

/**
 * Decoding of link cells and relay headers from untrusted bytes.
 *
 * <p>Nothing here throws on bad input: the data path asks for a status code and drops and
 * counts what does not decode (STYLE.md, habit 7). The codes are plain ints so that checking
 * them allocates nothing.
 */
public final class CellCodec {

    /** The bytes are a well-formed cell (its command may still be unknown: see {@link CellCommand#isKnown}). */
    public static final int OK = 0;
    /** The plaintext of a record is not exactly {@link Cell#SIZE} bytes long. */
    public static final int WRONG_SIZE = 1;
    /** A relay header announces more data than a relay cell can carry. */
    public static final int BAD_LENGTH = 2;

    private CellCodec() {
    }

    /** Checks that {@code length} bytes from {@code offset} of {@code buffer} form one cell. */
    public static int checkCell(byte[] buffer, int offset, int length) {
        if (offset < 0 || length != Cell.SIZE || buffer.length - offset < length) {
            return WRONG_SIZE;
        }
        return OK;
    }

    /**
     * Checks the plaintext relay header of the RELAY cell at {@code cellOffset}, as seen by the
     * hop that recognised it (after the onion layers were removed and the MAC verified).
     */
    public static int checkRelayHeader(byte[] buffer, int cellOffset) {
        int length = relayDataLength(buffer, cellOffset);
        return length > RelayCell.MAX_DATA ? BAD_LENGTH : OK;
    }

    /** The relay command of the recognised RELAY cell at {@code cellOffset}. */
    public static int relayCommand(byte[] buffer, int cellOffset) {
        return buffer[cellOffset + RelayCell.BODY_OFFSET + RelayCell.RELAY_COMMAND_OFFSET] & 0xFF;
    }

    /** The stream id of the recognised RELAY cell at {@code cellOffset}. */
    public static int relayStreamId(byte[] buffer, int cellOffset) {
        return Bytes.getUnsignedShort(buffer, cellOffset + RelayCell.BODY_OFFSET + RelayCell.STREAM_ID_OFFSET);
    }

    /** The declared data length of the recognised RELAY cell at {@code cellOffset}. */
    public static int relayDataLength(byte[] buffer, int cellOffset) {
        return Bytes.getUnsignedShort(buffer, cellOffset + RelayCell.BODY_OFFSET + RelayCell.LENGTH_OFFSET);
    }

    /**
     * Writes a plaintext relay header and data into the RELAY cell at {@code cellOffset} and
     * zero-fills the rest of the data field (so no stale bytes ever leave in a cell). The
     * recognized field is set to zero; the MAC field is left for the onion layer to fill.
     */
    public static void writeRelay(byte[] buffer, int cellOffset, int relayCommand, int streamId,
                                  byte[] data, int dataOffset, int dataLength) {
        if (dataLength < 0 || dataLength > RelayCell.MAX_DATA) {
            throw new IllegalArgumentException("relay data of " + dataLength + " bytes; at most " + RelayCell.MAX_DATA);
        }
        if ((relayCommand & ~0xFF) != 0 || (streamId & ~0xFFFF) != 0) {
            throw new IllegalArgumentException("relay command or stream id out of range");
        }
        int body = cellOffset + RelayCell.BODY_OFFSET;
        Bytes.putShort(buffer, body + RelayCell.RECOGNIZED_OFFSET, 0);
        buffer[body + RelayCell.RELAY_COMMAND_OFFSET] = (byte) relayCommand;
        Bytes.putShort(buffer, body + RelayCell.STREAM_ID_OFFSET, streamId);
        Bytes.putShort(buffer, body + RelayCell.LENGTH_OFFSET, dataLength);
        System.arraycopy(data, dataOffset, buffer, body + RelayCell.DATA_OFFSET, dataLength);
        java.util.Arrays.fill(buffer, body + RelayCell.DATA_OFFSET + dataLength, cellOffset + Cell.SIZE, (byte) 0);
    }
}
