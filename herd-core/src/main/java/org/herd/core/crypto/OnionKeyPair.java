package org.herd.core.crypto;

import java.security.SecureRandom;
import java.util.Objects;
import org.bouncycastle.math.ec.rfc7748.X25519;

/**
 * A short-term X25519 onion key pair ({@code s} in §3.2 of the Herd paper): a Mix publishes the
 * public half in its descriptor and uses the pair as {@code (b, B)} in the ntor handshake. Also
 * used for the ephemeral {@code (x, X)} and {@code (y, Y)} of a handshake.
 */
public final class OnionKeyPair {

    /** Size of the private scalar in bytes. */
    public static final int SECRET_SIZE = X25519.SCALAR_SIZE;

    private final byte[] secret;
    private final OnionPublicKey publicKey;

    private OnionKeyPair(byte[] secret) {
        this.secret = secret;
        byte[] pub = new byte[X25519.POINT_SIZE];
        X25519.scalarMultBase(secret, 0, pub, 0);
        this.publicKey = OnionPublicKey.of(pub);
    }

    /** A fresh key pair from {@code random}. */
    public static OnionKeyPair generate(SecureRandom random) {
        byte[] secret = new byte[SECRET_SIZE];
        X25519.generatePrivateKey(Objects.requireNonNull(random), secret);
        return new OnionKeyPair(secret);
    }

    /** The key pair with the given 32-byte private scalar (clamped on use, RFC 7748 §5). */
    public static OnionKeyPair fromSecret(byte[] secret) {
        if (secret.length != SECRET_SIZE) {
            throw new IllegalArgumentException("an X25519 secret has " + SECRET_SIZE + " bytes, not " + secret.length);
        }
        return new OnionKeyPair(secret.clone());
    }

    /** The public half. */
    public OnionPublicKey publicKey() {
        return publicKey;
    }

    /** A copy of the 32-byte private scalar, for writing the key file. */
    public byte[] secret() {
        return secret.clone();
    }

    /**
     * X25519 of this secret and {@code peer} into {@code out[off..off+32)}; false if the result
     * is all zeros (a low-order peer point, which ntor must refuse).
     */
    boolean agree(OnionPublicKey peer, byte[] out, int off) {
        return X25519.calculateAgreement(secret, 0, peer.encodedUnsafe(), 0, out, off);
    }

    @Override
    public String toString() {
        return "OnionKeyPair[" + publicKey + "]";
    }
}
