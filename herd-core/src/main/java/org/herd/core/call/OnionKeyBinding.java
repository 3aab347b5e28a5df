package org.herd.core.call;

import java.nio.charset.StandardCharsets;
import org.herd.core.crypto.IdentityKeyPair;
import org.herd.core.crypto.IdentityPublicKey;
import org.herd.core.crypto.OnionPublicKey;
import org.herd.core.wire.Bytes;

/**
 * A client's signature, with its certified identity key, over the X25519 onion key that callers
 * use for the end-to-end handshake (§3.3 of the Herd paper: the end-to-end key is agreed "using the
 * callee's certified key"). {@code ClientCertificate} certifies only the Ed25519 identity key, so
 * the callee binds an onion key to it; the binding travels in REGISTER and ANSWER, and the caller
 * checks it against the certificate it got out of band — neither the directory nor a rendezvous
 * Mix can substitute a key.
 *
 * <pre>
 *  signed = "herd-client-onion-v1\0" | client identity key 32 | onion key 32 | valid until 8 (epoch ms)
 * </pre>
 */
public final class OnionKeyBinding {

    private static final byte[] CONTEXT = "herd-client-onion-v1\0".getBytes(StandardCharsets.US_ASCII);

    private OnionKeyBinding() {
    }

    private static byte[] message(IdentityPublicKey client, OnionPublicKey onion, long validUntil) {
        byte[] m = new byte[CONTEXT.length + 32 + 32 + 8];
        System.arraycopy(CONTEXT, 0, m, 0, CONTEXT.length);
        System.arraycopy(client.encoded(), 0, m, CONTEXT.length, 32);
        System.arraycopy(onion.encoded(), 0, m, CONTEXT.length + 32, 32);
        Bytes.putLong(m, CONTEXT.length + 64, validUntil);
        return m;
    }

    /** Signs {@code onion} as {@code client}'s end-to-end key until {@code validUntil}. */
    public static byte[] sign(IdentityKeyPair client, OnionPublicKey onion, long validUntil) {
        return client.sign(message(client.publicKey(), onion, validUntil));
    }

    /** True if {@code signature} binds {@code onion} to {@code client} until {@code validUntil}. */
    public static boolean verify(IdentityPublicKey client, OnionPublicKey onion, long validUntil, byte[] signature) {
        return client.verify(message(client, onion, validUntil), signature);
    }
}
