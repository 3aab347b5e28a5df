package org.herd.core.crypto;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.security.Signature;
import java.security.SecureRandom;
import org.herd.core.time.ManualClock;
import org.junit.jupiter.api.Test;

/** The self-signed certificate binds the identity key, and its private key works through JCA. */
class IdentityCertificateTest {

    private static SecureRandom seeded(long seed) throws Exception {
        System.out.println("IdentityCertificateTest seed " + seed);
        SecureRandom r = SecureRandom.getInstance("SHA1PRNG");
        r.setSeed(seed);
        return r;
    }

    @Test
    void certificateCarriesTheIdentityKey() throws Exception {
        IdentityKeyPair identity = IdentityKeyPair.generate(seeded(42));
        byte[] der = IdentityCertificate.selfSigned(identity, new ManualClock());
        assertEquals(identity.publicKey(), IdentityCertificate.identityOf(der));
        assertNotEquals(IdentityKeyPair.generate(seeded(43)).publicKey(), IdentityCertificate.identityOf(der));
    }

    @Test
    void certificateIsSelfSignedWithEd25519() throws Exception {
        IdentityKeyPair identity = IdentityKeyPair.generate(seeded(7));
        byte[] der = IdentityCertificate.selfSigned(identity, new ManualClock());
        java.security.cert.X509Certificate x509 = (java.security.cert.X509Certificate)
                java.security.cert.CertificateFactory.getInstance("X.509").generateCertificate(new java.io.ByteArrayInputStream(der));
        x509.verify(x509.getPublicKey()); // throws if the self-signature is wrong
        assertEquals("Ed25519", x509.getSigAlgName());
    }

    @Test
    void jcaPrivateKeySignsForTheIdentity() throws Exception {
        IdentityKeyPair identity = IdentityKeyPair.generate(seeded(9));
        byte[] message = "cell".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        Signature s = Signature.getInstance("Ed25519", new org.bouncycastle.jce.provider.BouncyCastleProvider());
        s.initSign(IdentityCertificate.jcaPrivateKey(identity));
        s.update(message);
        assertEquals(true, identity.publicKey().verify(message, s.sign()));
    }

    @Test
    void garbageIsNotACertificate() {
        assertThrows(IllegalArgumentException.class, () -> IdentityCertificate.identityOf(new byte[] {1, 2, 3}));
    }
}
