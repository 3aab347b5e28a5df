package org.herd.core.link;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.lang.ref.WeakReference;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import org.bouncycastle.tls.crypto.impl.jcajce.JcaTlsCertificate;
import org.bouncycastle.tls.crypto.impl.jcajce.JcaTlsCrypto;
import org.herd.core.crypto.IdentityCertificate;
import org.herd.core.crypto.IdentityKeyPair;
import org.herd.core.time.SystemClock;
import org.junit.jupiter.api.Test;

/**
 * The handshake's crypto parses peer certificates without the JDK's process-wide certificate
 * cache: once the link drops its handshake state, nothing keeps the parsed certificate alive.
 */
class HerdTlsCryptoProviderTest {

    /** Parses a fresh self-signed identity certificate and returns a weak reference to the parsed object. */
    private static WeakReference<X509Certificate> parseOne(JcaTlsCrypto crypto, SecureRandom random) throws Exception {
        byte[] encoded = IdentityCertificate.selfSigned(IdentityKeyPair.generate(random), SystemClock.INSTANCE);
        X509Certificate parsed = ((JcaTlsCertificate) crypto.createCertificate(encoded)).getX509Certificate();
        // It is a usable certificate: the identity read from it is the one that signed it.
        assertEquals(IdentityCertificate.identityOf(encoded), IdentityCertificate.identityOf(parsed.getEncoded()));
        return new WeakReference<>(parsed);
    }

    @Test
    void aParsedPeerCertificateIsNotKeptOnceTheHandshakeLetsGoOfIt() throws Exception {
        SecureRandom random = new SecureRandom();
        JcaTlsCrypto crypto = new HerdTlsCryptoProvider().create(random);
        WeakReference<X509Certificate> ref = parseOne(crypto, random);
        // Only a soft or strong reference can survive this (the JDK's factory keeps a soft one).
        for (int i = 0; i < 20 && ref.get() != null; i++) {
            System.gc();
        }
        assertNull(ref.get(), "something still holds the parsed certificate");
    }
}
