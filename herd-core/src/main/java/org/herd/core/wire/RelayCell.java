package org.herd.core.wire;

/**
 * Layout of the payload of a {@link CellCommand#RELAY} cell (§3.2 of the Herd paper).
 *
 * <pre>
 *  offset in cell  size  field
 *               5    16  onion nonce   (transformed by every hop, so it differs unrelatably per link)
 *              21   235  onion body    (one stream-cipher layer per hop; plaintext below)
 *
 *  offset in body  size  field (plaintext, as the hop that recognises the cell sees it)
 *               0     2  recognized    (zero; a cheap pre-check before the MAC)
 *               2    16  MAC           (keyed per hop and direction, over nonce and the rest of the body)
 *              18     1  relay command
 *              19     2  stream id     (call or control stream on the circuit)
 *              21     2  data length   (0..{@link #MAX_DATA})
 *              23   212  data          (zero-padded)
 * </pre>
 *
 * <p>This class only names offsets and reads/writes the plaintext header fields; the onion
 * layers and the MAC are the business of {@code org.herd.core.crypto}.
 */
public final class RelayCell {

    /** Offset of the onion nonce within the cell. */
    public static final int NONCE_OFFSET = Cell.PAYLOAD_OFFSET;
    /** Size of the onion nonce. */
    public static final int NONCE_SIZE = 16;
    /** Offset of the onion body within the cell. */
    public static final int BODY_OFFSET = NONCE_OFFSET + NONCE_SIZE;
    /** Size of the onion body. */
    public static final int BODY_SIZE = Cell.SIZE - BODY_OFFSET;

    /** Offset of the recognized field within the body. */
    public static final int RECOGNIZED_OFFSET = 0;
    /** Offset of the MAC within the body. */
    public static final int MAC_OFFSET = 2;
    /** Size of the MAC. */
    public static final int MAC_SIZE = 16;
    /** Offset of the relay command within the body. */
    public static final int RELAY_COMMAND_OFFSET = MAC_OFFSET + MAC_SIZE;
    /** Offset of the stream id within the body. */
    public static final int STREAM_ID_OFFSET = RELAY_COMMAND_OFFSET + 1;
    /** Offset of the data length within the body. */
    public static final int LENGTH_OFFSET = STREAM_ID_OFFSET + 2;
    /** Offset of the data within the body. */
    public static final int DATA_OFFSET = LENGTH_OFFSET + 2;
    /** The most data one relay cell carries. */
    public static final int MAX_DATA = BODY_SIZE - DATA_OFFSET;

    private RelayCell() {
    }
}
