package org.herd.core.directory;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Objects;
import org.herd.core.crypto.IdentityKeyPair;
import org.herd.core.crypto.IdentityPublicKey;
import org.herd.core.crypto.OnionPublicKey;

/**
 * A client's signed statement that it accepts calls at {@code rendezvousMix} under
 * {@code cookie}, with end-to-end onion key {@code onionKey}, until {@code validUntilMillis}
 * (§3.3 of the Herd paper). It is the "binding signature" of the circuit layer's REGISTER and
 * ANSWER messages; this class is its single definition.
 *
 * <p>Signed by the client's identity key (the one its certificate names) over
 * {@code "herd-rendezvous-binding-v1\0" | zone length 1 | zone | client key 32 | rendezvous mix
 * key 32 | cookie 16 | onion key 32 | valid-until ms 8}. Naming the rendezvous mix and the zone
 * means a mix cannot replay a client's REGISTER to redirect its calls to itself, and a binding for
 * one zone is worthless in another. The directory keeps, per client, only bindings whose
 * valid-until does not go backwards, so an old REGISTER replayed later is refused.
 *
 * @param zone             the zone of the client's certificate
 * @param client           the client's identity key
 * @param rendezvousMix    the identity key of the client's rendezvous mix
 * @param cookie           16 bytes that name the client's circuit at the rendezvous mix
 * @param onionKey         the client's X25519 end-to-end key for calls
 * @param validUntilMillis end of validity (exclusive), ms since 1970
 * @param signature        the client's Ed25519 signature
 */
public record RendezvousBinding(String zone, IdentityPublicKey client, IdentityPublicKey rendezvousMix, byte[] cookie,
                                byte[] onionKey, long validUntilMillis, byte[] signature) {

    private static final byte[] CONTEXT = "herd-rendezvous-binding-v1\0".getBytes(StandardCharsets.US_ASCII);
    /** Size of the stored form ({@link #encodeStored()}). */
    public static final int STORED_SIZE = DirectoryRequest.COOKIE_SIZE + OnionPublicKey.SIZE + 8
            + DirectoryRequest.SIGNATURE_SIZE;

    /** Validates and copies. */
    public RendezvousBinding {
        RateScope.requireZone(zone);
        Objects.requireNonNull(client, "client");
        Objects.requireNonNull(rendezvousMix, "rendezvousMix");
        cookie = MessageReader.exactCopy(cookie, DirectoryRequest.COOKIE_SIZE, "cookie");
        onionKey = MessageReader.exactCopy(onionKey, OnionPublicKey.SIZE, "onion key");
        signature = MessageReader.exactCopy(signature, DirectoryRequest.SIGNATURE_SIZE, "signature");
    }

    /** Signs a binding with the client's identity key. */
    public static RendezvousBinding sign(IdentityKeyPair client, String zone, IdentityPublicKey rendezvousMix,
                                         byte[] cookie, OnionPublicKey onionKey, long validUntilMillis) {
        byte[] message = signedMessage(zone, client.publicKey(), rendezvousMix, cookie, onionKey.encoded(),
                validUntilMillis);
        return new RendezvousBinding(zone, client.publicKey(), rendezvousMix, cookie, onionKey.encoded(),
                validUntilMillis, client.sign(message));
    }

    /** True if the client's key signed exactly this binding. */
    public boolean verify() {
        return client.verify(signedMessage(zone, client, rendezvousMix, cookie, onionKey, validUntilMillis), signature);
    }

    /** The bytes the signature covers. */
    public static byte[] signedMessage(String zone, IdentityPublicKey client, IdentityPublicKey rendezvousMix,
                                       byte[] cookie, byte[] onionKey, long validUntilMillis) {
        return new MessageWriter().bytes(CONTEXT).zone(zone).key(client).key(rendezvousMix)
                .exact(cookie, DirectoryRequest.COOKIE_SIZE, "cookie").exact(onionKey, OnionPublicKey.SIZE, "onion key")
                .int64(validUntilMillis).toByteArray();
    }

    /** The stored form: {@code cookie 16 | onion key 32 | valid-until 8 | signature 64}. */
    public byte[] encodeStored() {
        return new MessageWriter().bytes(cookie).bytes(onionKey).int64(validUntilMillis).bytes(signature).toByteArray();
    }

    /** Reads the stored form back, with the fields it does not hold. */
    public static RendezvousBinding decodeStored(String zone, IdentityPublicKey client, IdentityPublicKey rendezvousMix,
                                                 byte[] stored) throws DirectoryProtocolException {
        MessageReader r = new MessageReader(stored);
        RendezvousBinding b = new RendezvousBinding(zone, client, rendezvousMix, r.bytes(16, "cookie"),
                r.bytes(32, "onion key"), r.int64("valid-until"), r.bytes(64, "signature"));
        r.end("stored binding");
        return b;
    }

    @Override
    public byte[] cookie() {
        return cookie.clone();
    }

    @Override
    public byte[] onionKey() {
        return onionKey.clone();
    }

    @Override
    public byte[] signature() {
        return signature.clone();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof RendezvousBinding b && zone.equals(b.zone) && client.equals(b.client)
                && rendezvousMix.equals(b.rendezvousMix) && Arrays.equals(cookie, b.cookie)
                && Arrays.equals(onionKey, b.onionKey) && validUntilMillis == b.validUntilMillis
                && Arrays.equals(signature, b.signature);
    }

    @Override
    public int hashCode() {
        return Objects.hash(zone, client, rendezvousMix, validUntilMillis);
    }
}
