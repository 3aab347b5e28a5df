package org.herd.core.wire;

/**
 * Fragment header of a control message in the data field of a {@link RelayCell} (§3.2, §3.3 of
 * the Herd paper): control messages longer than one cell's {@link RelayCell#MAX_DATA} bytes (a
 * REGISTER carries a client certificate) are cut into at most {@link #MAX_FRAGMENTS} fragments.
 *
 * <pre>
 *  offset in data  size  field
 *               0     2  message id      (per circuit end and direction, chosen by the sender)
 *               2     1  fragment index  (0..count-1)
 *               3     1  fragment count  (1..MAX_FRAGMENTS)
 *               4   n    fragment bytes   (n = relay data length - 4, 1..MAX_FRAGMENT_DATA; only
 *                                          the last fragment may be shorter than MAX_FRAGMENT_DATA)
 * </pre>
 *
 * Checking never throws: {@link #check} returns a status so the receiver drops and counts.
 */
public final class ControlFragment {

    /** Size of the fragment header. */
    public static final int HEADER_SIZE = 4;
    /** Offset of the message id within the relay data. */
    public static final int MESSAGE_ID_OFFSET = 0;
    /** Offset of the fragment index. */
    public static final int INDEX_OFFSET = 2;
    /** Offset of the fragment count. */
    public static final int COUNT_OFFSET = 3;
    /** Message bytes one fragment carries at most. */
    public static final int MAX_FRAGMENT_DATA = RelayCell.MAX_DATA - HEADER_SIZE;
    /** The most fragments of one message. */
    public static final int MAX_FRAGMENTS = 8;
    /** The longest control message. */
    public static final int MAX_MESSAGE = MAX_FRAGMENTS * MAX_FRAGMENT_DATA;

    /** The fragment is well formed. */
    public static final int OK = 0;
    /** The relay data is shorter than a header plus one byte. */
    public static final int TOO_SHORT = 1;
    /** Count is 0 or above {@link #MAX_FRAGMENTS}, or index is not below count. */
    public static final int BAD_INDEX = 2;
    /** A fragment other than the last is not full. */
    public static final int SHORT_MIDDLE = 3;

    private ControlFragment() {
    }

    /** Number of fragments a message of {@code length} bytes needs (at least one). */
    public static int fragmentsFor(int length) {
        if (length < 1 || length > MAX_MESSAGE) {
            throw new IllegalArgumentException("control message of " + length + " bytes; 1.." + MAX_MESSAGE);
        }
        return (length + MAX_FRAGMENT_DATA - 1) / MAX_FRAGMENT_DATA;
    }

    /** Checks the fragment in the relay data {@code data[off..off+length)}. */
    public static int check(byte[] data, int off, int length) {
        if (length < HEADER_SIZE + 1) {
            return TOO_SHORT;
        }
        int index = index(data, off);
        int count = count(data, off);
        if (count == 0 || count > MAX_FRAGMENTS || index >= count) {
            return BAD_INDEX;
        }
        if (index < count - 1 && length != RelayCell.MAX_DATA) {
            return SHORT_MIDDLE;
        }
        return OK;
    }

    /** The message id of the fragment at {@code off}. */
    public static int messageId(byte[] data, int off) {
        return Bytes.getUnsignedShort(data, off + MESSAGE_ID_OFFSET);
    }

    /** The fragment index. */
    public static int index(byte[] data, int off) {
        return data[off + INDEX_OFFSET] & 0xFF;
    }

    /** The fragment count. */
    public static int count(byte[] data, int off) {
        return data[off + COUNT_OFFSET] & 0xFF;
    }

    /** Writes a fragment header at {@code off}. */
    public static void writeHeader(byte[] data, int off, int messageId, int index, int count) {
        Bytes.putShort(data, off + MESSAGE_ID_OFFSET, messageId);
        data[off + INDEX_OFFSET] = (byte) index;
        data[off + COUNT_OFFSET] = (byte) count;
    }
}
