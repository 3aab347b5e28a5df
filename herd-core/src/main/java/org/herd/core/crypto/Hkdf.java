package org.herd.core.crypto;

import org.bouncycastle.crypto.digests.SHA256Digest;
import org.bouncycastle.crypto.macs.HMac;
import org.bouncycastle.crypto.params.KeyParameter;

/**
 * HKDF with HMAC-SHA256 (RFC 5869), as used by the ntor handshake (tor-spec §5.2.2). Control
 * path only: it allocates.
 */
public final class Hkdf {

    /** Output size of SHA-256 in bytes. */
    public static final int HASH_SIZE = 32;

    private Hkdf() {
    }

    /** HMAC-SHA256 of {@code message} under {@code key}. */
    public static byte[] hmac(byte[] key, byte[] message) {
        HMac mac = new HMac(new SHA256Digest());
        mac.init(new KeyParameter(key));
        mac.update(message, 0, message.length);
        byte[] out = new byte[HASH_SIZE];
        mac.doFinal(out, 0);
        return out;
    }

    /** HKDF-Extract: {@code PRK = HMAC-Hash(salt, IKM)}; an empty salt means HashLen zeros (RFC 5869 §2.2). */
    public static byte[] extract(byte[] salt, byte[] ikm) {
        return hmac(salt.length == 0 ? new byte[HASH_SIZE] : salt, ikm);
    }

    /**
     * HKDF-Expand (RFC 5869 §2.3): {@code T(i) = HMAC(PRK, T(i-1) | info | i)}, output the first
     * {@code length} bytes of {@code T(1) | T(2) | ...}. This is tor-spec §5.2.2's
     * {@code K_(i+1) = H(K_i | m_expand | INT8(i+1), KEY_SEED)} with {@code info = m_expand}.
     */
    public static byte[] expand(byte[] prk, byte[] info, int length) {
        if (length < 0 || length > 255 * HASH_SIZE) {
            throw new IllegalArgumentException("HKDF-SHA256 yields 0.." + 255 * HASH_SIZE + " bytes, not " + length);
        }
        HMac mac = new HMac(new SHA256Digest());
        mac.init(new KeyParameter(prk));
        byte[] out = new byte[length];
        byte[] t = new byte[HASH_SIZE];
        int done = 0;
        for (int i = 1; done < length; i++) {
            if (i > 1) {
                mac.update(t, 0, HASH_SIZE);
            }
            mac.update(info, 0, info.length);
            mac.update((byte) i);
            mac.doFinal(t, 0);
            int n = Math.min(HASH_SIZE, length - done);
            System.arraycopy(t, 0, out, done, n);
            done += n;
        }
        return out;
    }
}
