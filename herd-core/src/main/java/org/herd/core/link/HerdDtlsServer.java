package org.herd.core.link;

import java.io.IOException;
import java.util.Vector;
import java.util.function.Predicate;
import org.bouncycastle.tls.AlertDescription;
import org.bouncycastle.tls.Certificate;
import org.bouncycastle.tls.CertificateRequest;
import org.bouncycastle.tls.ClientCertificateType;
import org.bouncycastle.tls.DefaultTlsServer;
import org.bouncycastle.tls.ProtocolVersion;
import org.bouncycastle.tls.SignatureAndHashAlgorithm;
import org.bouncycastle.tls.TlsCredentialedSigner;
import org.bouncycastle.tls.TlsFatalAlert;
import org.bouncycastle.tls.crypto.TlsCrypto;
import org.herd.core.crypto.IdentityPublicKey;

/**
 * The server side of a link handshake: DTLS 1.2, AEAD suites only, our Ed25519 certificate as the
 * ECDSA-suite signer, a mandatory client certificate whose identity key must pass the accept policy.
 */
class HerdDtlsServer extends DefaultTlsServer {

    private final DtlsIdentity identity;
    private final Predicate<IdentityPublicKey> acceptPolicy;
    private final LinkConfig config;
    private final HandshakeOutcome outcome;

    HerdDtlsServer(TlsCrypto crypto, DtlsIdentity identity, Predicate<IdentityPublicKey> acceptPolicy, LinkConfig config,
            HandshakeOutcome outcome) {
        super(crypto);
        this.identity = identity;
        this.acceptPolicy = acceptPolicy;
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

    @Override
    protected boolean isSelectableCipherSuite(int cipherSuite, int availCurveBits, int availFiniteFieldBits,
            Vector sigAlgs) {
        return DtlsSuites.isAead(cipherSuite)
                && super.isSelectableCipherSuite(cipherSuite, availCurveBits, availFiniteFieldBits, sigAlgs);
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
    protected TlsCredentialedSigner getECDSASignerCredentials() {
        // The ECDHE_ECDSA suites are signed with our Ed25519 key (RFC 8422 §5.1.1 allows EdDSA here).
        return identity.signer(context);
    }

    @Override
    public CertificateRequest getCertificateRequest() {
        Vector<SignatureAndHashAlgorithm> algorithms = new Vector<>();
        algorithms.add(SignatureAndHashAlgorithm.ed25519);
        return new CertificateRequest(new short[] {ClientCertificateType.ecdsa_sign}, algorithms, null);
    }

    @Override
    public void notifyClientCertificate(Certificate clientCertificate) throws IOException {
        IdentityPublicKey presented = DtlsIdentity.peerIdentity(clientCertificate);
        if (presented == null || !acceptPolicy.test(presented)) {
            outcome.refusal = LinkFailureReason.PEER_NOT_ACCEPTED;
            throw new TlsFatalAlert(presented == null ? AlertDescription.bad_certificate : AlertDescription.access_denied,
                    "client identity " + presented + " is not accepted");
        }
        outcome.peerIdentity = presented;
    }

    @Override
    public void notifyHandshakeComplete() throws IOException {
        super.notifyHandshakeComplete();
        DtlsSuites.recordNegotiated(context, outcome);
    }
}
