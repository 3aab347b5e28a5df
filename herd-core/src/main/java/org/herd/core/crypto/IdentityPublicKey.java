package org.herd.core.crypto;

import java.util.Arrays;
import java.util.HexFormat;
import org.bouncycastle.crypto.params.Ed25519PublicKeyParameters;
import org.bouncycastle.crypto.signers.Ed25519Signer;

/** The public half of an {@link IdentityKeyPair}: 32 bytes, compared by value. */
public final class IdentityPublicKey {

    /** Size of an encoded Ed25519 public key. */
    public static final int SIZE = Ed25519PublicKeyParameters.KEY_SIZE;
    /** Size of an Ed25519 signature. */
    public static final int SIGNATURE_SIZE = 64;

    private final byte[] encoded;
    private final Ed25519PublicKeyParameters parameters;

    private IdentityPublicKey(byte[] encoded) {
        this.encoded = encoded;
        this.parameters = new Ed25519PublicKeyParameters(encoded, 0);
    }

    /** The key with the given 32-byte encoding. */
    public static IdentityPublicKey of(byte[] encoded) {
        if (encoded.length != SIZE) {
            throw new IllegalArgumentException("an Ed25519 public key has " + SIZE + " bytes, not " + encoded.length);
        }
        return new IdentityPublicKey(encoded.clone());
    }

    /** A copy of the 32-byte encoding. */
    public byte[] encoded() {
        return encoded.clone();
    }

    /** True if {@code signature} is a valid Ed25519 signature by this key over {@code message}. */
    public boolean verify(byte[] message, byte[] signature) {
        if (signature == null || signature.length != SIGNATURE_SIZE) {
            return false;
        }
        Ed25519Signer verifier = new Ed25519Signer();
        verifier.init(false, parameters);
        verifier.update(message, 0, message.length);
        return verifier.verifySignature(signature);
    }

    /** The Bouncy Castle form, for code that hands the key to BC's TLS stack. */
    public Ed25519PublicKeyParameters bouncyCastlePublicKey() {
        return parameters;
    }

    /** Lower-case hex of the encoding. */
    public String toHex() {
        return HexFormat.of().formatHex(encoded);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof IdentityPublicKey other && Arrays.equals(encoded, other.encoded);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(encoded);
    }

    @Override
    public String toString() {
        return "ed25519:" + toHex().substring(0, 16) + "…";
    }
}
