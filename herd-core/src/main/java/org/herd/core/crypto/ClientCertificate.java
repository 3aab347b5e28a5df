package org.herd.core.crypto;

import java.io.ByteArrayOutputStream;
import org.herd.core.time.Clock;
import org.herd.core.wire.Bytes;

/**
 * A zone directory's certificate of a client that joined the zone (§3.3, §3.5): client ID and
 * client identity key. Users exchange these out of band before calling; the client's
 * {@link HerdAddress} is derived from it. Kind-specific encoding after the common header of
 * {@link HerdCertificate}: 8-byte client id, 32-byte client identity key (Ed25519).
 */
public final class ClientCertificate extends HerdCertificate {

    private final long clientId;
    private final IdentityPublicKey clientKey;

    private ClientCertificate(String zone, long from, long until, long clientId, IdentityPublicKey clientKey,
            byte[] encoded) {
        super(zone, from, until, encoded);
        this.clientId = clientId;
        this.clientKey = clientKey;
    }

    /** Signs a client certificate with the directory's key. */
    public static ClientCertificate issue(IdentityKeyPair directory, String zone, long clientId,
            IdentityPublicKey clientKey, long validFrom, long validUntil) {
        ByteArrayOutputStream out = header(KIND_CLIENT, zone, validFrom, validUntil);
        byte[] id = new byte[8];
        Bytes.putLong(id, 0, clientId);
        out.writeBytes(id);
        out.writeBytes(clientKey.encoded());
        return new ClientCertificate(zone, validFrom, validUntil, clientId, clientKey, sign(out, directory));
    }

    /** Decodes a client certificate (WRONG_KIND for another kind, MALFORMED for bad bytes); does not verify. */
    public static ClientCertificate decode(byte[] bytes) throws CertificateException {
        return decodeAs(bytes, ClientCertificate.class);
    }

    static ClientCertificate decodeBody(Reader r, String zone, long from, long until, byte[] all)
            throws CertificateException {
        long id = r.int64("client id");
        return new ClientCertificate(zone, from, until, id, r.identityKey("client key"), all.clone());
    }

    /** The client id the directory assigned. */
    public long clientId() {
        return clientId;
    }

    /** The client's identity key. */
    public IdentityPublicKey clientKey() {
        return clientKey;
    }

    /** The self-authenticating address of this client in this zone. */
    public HerdAddress address() {
        return HerdAddress.of(clientKey, zone());
    }

    /**
     * Throws unless {@code directory} (already verified against the root) issued this certificate
     * for its own zone and both are valid at {@code clock}.
     */
    public void verify(ZoneCertificate directory, Clock clock) throws CertificateException {
        directory.checkIssued(this, clock);
    }

    @Override
    String describe() {
        return "client certificate " + Long.toUnsignedString(clientId) + " of " + clientKey + " in " + zone();
    }
}
