package org.herd.core.directory;

import java.util.Arrays;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import org.herd.core.crypto.IdentityPublicKey;
import org.herd.core.crypto.ZoneName;

/** Builds canonical directory-protocol encodings (big-endian); the mirror of {@link MessageReader}. */
final class MessageWriter {

    // A growable array rather than a ByteArrayOutputStream: this package does no java.io.
    private byte[] buf = new byte[256];
    private int size;

    private void put(int b) {
        if (size == buf.length) {
            buf = Arrays.copyOf(buf, buf.length * 2);
        }
        buf[size++] = (byte) b;
    }

    MessageWriter u8(int v) {
        if (v < 0 || v > 0xFF) {
            throw new IllegalArgumentException("not a byte: " + v);
        }
        put(v);
        return this;
    }

    MessageWriter u16(int v) {
        if (v < 0 || v > 0xFFFF) {
            throw new IllegalArgumentException("not a 16-bit value: " + v);
        }
        put(v >>> 8);
        put(v);
        return this;
    }

    MessageWriter int32(int v) {
        for (int s = 24; s >= 0; s -= 8) {
            put(v >>> s);
        }
        return this;
    }

    MessageWriter int64(long v) {
        for (int s = 56; s >= 0; s -= 8) {
            put((int) (v >>> s));
        }
        return this;
    }

    MessageWriter bytes(byte[] v) {
        if (size + v.length > buf.length) {
            buf = Arrays.copyOf(buf, Math.max(buf.length * 2, size + v.length));
        }
        System.arraycopy(v, 0, buf, size, v.length);
        size += v.length;
        return this;
    }

    MessageWriter exact(byte[] v, int size, String what) {
        if (v == null || v.length != size) {
            throw new IllegalArgumentException(what + " must have " + size + " bytes");
        }
        return bytes(v);
    }

    MessageWriter blob16(byte[] v) {
        return u16(v.length).bytes(v);
    }

    MessageWriter blob32(byte[] v) {
        return int32(v.length).bytes(v);
    }

    MessageWriter zone(String zone) {
        ZoneName.require(zone);
        return u8(zone.length()).bytes(zone.getBytes(StandardCharsets.US_ASCII));
    }

    MessageWriter ascii(String text) {
        byte[] t = text.getBytes(StandardCharsets.US_ASCII);
        return u8(t.length).bytes(t);
    }

    MessageWriter key(IdentityPublicKey key) {
        return bytes(key.encoded());
    }

    MessageWriter socketAddress(InetSocketAddress address) {
        if (address.getAddress() == null || address.getPort() == 0) {
            throw new IllegalArgumentException("needs a resolved address and a port: " + address);
        }
        byte[] raw = address.getAddress().getAddress();
        return u8(raw.length == 4 ? 4 : 6).bytes(raw).u16(address.getPort());
    }

    /** The mirror of {@link MessageReader#scope}. */
    MessageWriter scope(RateScope scope) {
        int code = switch (scope.linkClass()) {
            case CLIENT -> 1;
            case SUPERPEER -> 2;
            case INTRA_ZONE_MIX -> 3;
            case INTER_ZONE_MIX -> 4;
        };
        u8(code).zone(scope.zone());
        return scope.peerZone().isEmpty() ? u8(0) : zone(scope.peerZone());
    }

    int size() {
        return size;
    }

    byte[] toByteArray() {
        return Arrays.copyOf(buf, size);
    }
}
