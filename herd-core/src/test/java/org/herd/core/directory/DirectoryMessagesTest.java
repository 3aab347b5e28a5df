package org.herd.core.directory;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetSocketAddress;
import java.util.HexFormat;
import java.util.List;
import org.herd.core.crypto.IdentityKeyPair;
import org.herd.core.crypto.OnionKeyPair;
import org.junit.jupiter.api.Test;

/** Round trip, known-answer and truncation tests of every directory request and response. */
class DirectoryMessagesTest {

    private static IdentityKeyPair key(int i) {
        byte[] seed = new byte[32];
        seed[0] = (byte) i;
        return IdentityKeyPair.fromSeed(seed);
    }

    static List<DirectoryRequest> samples() {
        IdentityKeyPair a = key(1);
        IdentityKeyPair b = key(2);
        byte[] onion = OnionKeyPair.fromSecret(new byte[32]).publicKey().encoded();
        RateScope pair = RateScope.interZone("alpha", "beta");
        return List.of(
                DirectoryRequest.Join.sign(a, "alpha", 1_000, new byte[16]),
                new DirectoryRequest.EnrollDescriptor(new byte[] {1, 2, 3}),
                DirectoryRequest.EnrollIssue.sign(b, OnionKeyPair.fromSecret(new byte[32]).publicKey(),
                        new InetSocketAddress("::1", 7000), "alpha", 5, new byte[16]),
                DirectoryRequest.EnrollIssue.sign(b, OnionKeyPair.fromSecret(new byte[32]).publicKey(),
                        new InetSocketAddress("127.0.0.1", 7000), "alpha", 5, new byte[16]),
                new DirectoryRequest.GetDirectory(),
                new DirectoryRequest.Register(b.publicKey(), new byte[16], onion, 99, new byte[64], new byte[] {9}),
                new DirectoryRequest.LookupByKey("alpha", a.publicKey()),
                new DirectoryRequest.LookupByAddress("abc@alpha.herd"),
                DirectoryRequest.Report.sign(b, "alpha", new UtilisationReport(b.publicKey(), RateScope.superpeer("alpha"),
                        3, 4, 2.5, 8, 17, 5), 77),
                DirectoryRequest.Report.sign(b, "alpha", new UtilisationReport(b.publicKey(), pair, 3, 4, 2.5, 8, 0, 0), 78),
                DirectoryRequest.Proposal.sign(a, new byte[] {5, 5}, new RateAnnouncement(pair, 4, 400, 12, "alpha", 300)));
    }

    @Test
    void everyRequestRoundTripsCanonically() throws Exception {
        long id = 1;
        for (DirectoryRequest r : samples()) {
            byte[] bytes = DirectoryMessages.encodeRequest(id, r);
            DirectoryMessages.Envelope e = DirectoryMessages.decodeRequest(bytes);
            assertEquals(id, e.requestId());
            assertEquals(r, e.request(), DirectoryMessages.typeName(r.type()));
            assertArrayEquals(bytes, DirectoryMessages.encodeRequest(id, e.request()));
            id++;
        }
    }

    @Test
    void aReportInTheEarlierFormWithoutClientAndCallCountsIsRefusedByName() {
        IdentityKeyPair b = key(2);
        byte[] current = DirectoryMessages.encodeRequest(9, DirectoryRequest.Report.sign(b, "alpha",
                new UtilisationReport(b.publicKey(), RateScope.superpeer("alpha"), 3, 4, 2.5, 8, 17, 5), 77));
        // Envelope 18 | mix key 32 | scope 8 (class 1, "alpha" 1+5, no peer zone 1) | epoch 8 | peak, mean,
        // capacity 12 | clients 4 | calls 4 | timestamp 8 | signature 64: drop clients and calls.
        int counts = 18 + 32 + 8 + 8 + 12;
        assertEquals(17, java.nio.ByteBuffer.wrap(current, counts, 4).getInt(), "clients where expected");
        byte[] earlier = new byte[current.length - 8];
        System.arraycopy(current, 0, earlier, 0, counts);
        System.arraycopy(current, counts + 8, earlier, counts, current.length - counts - 8);
        java.nio.ByteBuffer.wrap(earlier).putInt(14, earlier.length - 18);
        DirectoryProtocolException e = assertThrows(DirectoryProtocolException.class,
                () -> DirectoryMessages.decodeRequest(earlier));
        assertEquals(DirectoryStatus.UNSUPPORTED, e.status());
        assertTrue(e.getMessage().contains("without client and call counts"), e.getMessage());
        // The current form carries the counts through a round trip.
        DirectoryRequest.Report r = assertInstanceOf(DirectoryRequest.Report.class,
                assertDoesNotThrow(() -> DirectoryMessages.decodeRequest(current)).request());
        assertEquals(17, r.toUtilisationReport().clients());
        assertEquals(5, r.toUtilisationReport().calls());
    }

    @Test
    void everyTruncationAndTrailingByteIsMalformed() {
        for (DirectoryRequest r : samples()) {
            byte[] bytes = DirectoryMessages.encodeRequest(3, r);
            for (int n = 0; n < bytes.length; n++) {
                byte[] cut = java.util.Arrays.copyOf(bytes, n);
                DirectoryProtocolException e = assertThrows(DirectoryProtocolException.class,
                        () -> DirectoryMessages.decodeRequest(cut), "truncated to " + n);
                assertEquals(DirectoryStatus.MALFORMED, e.status());
            }
            byte[] longer = java.util.Arrays.copyOf(bytes, bytes.length + 1);
            assertEquals(DirectoryStatus.MALFORMED, assertThrows(DirectoryProtocolException.class,
                    () -> DirectoryMessages.decodeRequest(longer)).status());
        }
    }

    @Test
    void knownAnswerEncodings() throws Exception {
        // Envelope: "HDRQ" | version 1 | type 3 | id 1 | body length 0.
        assertEquals("48445251" + "01" + "03" + "0000000000000001" + "00000000",
                HexFormat.of().formatHex(DirectoryMessages.encodeRequest(1, new DirectoryRequest.GetDirectory())));
        // LOOKUP by key: form 1 | zone length 5 | "alpha" | the key of seed 01 00..00.
        String key = HexFormat.of().formatHex(key(1).publicKey().encoded());
        assertEquals("01" + "05" + "616c706861" + key,
                HexFormat.of().formatHex(new DirectoryRequest.LookupByKey("alpha", key(1).publicKey()).encodeBody()));
        // Response: "HDRS" | 1 | type 5 | id 2 | status 2 | length 2 | "no".
        assertEquals("48445253" + "01" + "05" + "0000000000000002" + "02" + "00000002" + "6e6f",
                HexFormat.of().formatHex(DirectoryMessages.encodeResponse(DirectoryResponse.error(5, 2, 2, "no"))));
    }

    @Test
    void unknownTypeAndVersionAreUnsupportedNotMalformed() {
        byte[] unknownType = HexFormat.of().parseHex("48445251" + "01" + "63" + "0000000000000001" + "00000000");
        assertEquals(DirectoryStatus.UNSUPPORTED, assertThrows(DirectoryProtocolException.class,
                () -> DirectoryMessages.decodeRequest(unknownType)).status());
        byte[] v2 = HexFormat.of().parseHex("48445251" + "02" + "03" + "0000000000000001" + "00000000");
        assertEquals(DirectoryStatus.UNSUPPORTED, assertThrows(DirectoryProtocolException.class,
                () -> DirectoryMessages.decodeRequest(v2)).status());
        byte[] badForm = HexFormat.of().parseHex("48445251" + "01" + "05" + "0000000000000001" + "00000001" + "07");
        assertEquals(DirectoryStatus.MALFORMED, assertThrows(DirectoryProtocolException.class,
                () -> DirectoryMessages.decodeRequest(badForm)).status());
    }

    @Test
    void responsesRoundTripAndReasonsAreSanitised() throws Exception {
        DirectoryResponse ok = DirectoryResponse.ok(4, 9, new byte[] {1, 2});
        assertEquals(ok, DirectoryMessages.decodeResponse(DirectoryMessages.encodeResponse(ok)));
        DirectoryResponse err = DirectoryResponse.error(4, 9, DirectoryStatus.STALE, "bad\nthing\u00e9");
        assertEquals("bad?thing?", err.reason());
        assertEquals(err, DirectoryMessages.decodeResponse(DirectoryMessages.encodeResponse(err)));
        DirectoryResponse.LookupResult l = new DirectoryResponse.LookupResult(new byte[32], new byte[16], new byte[32], 5,
                new byte[64], new byte[] {1});
        assertArrayEquals(l.encode(), DirectoryResponse.LookupResult.decode(l.encode()).encode());
        DirectoryResponse.JoinResult j = new DirectoryResponse.JoinResult(new byte[] {1}, "a@b.herd", new byte[] {2}, new byte[] {3});
        assertArrayEquals(j.encode(), DirectoryResponse.JoinResult.decode(j.encode()).encode());
    }

    @Test
    void lookupResultsAndStatusesMapOntoTheCircuitLayersAnswer() throws Exception {
        byte[] mix = new byte[32];
        mix[0] = 1;
        byte[] cookie = new byte[16];
        cookie[0] = 2;
        byte[] onion = new byte[32];
        onion[0] = 3;
        byte[] sig = new byte[64];
        sig[0] = 4;
        byte[] answer = new DirectoryResponse.LookupResult(mix, cookie, onion, 0x0102030405060708L, sig, new byte[] {9})
                .circuitAnswer(0x0A0B0C0D0E0F1011L);
        // request id 8 | status 0 | rendezvous 32 | cookie 16 | onion 32 | valid-until 8 | signature 64 = 161 bytes.
        assertEquals(161, answer.length);
        assertEquals("0a0b0c0d0e0f1011", HexFormat.of().formatHex(answer, 0, 8));
        assertEquals(0, answer[8]);
        assertEquals(1, answer[9]);
        assertEquals(2, answer[41]);
        assertEquals(3, answer[57]);
        assertEquals("0102030405060708", HexFormat.of().formatHex(answer, 89, 97));
        assertEquals(4, answer[97]);
        // ... which is the circuit layer's own encoding of that ANSWER.
        org.herd.core.wire.ControlMessages.Answer decoded = org.herd.core.wire.ControlMessages.Answer.decode(answer);
        assertEquals(0x0A0B0C0D0E0F1011L, decoded.requestId());
        assertArrayEquals(answer, decoded.encode());
        for (int s = 0; s <= 4; s++) {
            assertEquals(s, DirectoryStatus.toCircuitStatus(s));
        }
        for (int s : new int[] {DirectoryStatus.MALFORMED, DirectoryStatus.BAD_SIGNATURE, DirectoryStatus.STALE,
            DirectoryStatus.REPLAYED, DirectoryStatus.NOT_A_ZONE_MIX, DirectoryStatus.UNAVAILABLE, 200}) {
            assertEquals(DirectoryStatus.BAD_REQUEST, DirectoryStatus.toCircuitStatus(s));
        }
    }
}
