package org.herd.core.crypto;

import java.util.Arrays;
import java.util.HexFormat;

/**
 * The public half of an {@link OnionKeyPair}: a 32-byte X25519 public key ({@code s} in §3.2 of
 * the Herd paper, {@code B} in the ntor handshake), compared by value.
 */
public final class OnionPublicKey {

    /** Size of an encoded X25519 public key. */
    public static final int SIZE = 32;

    private final byte[] encoded;

    private OnionPublicKey(byte[] encoded) {
        this.encoded = encoded;
    }

    /** The key with the given 32-byte encoding (RFC 7748 u-coordinate, little-endian). */
    public static OnionPublicKey of(byte[] encoded) {
        if (encoded.length != SIZE) {
            throw new IllegalArgumentException("an X25519 public key has " + SIZE + " bytes, not " + encoded.length);
        }
        return new OnionPublicKey(encoded.clone());
    }

    /** A copy of the 32-byte encoding. */
    public byte[] encoded() {
        return encoded.clone();
    }

    /** The encoding without a copy, for code of this package that only reads it. */
    byte[] encodedUnsafe() {
        return encoded;
    }

    /** Lower-case hex of the encoding. */
    public String toHex() {
        return HexFormat.of().formatHex(encoded);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof OnionPublicKey other && Arrays.equals(encoded, other.encoded);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(encoded);
    }

    @Override
    public String toString() {
        return "x25519:" + toHex().substring(0, 16) + "…";
    }
}
