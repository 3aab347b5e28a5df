package org.herd.core.link;

import java.io.IOException;
import java.security.PrivateKey;
import org.bouncycastle.tls.Certificate;
import org.bouncycastle.tls.SignatureAndHashAlgorithm;
import org.bouncycastle.tls.TlsContext;
import org.bouncycastle.tls.TlsCredentialedSigner;
import org.bouncycastle.tls.crypto.TlsCertificate;
import org.bouncycastle.tls.crypto.TlsCryptoParameters;
import org.bouncycastle.tls.crypto.impl.jcajce.JcaDefaultTlsCredentialedSigner;
import org.bouncycastle.tls.crypto.impl.jcajce.JcaTlsCrypto;
import org.herd.core.crypto.IdentityCertificate;
import org.herd.core.crypto.IdentityKeyPair;
import org.herd.core.crypto.IdentityPublicKey;
import org.herd.core.time.Clock;

/**
 * This node's DTLS credentials (one self-signed Ed25519 certificate, made once per endpoint) and
 * the check of a peer's certificate chain against a pinned identity key.
 */
final class DtlsIdentity {

    private final JcaTlsCrypto crypto;
    private final IdentityPublicKey publicKey;
    private final PrivateKey privateKey;
    private final Certificate certificate;

    DtlsIdentity(JcaTlsCrypto crypto, IdentityKeyPair identity, Clock clock) throws IOException {
        this.crypto = crypto;
        this.publicKey = identity.publicKey();
        this.privateKey = IdentityCertificate.jcaPrivateKey(identity);
        TlsCertificate cert = crypto.createCertificate(IdentityCertificate.selfSigned(identity, clock));
        this.certificate = new Certificate(new TlsCertificate[] {cert});
    }

    IdentityPublicKey publicKey() {
        return publicKey;
    }

    /** An Ed25519 signer over our certificate for one handshake's context. */
    TlsCredentialedSigner signer(TlsContext context) {
        return new JcaDefaultTlsCredentialedSigner(new TlsCryptoParameters(context), crypto, privateKey, certificate,
                SignatureAndHashAlgorithm.ed25519);
    }

    /**
     * The identity key of a peer's chain, or null if the chain is not exactly one certificate
     * holding an Ed25519 key. Only the key matters (it is pinned); possession of the private key
     * is proven by the handshake signature BC verifies with this same certificate.
     */
    static IdentityPublicKey peerIdentity(Certificate chain) {
        if (chain == null || chain.getLength() != 1) {
            return null;
        }
        try {
            return IdentityCertificate.identityOf(chain.getCertificateAt(0).getEncoded());
        } catch (IOException | IllegalArgumentException e) {
            return null;
        }
    }
}
