package org.herd.core.link;

import org.bouncycastle.tls.AlertDescription;
import org.bouncycastle.tls.CipherSuite;
import org.bouncycastle.tls.CipherType;
import org.bouncycastle.tls.ProtocolVersion;
import org.bouncycastle.tls.TlsContext;
import org.bouncycastle.tls.TlsFatalAlert;
import org.bouncycastle.tls.TlsUtils;
import org.herd.core.crypto.dtls.DtlsRecordCipher;

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
     * The RFC 5705 exporter label of the application-data record keys. RFC 5705 §4: labels
     * starting with "EXPERIMENTAL" are for private use and need no IANA registration.
     */
    static final String RECORD_KEY_LABEL = "EXPERIMENTAL herd link records v1";

    /**
     * At handshake completion (either side): refuse anything but AES-128-GCM with an
     * authenticated peer identity and the extended master secret (defence in depth: only that
     * suite is offered or selectable, and both sides require the extension), record the suite,
     * and export the keys of our own application-data record layer. The exporter is safe to use
     * for a full handshake with the extended master secret (RFC 7627 §5.4); its keys differ from
     * Bouncy Castle's record keys, so our records and Bouncy Castle's never share a GCM nonce.
     */
    static void recordNegotiated(TlsContext context, HandshakeOutcome outcome) throws TlsFatalAlert {
        var parameters = context.getSecurityParametersConnection();
        int suite = parameters.getCipherSuite();
        if (suite != CipherSuite.TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256 || outcome.peerIdentity == null
                || !parameters.isExtendedMasterSecret()) {
            throw new TlsFatalAlert(AlertDescription.insufficient_security);
        }
        outcome.cipherSuite = suite;
        outcome.recordKeyMaterial = context.exportKeyingMaterial(RECORD_KEY_LABEL, null, DtlsRecordCipher.KEY_MATERIAL_SIZE);
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
