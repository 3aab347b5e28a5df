package org.herd.core.crypto;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.HexFormat;
import org.herd.core.crypto.CertificateException.Reason;
import org.herd.core.time.ManualClock;
import org.herd.core.wire.Bytes;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

/** Zone certificates, mix descriptors and client certificates: round trips and every rejection. */
class CertificatesTest {

    static final long FROM = 1_767_225_600_000L; // 2026-01-01, ManualClock's default wall time
    static final long UNTIL = FROM + 30L * 24 * 3600 * 1000;
    /** 32 bytes that are not the encoding of an Ed25519 point (BC refuses them). */
    static final byte[] NOT_A_POINT = HexFormat.of().parseHex("73d51abbd89cb8196f0efb6892f94d68fccc2c35f0b84609e5f12c55dd85aba8");

    SecureRandom random;
    ManualClock clock;
    IdentityKeyPair root;
    IdentityKeyPair directory;
    ZoneCertificate zoneCert;

    @BeforeEach
    void setUp() throws Exception {
        long seed = new SecureRandom().nextLong();
        System.out.println("CertificatesTest seed = " + seed);
        random = SecureRandom.getInstance("SHA1PRNG");
        random.setSeed(seed);
        clock = new ManualClock();
        clock.setEpochMillis(FROM + 1000);
        root = IdentityKeyPair.generate(random);
        directory = IdentityKeyPair.generate(random);
        zoneCert = ZoneCertificate.issue(root, "eu-west", directory.publicKey(), FROM, UNTIL);
    }

    MixDescriptor mix(String zone, String ip) throws Exception {
        return MixDescriptor.issue(directory, zone, IdentityKeyPair.generate(random).publicKey(),
                OnionKeyPair.generate(random).publicKey(), new InetSocketAddress(InetAddress.getByName(ip), 4433),
                FROM, UNTIL);
    }

    ClientCertificate client(String zone) {
        return ClientCertificate.issue(directory, zone, random.nextLong(), IdentityKeyPair.generate(random).publicKey(),
                FROM, UNTIL);
    }

    static void assertReason(Reason reason, Executable e) {
        assertEquals(reason, assertThrows(CertificateException.class, e).reason());
    }

    @Test
    void roundTripsOfEveryKindReencodeByteForByte() throws Exception {
        for (HerdCertificate c : new HerdCertificate[] {zoneCert, mix("eu-west", "192.0.2.7"),
                mix("eu-west", "2001:db8::17"), client("eu-west")}) {
            byte[] bytes = c.encoded();
            HerdCertificate back = HerdCertificate.decode(bytes);
            assertEquals(c, back);
            assertEquals(c.getClass(), back.getClass());
            assertArrayEquals(bytes, back.encoded());
            assertEquals(c.zone(), back.zone());
            assertEquals(FROM, back.validFrom());
            assertEquals(UNTIL, back.validUntil());
        }
        MixDescriptor m = mix("eu-west", "2001:db8::17");
        MixDescriptor mb = MixDescriptor.decode(m.encoded());
        assertEquals(m.mixKey(), mb.mixKey());
        assertEquals(m.onionKey(), mb.onionKey());
        assertEquals(new InetSocketAddress(InetAddress.getByName("2001:db8::17"), 4433), mb.address());
        ClientCertificate c = client("eu-west");
        ClientCertificate cb = ClientCertificate.decode(c.encoded());
        assertEquals(c.clientId(), cb.clientId());
        assertEquals(c.clientKey(), cb.clientKey());
        assertEquals(directory.publicKey(), ZoneCertificate.decode(zoneCert.encoded()).directoryKey());
    }

    @Test
    void encodingIsDeterministic() {
        IdentityPublicKey key = IdentityKeyPair.generate(random).publicKey();
        assertArrayEquals(ClientCertificate.issue(directory, "z", 7, key, FROM, UNTIL).encoded(),
                ClientCertificate.issue(directory, "z", 7, key, FROM, UNTIL).encoded());
    }

    @Test
    void validChainVerifies() throws Exception {
        zoneCert.verify(root.publicKey(), clock);
        zoneCert.verify(root.publicKey(), "eu-west", clock);
        mix("eu-west", "10.0.0.1").verify(zoneCert, clock);
        client("eu-west").verify(zoneCert, clock);
    }

    @Test
    void wrongSignerIsBadSignature() throws Exception {
        IdentityPublicKey otherRoot = IdentityKeyPair.generate(random).publicKey();
        assertReason(Reason.BAD_SIGNATURE, () -> zoneCert.verify(otherRoot, clock));
        // A descriptor signed by another directory that claims the same zone.
        IdentityKeyPair rogue = IdentityKeyPair.generate(random);
        MixDescriptor forged = MixDescriptor.issue(rogue, "eu-west", rogue.publicKey(),
                OnionKeyPair.generate(random).publicKey(), new InetSocketAddress("127.0.0.1", 1), FROM, UNTIL);
        assertReason(Reason.BAD_SIGNATURE, () -> forged.verify(zoneCert, clock));
        ClientCertificate forgedClient = ClientCertificate.issue(rogue, "eu-west", 1, rogue.publicKey(), FROM, UNTIL);
        assertReason(Reason.BAD_SIGNATURE, () -> forgedClient.verify(zoneCert, clock));
    }

    @Test
    void everyAlteredSignedByteIsRejected() throws Exception {
        for (HerdCertificate c : new HerdCertificate[] {zoneCert, mix("eu-west", "192.0.2.1"), client("eu-west")}) {
            byte[] good = c.encoded();
            for (int i = 0; i < good.length; i++) {
                byte[] bad = good.clone();
                bad[i] ^= 0x01;
                try {
                    HerdCertificate d = HerdCertificate.decode(bad);
                    // A changed zone letter still spells a zone: refused as WRONG_ZONE before the signature.
                    Reason expected = d.zone().equals("eu-west") ? Reason.BAD_SIGNATURE : Reason.WRONG_ZONE;
                    Executable verify;
                    if (d instanceof ZoneCertificate z) {
                        verify = () -> z.verify(root.publicKey(), "eu-west", clock);
                    } else if (d instanceof MixDescriptor m) {
                        verify = () -> m.verify(zoneCert, clock);
                    } else {
                        ClientCertificate cc = (ClientCertificate) d;
                        verify = () -> cc.verify(zoneCert, clock);
                    }
                    assertEquals(expected, assertThrows(CertificateException.class, verify, "byte " + i).reason(),
                            "byte " + i);
                } catch (CertificateException e) {
                    // Altering structure (kind, lengths, zone, keys) is caught by the decoder.
                    assertEquals(Reason.MALFORMED, e.reason(), "byte " + i + ": " + e.getMessage());
                }
            }
        }
    }

    @Test
    void expiredAndNotYetValidAtTheBoundaries() throws Exception {
        MixDescriptor m = mix("eu-west", "192.0.2.1");
        clock.setEpochMillis(FROM - 1);
        assertReason(Reason.NOT_YET_VALID, () -> zoneCert.verify(root.publicKey(), clock));
        assertReason(Reason.NOT_YET_VALID, () -> m.verify(zoneCert, clock));
        clock.setEpochMillis(FROM);
        m.verify(zoneCert, clock);
        clock.setEpochMillis(UNTIL - 1);
        m.verify(zoneCert, clock);
        clock.setEpochMillis(UNTIL);
        assertReason(Reason.EXPIRED, () -> zoneCert.verify(root.publicKey(), clock));
        assertReason(Reason.EXPIRED, () -> m.verify(zoneCert, clock));
        assertReason(Reason.EXPIRED, () -> client("eu-west").verify(zoneCert, clock));
    }

    @Test
    void itemValidUnderAnExpiredDirectoryIsExpired() throws Exception {
        ZoneCertificate shortLived = ZoneCertificate.issue(root, "eu-west", directory.publicKey(), FROM, FROM + 5000);
        MixDescriptor m = mix("eu-west", "192.0.2.1");
        clock.setEpochMillis(FROM + 5000);
        assertReason(Reason.EXPIRED, () -> m.verify(shortLived, clock));
    }

    @Test
    void wrongZoneIsRejected() throws Exception {
        MixDescriptor elsewhere = mix("us-east", "192.0.2.1");
        assertReason(Reason.WRONG_ZONE, () -> elsewhere.verify(zoneCert, clock));
        assertReason(Reason.WRONG_ZONE, () -> client("us-east").verify(zoneCert, clock));
        assertReason(Reason.WRONG_ZONE, () -> zoneCert.verify(root.publicKey(), "us-east", clock));
    }

    @Test
    void wrongKindIsRejected() throws Exception {
        byte[] client = client("eu-west").encoded();
        assertReason(Reason.WRONG_KIND, () -> MixDescriptor.decode(client));
        assertReason(Reason.WRONG_KIND, () -> ZoneCertificate.decode(client));
        assertReason(Reason.WRONG_KIND, () -> ClientCertificate.decode(zoneCert.encoded()));
        assertInstanceOf(ClientCertificate.class, HerdCertificate.decode(client));
    }

    @Test
    void everyTruncationAndTrailingByteIsMalformed() throws Exception {
        for (HerdCertificate c : new HerdCertificate[] {zoneCert, mix("eu-west", "2001:db8::1"), client("eu-west")}) {
            byte[] good = c.encoded();
            for (int n = 0; n < good.length; n++) {
                byte[] cut = Arrays.copyOf(good, n);
                assertReason(Reason.MALFORMED, () -> HerdCertificate.decode(cut));
            }
            assertReason(Reason.MALFORMED, () -> HerdCertificate.decode(Arrays.copyOf(good, good.length + 1)));
        }
        assertReason(Reason.MALFORMED, () -> HerdCertificate.decode(new byte[HerdCertificate.MAX_ENCODED_SIZE + 1]));
    }

    /** Offset of the first kind-specific byte for a certificate of {@code zone}. */
    static int bodyOffset(String zone) {
        return 23 + zone.length();
    }

    @Test
    void malformedFieldsAreNamed() throws Exception {
        byte[] z = zoneCert.encoded();
        assertMalformed(z, 0, (byte) 'X', "magic");
        assertMalformed(z, 4, (byte) 2, "version");
        assertMalformed(z, 5, (byte) 9, "kind");
        assertMalformed(z, 23, (byte) 'E', "zone"); // upper case
        assertMalformed(z, 22, (byte) 0, "zone length 0");
        byte[] emptyPeriod = z.clone();
        Bytes.putLong(emptyPeriod, 14, FROM);
        assertReason(Reason.MALFORMED, () -> HerdCertificate.decode(emptyPeriod));
        byte[] badKey = z.clone();
        System.arraycopy(NOT_A_POINT, 0, badKey, bodyOffset("eu-west"), 32);
        assertReason(Reason.MALFORMED, () -> HerdCertificate.decode(badKey));

        byte[] m4 = mix("eu-west", "192.0.2.1").encoded();
        int family = bodyOffset("eu-west") + 64;
        assertMalformed(m4, family, (byte) 5, "family");
        byte[] port0 = m4.clone();
        port0[family + 5] = 0;
        port0[family + 6] = 0;
        assertReason(Reason.MALFORMED, () -> HerdCertificate.decode(port0));
        byte[] mapped = mix("eu-west", "2001:db8::1").encoded();
        byte[] v4mapped = HexFormat.of().parseHex("00000000000000000000ffffc0000201");
        System.arraycopy(v4mapped, 0, mapped, family + 1, 16);
        assertReason(Reason.MALFORMED, () -> HerdCertificate.decode(mapped));
    }

    private static void assertMalformed(byte[] good, int offset, byte value, String what) {
        byte[] bad = good.clone();
        bad[offset] = value;
        assertEquals(Reason.MALFORMED, assertThrows(CertificateException.class, () -> HerdCertificate.decode(bad),
                what).reason(), what);
    }

    @Test
    void issuingRefusesWhatCannotBeEncoded() throws Exception {
        IdentityPublicKey k = directory.publicKey();
        assertThrows(IllegalArgumentException.class, () -> ZoneCertificate.issue(root, "Bad_Zone", k, FROM, UNTIL));
        assertThrows(IllegalArgumentException.class, () -> ZoneCertificate.issue(root, "z", k, UNTIL, FROM));
        assertThrows(IllegalArgumentException.class, () -> MixDescriptor.issue(directory, "z", k,
                OnionKeyPair.generate(random).publicKey(), InetSocketAddress.createUnresolved("mix.example", 1), FROM,
                UNTIL));
    }
}
