package org.herd.core.crypto;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import org.junit.jupiter.api.Test;

/** Self-authenticating Herd addresses. */
class HerdAddressTest {

    private final SecureRandom random = new SecureRandom();
    private final IdentityKeyPair directory = IdentityKeyPair.generate(random);

    private ClientCertificate cert(String zone, IdentityPublicKey key) {
        return ClientCertificate.issue(directory, zone, 42, key, 0, Long.MAX_VALUE);
    }

    @Test
    void base32IsRfc4648() {
        // RFC 4648 §10: BASE32("fooba") = "MZXW6YTB"; BASE32("foobar") = "MZXW6YTBOI======".
        assertEquals("mzxw6ytb", HerdAddress.base32("fooba".getBytes(StandardCharsets.US_ASCII)));
        assertEquals("mzxw6ytboi", HerdAddress.base32("foobar".getBytes(StandardCharsets.US_ASCII)));
    }

    @Test
    void addressIsASipUserPartNamingTheZoneAndParsesBack() {
        IdentityPublicKey key = IdentityKeyPair.generate(random).publicKey();
        HerdAddress a = HerdAddress.of(key, "eu-west");
        assertEquals(HerdAddress.USER_LENGTH, a.user().length());
        assertTrue(a.user().matches("[a-z2-7]{32}"));
        assertEquals(a.user() + "@eu-west.herd", a.toString());
        assertEquals("sip:" + a, a.sipUri());
        assertEquals(a, HerdAddress.parse(a.toString()));
        assertEquals(a, HerdAddress.parse(a.sipUri()));
        assertEquals(a, cert("eu-west", key).address());
        assertNotEquals(a.user(), HerdAddress.of(key, "us-east").user(), "the zone is bound into the hash");
    }

    @Test
    void verifiesAgainstTheCertificateItCameFrom() throws CertificateException {
        IdentityPublicKey key = IdentityKeyPair.generate(random).publicKey();
        HerdAddress a = HerdAddress.of(key, "eu-west");
        a.verify(cert("eu-west", key));
        assertEquals(CertificateException.Reason.ADDRESS_MISMATCH, assertThrows(CertificateException.class,
                () -> a.verify(cert("eu-west", IdentityKeyPair.generate(random).publicKey()))).reason());
        assertEquals(CertificateException.Reason.WRONG_ZONE, assertThrows(CertificateException.class,
                () -> a.verify(cert("us-east", key))).reason());
        // Same user part, moved to another zone by hand: still refused, by zone and then by hash.
        HerdAddress moved = HerdAddress.parse(a.user() + "@us-east.herd");
        assertEquals(CertificateException.Reason.ADDRESS_MISMATCH, assertThrows(CertificateException.class,
                () -> moved.verify(cert("us-east", key))).reason());
    }

    @Test
    void parseRejectsMalformedAddresses() {
        String user = HerdAddress.of(IdentityKeyPair.generate(random).publicKey(), "z").user();
        for (String bad : new String[] {"", user, user + "@z", user + "@z.example", user + "@.herd",
                user.substring(1) + "@z.herd", user.toUpperCase() + "@z.herd", user.replace(user.charAt(0), '1') + "@z.herd",
                user + "@Z.herd", user + "@-z.herd"}) {
            assertThrows(IllegalArgumentException.class, () -> HerdAddress.parse(bad), bad);
        }
    }
}
