package org.herd.core.crypto;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The ntor handshake (tor-spec §5.1.4) against Tor's published vector, and its rejections. */
class NtorTest {

    private static byte[] hex(String s) {
        return HexFormat.of().parseHex(s);
    }

    /**
     * Known-answer vector of the Tor project's ntor v1 handshake, as published in arti's
     * {@code crates/tor-proto/src/crypto/handshake/ntor.rs}, test {@code testvec} (read from the
     * zydou/arti mirror, commit 1043cb21ad08e3e3024aedb9f7ebdd6cf8f83a5b). Compared byte for byte.
     */
    @Test
    void torPublishedVector() throws NtorException {
        byte[] bSk = hex("4820544f4c4420594f5520444f474954204b454550532048415050454e494e47");
        byte[] bPk = hex("ccbc8541904d18af08753eae967874749e6149f873de937f57f8fd903a21c471");
        byte[] xSk = hex("706f6461792069207075742e2e2e2e2e2e2e2e4a454c4c59206f6e2074686973");
        byte[] xPk = hex("e65dfdbef8b2635837fe2cebc086a8096eae3213e6830dc407516083d412b078");
        byte[] ySk = hex("70686520737175697272656c2e2e2e2e2e2e2e2e686173206869732067616d65");
        byte[] yPk = hex("390480a14362761d6aec1fea840f6e9e928fb2adb7b25c670be1045e35133a37");
        byte[] id = hex("69546f6c64596f7541626f75745374616972732e");
        byte[] clientHandshake = hex("69546f6c64596f7541626f75745374616972732e"
                + "ccbc8541904d18af08753eae967874749e6149f873de937f57f8fd903a21c471"
                + "e65dfdbef8b2635837fe2cebc086a8096eae3213e6830dc407516083d412b078");
        byte[] serverHandshake = hex("390480a14362761d6aec1fea840f6e9e928fb2adb7b25c670be1045e35133a37"
                + "1cbdf68b89923e1f85e8e18ee6e805ea333fe4849c790ffd2670bd80fec95cc8");
        byte[] keys = hex("0c62dee7f48893370d0ef896758d35729867beef1a5121df80e00f79ed349af3"
                + "9b51cae125719182f19d932a667dae1afbf2e336e6910e7822223e763afad0a1"
                + "3342157969dc6b79");

        OnionKeyPair b = OnionKeyPair.fromSecret(bSk);
        OnionKeyPair x = OnionKeyPair.fromSecret(xSk);
        OnionKeyPair y = OnionKeyPair.fromSecret(ySk);
        assertArrayEquals(bPk, b.publicKey().encoded());
        assertArrayEquals(xPk, x.publicKey().encoded());
        assertArrayEquals(yPk, y.publicKey().encoded());

        Ntor.Client client = Ntor.client(id, b.publicKey(), x);
        assertArrayEquals(clientHandshake, client.handshake());
        Ntor.ServerResult server = Ntor.server(clientHandshake, id, List.of(b), y);
        assertArrayEquals(serverHandshake, server.reply());
        assertArrayEquals(keys, server.keys().expand(keys.length));
        assertArrayEquals(keys, client.finish(serverHandshake).expand(keys.length));
    }

    private static long seed() {
        long seed = new SecureRandom().nextLong();
        System.out.println("NtorTest seed = " + seed);
        return seed;
    }

    private static SecureRandom seeded(long seed) {
        try {
            SecureRandom r = SecureRandom.getInstance("SHA1PRNG");
            r.setSeed(seed);
            return r;
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new AssertionError(e);
        }
    }

    @Test
    void herdIdLengthRoundTripGivesEqualHopKeys() throws NtorException {
        SecureRandom random = seeded(seed());
        IdentityKeyPair mix = IdentityKeyPair.generate(random);
        OnionKeyPair onion = OnionKeyPair.generate(random);
        byte[] id = Ntor.herdId(mix.publicKey());
        Ntor.Client client = Ntor.client(id, onion.publicKey(), random);
        byte[] create = client.handshake();
        assertEquals(Ntor.clientHandshakeSize(Ntor.HERD_ID_LENGTH), create.length);
        Ntor.ServerResult server = Ntor.server(create, id, List.of(OnionKeyPair.generate(random), onion), random);
        Ntor.NtorKeys clientKeys = client.finish(server.reply());
        assertArrayEquals(server.keys().expand(HopKeys.MATERIAL_SIZE), clientKeys.expand(HopKeys.MATERIAL_SIZE));
    }

    @Test
    void clientRejectsWrongAuthAtEveryBit() throws NtorException {
        SecureRandom random = seeded(seed());
        OnionKeyPair onion = OnionKeyPair.generate(random);
        byte[] id = new byte[Ntor.HERD_ID_LENGTH];
        random.nextBytes(id);
        for (int bit = 0; bit < Ntor.SERVER_HANDSHAKE_SIZE * 8; bit += 7) {
            Ntor.Client client = Ntor.client(id, onion.publicKey(), random);
            byte[] reply = Ntor.server(client.handshake(), id, List.of(onion), random).reply();
            reply[bit / 8] ^= (byte) (1 << (bit % 8));
            NtorException e = assertThrows(NtorException.class, () -> client.finish(reply));
            // A flipped bit of Y may also land on a low-order point; both are refusals.
            if (bit >= 32 * 8) {
                assertEquals(NtorException.Reason.BAD_AUTH, e.reason());
            }
        }
    }

    @Test
    void clientRejectsReplyFromAServerWithAnotherOnionKey() throws NtorException {
        SecureRandom random = seeded(seed());
        OnionKeyPair real = OnionKeyPair.generate(random);
        OnionKeyPair impostor = OnionKeyPair.generate(random);
        byte[] id = new byte[Ntor.HERD_ID_LENGTH];
        Ntor.Client client = Ntor.client(id, real.publicKey(), random);
        byte[] create = client.handshake();
        // The impostor pretends to hold B: it answers with its own key in place of b.
        System.arraycopy(impostor.publicKey().encoded(), 0, create, id.length, 32);
        byte[] reply = Ntor.server(create, id, List.of(impostor), random).reply();
        assertEquals(NtorException.Reason.BAD_AUTH,
                assertThrows(NtorException.class, () -> client.finish(reply)).reason());
    }

    @Test
    void serverRejectsWrongIdWrongKeyLowOrderPointAndBadLength() {
        SecureRandom random = seeded(seed());
        OnionKeyPair onion = OnionKeyPair.generate(random);
        byte[] id = new byte[Ntor.HERD_ID_LENGTH];
        random.nextBytes(id);
        byte[] otherId = id.clone();
        otherId[0] ^= 1;
        byte[] wrongId = Ntor.client(otherId, onion.publicKey(), random).handshake();
        assertEquals(NtorException.Reason.UNKNOWN_KEY, assertThrows(NtorException.class,
                () -> Ntor.server(wrongId, id, List.of(onion), random)).reason());
        byte[] wrongKey = Ntor.client(id, OnionKeyPair.generate(random).publicKey(), random).handshake();
        assertEquals(NtorException.Reason.UNKNOWN_KEY, assertThrows(NtorException.class,
                () -> Ntor.server(wrongKey, id, List.of(onion), random)).reason());
        byte[] lowOrder = Ntor.client(id, onion.publicKey(), random).handshake();
        java.util.Arrays.fill(lowOrder, id.length + 32, lowOrder.length, (byte) 0); // X = 0, a low-order point
        assertEquals(NtorException.Reason.DEGENERATE_KEY, assertThrows(NtorException.class,
                () -> Ntor.server(lowOrder, id, List.of(onion), random)).reason());
        byte[] shortMsg = java.util.Arrays.copyOf(lowOrder, lowOrder.length - 1);
        assertEquals(NtorException.Reason.MALFORMED, assertThrows(NtorException.class,
                () -> Ntor.server(shortMsg, id, List.of(onion), random)).reason());
    }

    @Test
    void clientRejectsReplyOfWrongLength() throws NtorException {
        SecureRandom random = seeded(seed());
        OnionKeyPair onion = OnionKeyPair.generate(random);
        byte[] id = new byte[Ntor.TOR_ID_LENGTH];
        Ntor.Client client = Ntor.client(id, onion.publicKey(), random);
        byte[] reply = Ntor.server(client.handshake(), id, List.of(onion), random).reply();
        for (int n : new int[] {0, reply.length - 1, reply.length + 1}) {
            byte[] bad = java.util.Arrays.copyOf(reply, n);
            assertEquals(NtorException.Reason.MALFORMED,
                    assertThrows(NtorException.class, () -> client.finish(bad)).reason());
        }
        client.finish(reply); // the intact reply still completes
    }

    @Test
    void clientRejectsLowOrderY() {
        SecureRandom random = seeded(seed());
        OnionKeyPair onion = OnionKeyPair.generate(random);
        Ntor.Client client = Ntor.client(new byte[20], onion.publicKey(), random);
        byte[] reply = new byte[Ntor.SERVER_HANDSHAKE_SIZE];
        assertEquals(NtorException.Reason.DEGENERATE_KEY,
                assertThrows(NtorException.class, () -> client.finish(reply)).reason());
    }
}
