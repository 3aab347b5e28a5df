package org.herd.core.crypto;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * The ntor circuit-extension handshake exactly as in tor-spec §5.1.4 ("The ntor handshake"),
 * with its KDF, HKDF-SHA256, as in tor-spec §5.2.2 (RFC 5869). Control path: it allocates.
 *
 * <p>The only generalisation is the length of {@code ID}: Tor uses the 20-byte RSA identity
 * digest ({@link #TOR_ID_LENGTH}); Herd uses the 32-byte Ed25519 identity key of the Mix
 * ({@link #HERD_ID_LENGTH}). With a 20-byte ID the messages and keys are byte for byte Tor's,
 * which the known-answer test checks against a published vector.
 *
 * <pre>
 *  client:  CLIENT_HANDSHAKE = ID | B | X                       (X = x*G, fresh)
 *  server:  secret_input = EXP(X,y) | EXP(X,b) | ID | B | X | Y | PROTOID
 *           KEY_SEED = H(secret_input, t_key); verify = H(secret_input, t_verify)
 *           auth_input = verify | ID | B | Y | X | PROTOID | "Server"
 *           SERVER_HANDSHAKE = Y | AUTH,  AUTH = H(auth_input, t_mac)
 *  client:  secret_input = EXP(Y,x) | EXP(B,x) | ID | B | X | Y | PROTOID; checks AUTH
 *  both:    keys = HKDF-Expand(KEY_SEED, m_expand, n)
 * </pre>
 * where {@code H(x, t) = HMAC-SHA256(key = t, message = x)}.
 */
public final class Ntor {

    /** tor-spec §5.1.4: PROTOID. */
    public static final String PROTOID = "ntor-curve25519-sha256-1";
    /** The ID length of Tor (an RSA identity digest, SHA-1). */
    public static final int TOR_ID_LENGTH = 20;
    /** The ID length Herd uses: the Mix's Ed25519 identity key. */
    public static final int HERD_ID_LENGTH = IdentityPublicKey.SIZE;
    /** Size of {@code Y | AUTH}. */
    public static final int SERVER_HANDSHAKE_SIZE = OnionPublicKey.SIZE + Hkdf.HASH_SIZE;

    private static final byte[] PROTOID_BYTES = ascii(PROTOID);
    private static final byte[] T_MAC = ascii(PROTOID + ":mac");
    private static final byte[] T_KEY = ascii(PROTOID + ":key_extract");
    private static final byte[] T_VERIFY = ascii(PROTOID + ":verify");
    private static final byte[] M_EXPAND = ascii(PROTOID + ":key_expand");
    private static final byte[] SERVER = ascii("Server");

    private Ntor() {
    }

    /** Size of {@code ID | B | X} for IDs of {@code idLength} bytes. */
    public static int clientHandshakeSize(int idLength) {
        return idLength + 2 * OnionPublicKey.SIZE;
    }

    /** The ID that Herd uses for a Mix: its 32-byte Ed25519 identity key. */
    public static byte[] herdId(IdentityPublicKey mixIdentity) {
        return mixIdentity.encoded();
    }

    /** Starts a handshake with the server whose ID is {@code id} and onion key is {@code b}. */
    public static Client client(byte[] id, OnionPublicKey b, SecureRandom random) {
        return client(id, b, OnionKeyPair.generate(random));
    }

    /** As {@link #client(byte[], OnionPublicKey, SecureRandom)} with a given ephemeral key (tests). */
    public static Client client(byte[] id, OnionPublicKey b, OnionKeyPair ephemeral) {
        return new Client(id.clone(), Objects.requireNonNull(b), Objects.requireNonNull(ephemeral));
    }

    /**
     * The server side: answers {@code clientHandshake} if it names {@code id} and the public half
     * of one of {@code onionKeys} (several, so that a rotated-out key is still accepted).
     */
    public static ServerResult server(byte[] clientHandshake, byte[] id, List<OnionKeyPair> onionKeys,
            SecureRandom random) throws NtorException {
        return server(clientHandshake, id, onionKeys, OnionKeyPair.generate(random));
    }

    /** As {@link #server(byte[], byte[], List, SecureRandom)} with a given ephemeral key (tests). */
    public static ServerResult server(byte[] clientHandshake, byte[] id, List<OnionKeyPair> onionKeys,
            OnionKeyPair ephemeral) throws NtorException {
        int idLength = id.length;
        if (clientHandshake.length != clientHandshakeSize(idLength)) {
            throw new NtorException(NtorException.Reason.MALFORMED, "client handshake has " + clientHandshake.length
                    + " bytes, expected " + clientHandshakeSize(idLength));
        }
        if (!MessageDigest.isEqual(Arrays.copyOfRange(clientHandshake, 0, idLength), id)) {
            throw new NtorException(NtorException.Reason.UNKNOWN_KEY, "the client asked for another identity");
        }
        OnionPublicKey bPub = OnionPublicKey.of(Arrays.copyOfRange(clientHandshake, idLength, idLength + 32));
        OnionKeyPair b = null;
        for (OnionKeyPair k : onionKeys) {
            if (k.publicKey().equals(bPub)) {
                b = k;
            }
        }
        if (b == null) {
            throw new NtorException(NtorException.Reason.UNKNOWN_KEY, "the client asked for onion key " + bPub);
        }
        OnionPublicKey x = OnionPublicKey.of(Arrays.copyOfRange(clientHandshake, idLength + 32, idLength + 64));
        byte[] secretInput = new byte[64 + idLength + 3 * 32 + PROTOID_BYTES.length];
        boolean ok = ephemeral.agree(x, secretInput, 0);
        ok &= b.agree(x, secretInput, 32);
        if (!ok) {
            throw new NtorException(NtorException.Reason.DEGENERATE_KEY, "client key X is a low-order point");
        }
        fillTranscript(secretInput, id, bPub, x, ephemeral.publicKey());
        byte[] auth = auth(secretInput, id, bPub, x, ephemeral.publicKey());
        byte[] reply = concat(ephemeral.publicKey().encodedUnsafe(), auth);
        return new ServerResult(reply, new NtorKeys(Hkdf.hmac(T_KEY, secretInput)));
    }

    private static void fillTranscript(byte[] secretInput, byte[] id, OnionPublicKey b, OnionPublicKey x,
            OnionPublicKey y) {
        int p = 64;
        System.arraycopy(id, 0, secretInput, p, id.length);
        p += id.length;
        for (byte[] part : new byte[][] {b.encodedUnsafe(), x.encodedUnsafe(), y.encodedUnsafe(), PROTOID_BYTES}) {
            System.arraycopy(part, 0, secretInput, p, part.length);
            p += part.length;
        }
    }

    private static byte[] auth(byte[] secretInput, byte[] id, OnionPublicKey b, OnionPublicKey x, OnionPublicKey y) {
        byte[] verify = Hkdf.hmac(T_VERIFY, secretInput);
        byte[] authInput = concat(verify, id, b.encodedUnsafe(), y.encodedUnsafe(), x.encodedUnsafe(),
                PROTOID_BYTES, SERVER);
        return Hkdf.hmac(T_MAC, authInput);
    }

    private static byte[] concat(byte[]... parts) {
        int n = 0;
        for (byte[] p : parts) {
            n += p.length;
        }
        byte[] out = new byte[n];
        int o = 0;
        for (byte[] p : parts) {
            System.arraycopy(p, 0, out, o, p.length);
            o += p.length;
        }
        return out;
    }

    private static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }

    /** The client side of one handshake: send {@link #handshake()}, then {@link #finish(byte[])} the reply. */
    public static final class Client {
        private final byte[] id;
        private final OnionPublicKey b;
        private final OnionKeyPair x;

        private Client(byte[] id, OnionPublicKey b, OnionKeyPair x) {
            this.id = id;
            this.b = b;
            this.x = x;
        }

        /** {@code ID | B | X}, the body of a CREATE (or the handshake inside EXTEND). */
        public byte[] handshake() {
            return concat(id, b.encodedUnsafe(), x.publicKey().encodedUnsafe());
        }

        /** Checks the server's {@code Y | AUTH} and returns the shared key material. */
        public NtorKeys finish(byte[] serverHandshake) throws NtorException {
            if (serverHandshake.length != SERVER_HANDSHAKE_SIZE) {
                throw new NtorException(NtorException.Reason.MALFORMED, "server handshake has "
                        + serverHandshake.length + " bytes, expected " + SERVER_HANDSHAKE_SIZE);
            }
            OnionPublicKey y = OnionPublicKey.of(Arrays.copyOfRange(serverHandshake, 0, 32));
            byte[] secretInput = new byte[64 + id.length + 3 * 32 + PROTOID_BYTES.length];
            boolean ok = x.agree(y, secretInput, 0);
            ok &= x.agree(b, secretInput, 32);
            fillTranscript(secretInput, id, b, x.publicKey(), y);
            byte[] expected = auth(secretInput, id, b, x.publicKey(), y);
            // Compare AUTH in constant time before saying anything about the DH results.
            boolean authOk = MessageDigest.isEqual(expected, Arrays.copyOfRange(serverHandshake, 32, 64));
            if (!ok) {
                throw new NtorException(NtorException.Reason.DEGENERATE_KEY, "server key Y is a low-order point");
            }
            if (!authOk) {
                throw new NtorException(NtorException.Reason.BAD_AUTH, "server AUTH does not verify");
            }
            return new NtorKeys(Hkdf.hmac(T_KEY, secretInput));
        }
    }

    /** What the server sends back ({@code Y | AUTH}) and the keys it now shares with the client. */
    public record ServerResult(byte[] reply, NtorKeys keys) {
    }

    /** The shared secret of a completed handshake ({@code KEY_SEED}), expanded on demand. */
    public static final class NtorKeys {
        private final byte[] keySeed;

        NtorKeys(byte[] keySeed) {
            this.keySeed = keySeed;
        }

        /** The first {@code length} bytes of {@code HKDF-Expand(KEY_SEED, m_expand)} (tor-spec §5.2.2). */
        public byte[] expand(int length) {
            return Hkdf.expand(keySeed, M_EXPAND, length);
        }

        /** The per-hop, per-direction onion-layer keys (the first {@link HopKeys#MATERIAL_SIZE} bytes). */
        public HopKeys hopKeys() {
            return HopKeys.fromKeyMaterial(expand(HopKeys.MATERIAL_SIZE));
        }
    }
}
