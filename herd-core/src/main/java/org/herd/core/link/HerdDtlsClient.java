package org.herd.core.link;

import java.io.IOException;
import org.bouncycastle.tls.AlertDescription;
import org.bouncycastle.tls.CertificateRequest;
import org.bouncycastle.tls.DefaultTlsClient;
import org.bouncycastle.tls.ProtocolVersion;
import org.bouncycastle.tls.TlsAuthentication;
import org.bouncycastle.tls.TlsCredentials;
import org.bouncycastle.tls.TlsFatalAlert;
import org.bouncycastle.tls.TlsServerCertificate;
import org.bouncycastle.tls.crypto.TlsCrypto;
import org.herd.core.crypto.IdentityPublicKey;

/**
 * The client side of a link handshake: DTLS 1.2, AEAD suites only, our Ed25519 certificate on
 * request, and the server's identity key pinned to {@code expected}.
 */
class HerdDtlsClient extends DefaultTlsClient {

    private final DtlsIdentity identity;
    private final IdentityPublicKey expected;
    private final LinkConfig config;
    private final HandshakeOutcome outcome;

    HerdDtlsClient(TlsCrypto crypto, DtlsIdentity identity, IdentityPublicKey expected, LinkConfig config,
            HandshakeOutcome outcome) {
        super(crypto);
        this.identity = identity;
        this.expected = expected;
        this.config = config;
        this.outcome = outcome;
    }

    @Override
    protected ProtocolVersion[] getSupportedVersions() {
        return DtlsSuites.VERSIONS;
    }

    @Override
    protected int[] getSupportedCipherSuites() {
        return DtlsSuites.suites();
    }

    /** RFC 7627: the record keys come from the RFC 5705 exporter, which is only safe with it. */
    @Override
    public boolean requiresExtendedMasterSecret() {
        return true;
    }

    @Override
    public int getHandshakeTimeoutMillis() {
        return config.handshakeTimeoutMillis();
    }

    @Override
    public int getHandshakeResendTimeMillis() {
        return config.handshakeResendMillis();
    }

    @Override
    public void notifyHandshakeComplete() throws IOException {
        super.notifyHandshakeComplete();
        DtlsSuites.recordNegotiated(context, outcome);
    }

    @Override
    public TlsAuthentication getAuthentication() {
        return new TlsAuthentication() {
            @Override
            public void notifyServerCertificate(TlsServerCertificate serverCertificate) throws IOException {
                IdentityPublicKey presented = DtlsIdentity.peerIdentity(serverCertificate.getCertificate());
                if (presented == null || !presented.equals(expected)) {
                    outcome.refusal = LinkFailureReason.WRONG_PEER_IDENTITY;
                    throw new TlsFatalAlert(AlertDescription.bad_certificate,
                            "server identity " + presented + " is not the expected " + expected);
                }
                outcome.peerIdentity = presented;
            }

            @Override
            public TlsCredentials getClientCredentials(CertificateRequest certificateRequest) {
                return identity.signer(context);
            }
        };
    }
}
