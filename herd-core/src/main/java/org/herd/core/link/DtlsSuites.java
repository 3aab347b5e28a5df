package org.herd.core.link;

import org.bouncycastle.tls.AlertDescription;
import org.bouncycastle.tls.CipherSuite;
import org.bouncycastle.tls.CipherType;
import org.bouncycastle.tls.ProtocolVersion;
import org.bouncycastle.tls.TlsContext;
import org.bouncycastle.tls.TlsFatalAlert;
import org.bouncycastle.tls.TlsUtils;

/** The only protocol version and cipher suites Herd links use. */
final class DtlsSuites {

    /** DTLS 1.2 (RFC 6347); BC 1.84 cannot do DTLS 1.3 (DESIGN §9). */
    static final ProtocolVersion[] VERSIONS = ProtocolVersion.DTLSv12.only();

    /**
     * ECDHE_ECDSA (signed with Ed25519, RFC 8422) with AES-128-GCM only. SunJCE's AES-GCM is the
     * fastest record protection measured (DESIGN §9). ChaCha20-Poly1305 is not offered: under
     * JcaTlsCrypto it needs BC's JCA provider ("ChaCha7539"), which the default JCA helper lacks,
     * and it is slower there anyway.
     */
    private static final int[] SUITES = {CipherSuite.TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256};

    private DtlsSuites() {
    }

    static int[] suites() {
        return SUITES.clone();
    }

    /** True if {@code suite} protects records with an AEAD cipher (never NULL, never MAC-then-encrypt). */
    static boolean isAead(int suite) {
        int encryption = TlsUtils.getEncryptionAlgorithm(suite);
        return encryption >= 0 && TlsUtils.getEncryptionAlgorithmType(encryption) == CipherType.aead;
    }

    /**
     * At handshake completion (either side): refuse anything but an AEAD suite with an
     * authenticated peer identity (defence in depth: only AEAD suites are offered or selectable),
     * and record the suite.
     */
    static void recordNegotiated(TlsContext context, HandshakeOutcome outcome) throws TlsFatalAlert {
        int suite = context.getSecurityParametersConnection().getCipherSuite();
        if (!isAead(suite) || outcome.peerIdentity == null) {
            throw new TlsFatalAlert(AlertDescription.insufficient_security);
        }
        outcome.cipherSuite = suite;
    }

    /**
     * Bytes an AEAD record body has beyond its plaintext: the shortest body BC may be given.
     * AES-GCM: 8 explicit nonce + 16 tag (RFC 5288 §3); ChaCha20-Poly1305 (RFC 7905 §2, not
     * offered today) has no explicit nonce: 16.
     */
    static int aeadExpansion(int suite) {
        return suite == CipherSuite.TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256 ? 16 : 8 + 16;
    }
}
