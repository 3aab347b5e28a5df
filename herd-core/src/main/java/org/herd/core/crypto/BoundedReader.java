package org.herd.core.crypto;

import java.util.Arrays;
import org.herd.core.wire.Bytes;

/**
 * A bounds-checked cursor over untrusted bytes, shared by the certificate codec and the
 * directory protocol: every read names its field, and running past the end is a typed
 * "malformed" exception of the codec's own kind ({@code E}) that names the field and the
 * offset — never an unchecked exception.
 *
 * @param <E> the codec's exception for malformed input
 */
public abstract class BoundedReader<E extends Exception> {

    private final byte[] b;
    private final int end;
    private int p;

    /** A reader over {@code length} bytes of {@code b} from {@code offset}. */
    protected BoundedReader(byte[] b, int offset, int length) {
        this.b = b;
        this.p = offset;
        this.end = offset + length;
    }

    /** The codec's exception for malformed input, with {@code message}. */
    protected abstract E newMalformed(String message);

    /** Bytes not read yet. */
    public final int remaining() {
        return end - p;
    }

    /** A malformed-input exception saying {@code why}, at the current offset. */
    public final E malformed(String why) {
        return newMalformed(why + " (at byte " + p + ")");
    }

    private void need(int n, String field) throws E {
        if (n < 0 || remaining() < n) {
            throw malformed("truncated in " + field + ": need " + n + " bytes, have " + remaining());
        }
    }

    /** One unsigned byte. */
    public final int u8(String field) throws E {
        need(1, field);
        return b[p++] & 0xFF;
    }

    /** A big-endian unsigned 16-bit integer. */
    public final int u16(String field) throws E {
        need(2, field);
        int v = Bytes.getUnsignedShort(b, p);
        p += 2;
        return v;
    }

    /** A big-endian 32-bit integer. */
    public final int int32(String field) throws E {
        need(4, field);
        int v = Bytes.getInt(b, p);
        p += 4;
        return v;
    }

    /** A big-endian 64-bit integer. */
    public final long int64(String field) throws E {
        need(8, field);
        long v = Bytes.getLong(b, p);
        p += 8;
        return v;
    }

    /** A copy of the next {@code n} bytes. */
    public final byte[] bytes(int n, String field) throws E {
        need(n, field);
        byte[] v = Arrays.copyOfRange(b, p, p + n);
        p += n;
        return v;
    }

    /** A 32-byte Ed25519 public key that is a valid curve point. */
    public final IdentityPublicKey identityKey(String field) throws E {
        byte[] k = bytes(IdentityPublicKey.SIZE, field);
        try {
            return IdentityPublicKey.of(k);
        } catch (RuntimeException e) {
            throw malformed(field + " is not a valid Ed25519 public key");
        }
    }
}
