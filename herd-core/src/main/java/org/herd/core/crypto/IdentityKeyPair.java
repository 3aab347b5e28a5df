package org.herd.core.crypto;

import java.security.SecureRandom;
import java.util.Objects;
import org.bouncycastle.crypto.params.Ed25519PrivateKeyParameters;
import org.bouncycastle.crypto.signers.Ed25519Signer;

/**
 * A long-term Ed25519 identity key pair ({@code l} in §3.2 of the Herd paper): signs DTLS
 * certificates, descriptors and client certificates.
 */
public final class IdentityKeyPair {

    /** Size of the private seed in bytes. */
    public static final int SEED_SIZE = Ed25519PrivateKeyParameters.KEY_SIZE;

    private final Ed25519PrivateKeyParameters privateKey;
    private final IdentityPublicKey publicKey;

    private IdentityKeyPair(Ed25519PrivateKeyParameters privateKey) {
        this.privateKey = privateKey;
        this.publicKey = IdentityPublicKey.of(privateKey.generatePublicKey().getEncoded());
    }

    /** A fresh key pair from {@code random}. */
    public static IdentityKeyPair generate(SecureRandom random) {
        return new IdentityKeyPair(new Ed25519PrivateKeyParameters(Objects.requireNonNull(random)));
    }

    /** The key pair whose private seed is {@code seed} (32 bytes). */
    public static IdentityKeyPair fromSeed(byte[] seed) {
        if (seed.length != SEED_SIZE) {
            throw new IllegalArgumentException("an Ed25519 seed has " + SEED_SIZE + " bytes, not " + seed.length);
        }
        return new IdentityKeyPair(new Ed25519PrivateKeyParameters(seed, 0));
    }

    /** The public half. */
    public IdentityPublicKey publicKey() {
        return publicKey;
    }

    /** A copy of the 32-byte private seed, for writing the key file. */
    public byte[] seed() {
        return privateKey.getEncoded();
    }

    /** An Ed25519 signature (64 bytes) over {@code message}. */
    public byte[] sign(byte[] message) {
        Ed25519Signer signer = new Ed25519Signer();
        signer.init(true, privateKey);
        signer.update(message, 0, message.length);
        return signer.generateSignature();
    }

    /** The Bouncy Castle form, for code that hands the key to BC's TLS stack. */
    public Ed25519PrivateKeyParameters bouncyCastlePrivateKey() {
        return privateKey;
    }

    @Override
    public String toString() {
        return "IdentityKeyPair[" + publicKey + "]";
    }
}
