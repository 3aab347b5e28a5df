package org.herd.core.link;

import java.security.Provider;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import org.bouncycastle.jcajce.util.DefaultJcaJceHelper;
import org.bouncycastle.jcajce.util.JcaJceHelper;
import org.bouncycastle.jce.provider.BouncyCastleProvider;
import org.bouncycastle.tls.crypto.impl.jcajce.JcaTlsCryptoProvider;

/**
 * The JCA crypto of the DTLS handshake: the JVM's default providers (SunJCE AES-GCM, SunEC
 * Ed25519/X25519) for everything except parsing the peer's certificate, which goes to Bouncy
 * Castle's certificate factory (not registered as a JVM provider). The JDK's factory keeps every
 * certificate it parses in a process-wide soft cache of up to 750 entries, about 1.5 KB each: a
 * Mix parses one per client link, so that cache alone was ≈1.5 KB per client of the Mix's heap.
 * Bouncy Castle's factory keeps nothing once the handshake state is released. The peer's key then
 * comes out as a Bouncy Castle key object, which the JDK's Ed25519 signer accepts because that
 * class implements the JDK's EdEC key interfaces (JDK 15 and later); every handshake test
 * ({@code LinkHandshakeTest} and the rest of the link tests) runs through this provider.
 */
final class HerdTlsCryptoProvider extends JcaTlsCryptoProvider {

    private static final Provider CERTIFICATE_PROVIDER = new BouncyCastleProvider();

    private static final JcaJceHelper HELPER = new DefaultJcaJceHelper() {
        @Override
        public CertificateFactory createCertificateFactory(String type) throws CertificateException {
            return CertificateFactory.getInstance(type, CERTIFICATE_PROVIDER);
        }
    };

    @Override
    public JcaJceHelper getHelper() {
        return HELPER;
    }
}
