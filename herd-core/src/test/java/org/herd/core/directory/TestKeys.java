package org.herd.core.directory;

import java.util.SplittableRandom;
import org.herd.core.crypto.IdentityKeyPair;
import org.herd.core.crypto.IdentityPublicKey;

/** Deterministic identity keys for tests (real Ed25519 public keys from seeded seeds). */
final class TestKeys {

    private TestKeys() {
    }

    /** The key number {@code i} of the stream seeded with {@code seed}. */
    static IdentityPublicKey key(long seed, long i) {
        SplittableRandom r = new SplittableRandom(seed * 1_000_003L + i);
        byte[] b = new byte[IdentityKeyPair.SEED_SIZE];
        r.nextBytes(b);
        return IdentityKeyPair.fromSeed(b).publicKey();
    }
}
