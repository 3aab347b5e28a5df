package org.herd.core.wire;

/** Big-endian integer access to byte arrays, shared by the codecs of this package. */
public final class Bytes {

    private Bytes() {
    }

    /** Reads a big-endian 32-bit integer. */
    public static int getInt(byte[] b, int off) {
        return (b[off] & 0xFF) << 24 | (b[off + 1] & 0xFF) << 16 | (b[off + 2] & 0xFF) << 8 | (b[off + 3] & 0xFF);
    }

    /** Writes a big-endian 32-bit integer. */
    public static void putInt(byte[] b, int off, int v) {
        b[off] = (byte) (v >>> 24);
        b[off + 1] = (byte) (v >>> 16);
        b[off + 2] = (byte) (v >>> 8);
        b[off + 3] = (byte) v;
    }

    /** Reads a big-endian unsigned 16-bit integer. */
    public static int getUnsignedShort(byte[] b, int off) {
        return (b[off] & 0xFF) << 8 | (b[off + 1] & 0xFF);
    }

    /** Writes the low 16 bits of {@code v}, big-endian. */
    public static void putShort(byte[] b, int off, int v) {
        b[off] = (byte) (v >>> 8);
        b[off + 1] = (byte) v;
    }

    /** Reads a big-endian 64-bit integer. */
    public static long getLong(byte[] b, int off) {
        return (long) getInt(b, off) << 32 | (getInt(b, off + 4) & 0xFFFF_FFFFL);
    }

    /** Writes a big-endian 64-bit integer. */
    public static void putLong(byte[] b, int off, long v) {
        putInt(b, off, (int) (v >>> 32));
        putInt(b, off + 4, (int) v);
    }
}
