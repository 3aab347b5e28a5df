package org.herd.core.crypto;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.math.BigInteger;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.util.Date;
import org.bouncycastle.asn1.DEROctetString;
import org.bouncycastle.asn1.edec.EdECObjectIdentifiers;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.AlgorithmIdentifier;
import org.bouncycastle.asn1.x509.Certificate;
import org.bouncycastle.asn1.x509.SubjectPublicKeyInfo;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.jce.provider.BouncyCastleProvider;
import org.bouncycastle.operator.ContentSigner;
import org.herd.core.time.Clock;

/**
 * The self-signed X.509 certificate that carries a node's Ed25519 identity key into a DTLS
 * handshake (§3.2 of the Herd paper: links are authenticated by the long-term key {@code l}).
 *
 * <p>Nothing in the certificate but its public key matters: peers pin the expected
 * {@link IdentityPublicKey} and the handshake's signature (ServerKeyExchange / CertificateVerify)
 * proves possession of the matching private key. The self-signature only keeps the certificate
 * well formed for TLS stacks that parse it.
 */
public final class IdentityCertificate {

    private static final long VALIDITY_MILLIS = 10L * 365 * 24 * 3600 * 1000;
    /** RFC 8410 §3: id-Ed25519 is used with absent parameters, in certificates and keys. */
    private static final AlgorithmIdentifier ED25519 = new AlgorithmIdentifier(EdECObjectIdentifiers.id_Ed25519);
    private static final BouncyCastleProvider PROVIDER = new BouncyCastleProvider();

    private IdentityCertificate() {
    }

    /** A DER-encoded self-signed certificate for {@code identity}, valid from {@code clock}'s now. */
    public static byte[] selfSigned(IdentityKeyPair identity, Clock clock) {
        long now = clock.epochMillis();
        X500Name name = new X500Name("CN=herd-" + identity.publicKey().toHex().substring(0, 16));
        SubjectPublicKeyInfo spki = new SubjectPublicKeyInfo(ED25519, identity.publicKey().encoded());
        X509v3CertificateBuilder builder = new X509v3CertificateBuilder(name, BigInteger.valueOf(now), new Date(now - 3_600_000L),
                new Date(now + VALIDITY_MILLIS), name, spki);
        try {
            return builder.build(new Ed25519ContentSigner(identity)).getEncoded();
        } catch (IOException e) {
            throw new IllegalStateException("cannot encode a certificate we just built", e);
        }
    }

    /**
     * The identity key certified by DER {@code certificate}.
     *
     * @throws IllegalArgumentException if the bytes are not a certificate holding an Ed25519 key
     */
    public static IdentityPublicKey identityOf(byte[] certificate) {
        SubjectPublicKeyInfo spki;
        try {
            spki = Certificate.getInstance(certificate).getSubjectPublicKeyInfo();
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("not an X.509 certificate", e);
        }
        if (!ED25519.getAlgorithm().equals(spki.getAlgorithm().getAlgorithm())) {
            throw new IllegalArgumentException("certificate key is " + spki.getAlgorithm().getAlgorithm() + ", not Ed25519");
        }
        byte[] key = spki.getPublicKeyData().getOctets();
        return IdentityPublicKey.of(key);
    }

    /**
     * The private key as a JCA key made by Bouncy Castle's provider, for TLS signers that take a
     * {@link PrivateKey}. (SunEC-made Ed25519 keys are refused by BC's JCA TLS signer.)
     */
    public static PrivateKey jcaPrivateKey(IdentityKeyPair identity) {
        try {
            byte[] pkcs8 = new PrivateKeyInfo(ED25519, new DEROctetString(identity.seed())).getEncoded();
            return KeyFactory.getInstance("Ed25519", PROVIDER).generatePrivate(new java.security.spec.PKCS8EncodedKeySpec(pkcs8));
        } catch (IOException | GeneralSecurityException e) {
            throw new IllegalStateException("Bouncy Castle cannot load an Ed25519 key", e);
        }
    }

    /** Signs the to-be-signed certificate with the identity key (no JCA round trip). */
    private static final class Ed25519ContentSigner implements ContentSigner {
        private final IdentityKeyPair identity;
        private final ByteArrayOutputStream tbs = new ByteArrayOutputStream();

        Ed25519ContentSigner(IdentityKeyPair identity) {
            this.identity = identity;
        }

        @Override
        public AlgorithmIdentifier getAlgorithmIdentifier() {
            return ED25519;
        }

        @Override
        public OutputStream getOutputStream() {
            return tbs;
        }

        @Override
        public byte[] getSignature() {
            return identity.sign(tbs.toByteArray());
        }
    }
}
