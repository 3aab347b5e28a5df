package org.herd.core.wire;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HexFormat;
import org.junit.jupiter.api.Test;

/** Control-message and fragment codecs: vectors, round trips, malformed input. */
class ControlMessagesTest {

    private static byte[] filled(int n, int v) {
        byte[] b = new byte[n];
        java.util.Arrays.fill(b, (byte) v);
        return b;
    }

    @Test
    void connectEncodesToTheDocumentedLayout() throws Exception {
        var c = new ControlMessages.Connect(0x0102030405060708L, filled(32, 0xAA), filled(16, 0xBB), filled(96, 0xCC));
        byte[] b = c.encode();
        String hex = HexFormat.of().formatHex(b);
        // Hand-written vector from the table in docs/network.md: call id | rendezvous | cookie | handshake.
        assertEquals("0102030405060708" + "aa".repeat(32) + "bb".repeat(16) + "cc".repeat(96), hex);
        var d = ControlMessages.Connect.decode(b);
        assertEquals(c.callId(), d.callId());
        assertArrayEquals(c.cookie(), d.cookie());
        assertArrayEquals(c.handshake(), d.handshake());
        assertThrows(MalformedMessageException.class, () -> ControlMessages.Connect.decode(java.util.Arrays.copyOf(b, 151)));
        assertThrows(MalformedMessageException.class, () -> ControlMessages.Connect.decode(java.util.Arrays.copyOf(b, 153)));
    }

    @Test
    void resumeAndResumedEncodeToTheDocumentedLayout() throws Exception {
        var r = new ControlMessages.Resume(0x0102030405060708L, filled(32, 0xAA));
        byte[] b = r.encode();
        // Hand-written vector from the table in docs/network.md: call id 8 | R2 identity 32.
        assertEquals("0102030405060708" + "aa".repeat(32), HexFormat.of().formatHex(b));
        var d = ControlMessages.Resume.decode(b);
        assertEquals(r.callId(), d.callId());
        assertArrayEquals(r.rendezvous(), d.rendezvous());
        assertThrows(MalformedMessageException.class, () -> ControlMessages.Resume.decode(java.util.Arrays.copyOf(b, 39)));
        assertThrows(MalformedMessageException.class, () -> ControlMessages.Resume.decode(java.util.Arrays.copyOf(b, 41)));
        byte[] done = new ControlMessages.Resumed(-2L).encode();
        assertEquals("fffffffffffffffe", HexFormat.of().formatHex(done));
        assertEquals(-2L, ControlMessages.Resumed.decode(done).callId());
        assertThrows(MalformedMessageException.class, () -> ControlMessages.Resumed.decode(new byte[7]));
        assertEquals("RESUME", RelayCommand.name(RelayCommand.RESUME));
        assertEquals("RESUMED", RelayCommand.name(RelayCommand.RESUMED));
        assertEquals("UNKNOWN(13)", RelayCommand.name(13));
    }

    @Test
    void registerRoundTripsAndRejectsBadCertificateLengths() throws Exception {
        var r = new ControlMessages.Register(filled(16, 1), filled(32, 2), 1234L, filled(64, 3), filled(300, 4));
        byte[] b = r.encode();
        assertEquals(122 + 300, b.length);
        assertEquals(3, ControlFragment.fragmentsFor(b.length));
        var d = ControlMessages.Register.decode(b);
        assertEquals(1234L, d.bindingUntil());
        assertArrayEquals(r.certificate(), d.certificate());
        assertArrayEquals(b, d.encode());
        assertThrows(MalformedMessageException.class, () -> ControlMessages.Register.decode(java.util.Arrays.copyOf(b, b.length - 1)));
        byte[] lying = b.clone();
        Bytes.putShort(lying, 120, 600);
        assertThrows(MalformedMessageException.class, () -> ControlMessages.Register.decode(lying));
        assertThrows(MalformedMessageException.class, () -> ControlMessages.Register.decode(new byte[10]));
    }

    @Test
    void lookupAnswerEndRoundTrip() throws Exception {
        var l = new ControlMessages.Lookup(0x0102030405060708L, "beta", filled(32, 9));
        byte[] lb = l.encode();
        // request id 8 | zone length 1 | zone | client key 32.
        assertEquals("0102030405060708" + "04" + "62657461" + "09".repeat(32), HexFormat.of().formatHex(lb));
        var ld = ControlMessages.Lookup.decode(lb);
        assertEquals("beta", ld.zone());
        assertEquals(0x0102030405060708L, ld.requestId());
        assertArrayEquals(lb, ld.encode());
        byte[] badZone = lb.clone();
        badZone[9] = 0;
        assertThrows(MalformedMessageException.class, () -> ControlMessages.Lookup.decode(badZone));
        byte[] badLen = lb.clone();
        badLen[8] = 5;
        assertThrows(MalformedMessageException.class, () -> ControlMessages.Lookup.decode(badLen));
        // Truncated anywhere (inside the request id, before the zone, inside the key): a reason, never an index error.
        for (int n : new int[] {0, 1, 7, 8, 9, 12, lb.length - 1}) {
            MalformedMessageException e = assertThrows(MalformedMessageException.class,
                    () -> ControlMessages.Lookup.decode(java.util.Arrays.copyOf(lb, n)));
            assertTrue(e.getMessage().startsWith("LOOKUP"), e.getMessage());
        }
        assertThrows(MalformedMessageException.class, () -> ControlMessages.Lookup.decode(java.util.Arrays.copyOf(lb, lb.length + 1)));

        // The answers echo the LOOKUP's id.
        var a = l.found(filled(32, 1), filled(16, 2), filled(32, 3), 7L, filled(64, 4));
        assertEquals(0x0102030405060708L, a.requestId());
        byte[] ab = a.encode();
        assertEquals(ControlMessages.Answer.OK_SIZE, ab.length);
        assertEquals(161, ab.length);
        // request id 8 | status 0 | rendezvous 32 | cookie 16 | onion key 32 | valid-until 8 | signature 64.
        assertEquals("0102030405060708" + "00" + "01".repeat(32) + "02".repeat(16) + "03".repeat(32)
                + "0000000000000007" + "04".repeat(64), HexFormat.of().formatHex(ab));
        assertArrayEquals(ab, ControlMessages.Answer.decode(ab).encode());
        assertEquals(0x0102030405060708L, ControlMessages.Answer.decode(ab).requestId());
        var refused = l.refused(ControlMessages.STATUS_NOT_REGISTERED);
        byte[] rb = refused.encode();
        assertEquals("0102030405060708" + "02", HexFormat.of().formatHex(rb));
        var rd = ControlMessages.Answer.decode(rb);
        assertEquals(ControlMessages.STATUS_NOT_REGISTERED, rd.status());
        assertEquals(0x0102030405060708L, rd.requestId());
        assertArrayEquals(rb, rd.encode());
        // A refusal of a LOOKUP whose id could not be read carries the id no client draws.
        assertEquals(ControlMessages.NO_REQUEST_ID, ControlMessages.Answer.decode(
                ControlMessages.Answer.refused(ControlMessages.NO_REQUEST_ID, ControlMessages.STATUS_BAD_REQUEST).encode())
                .requestId());
        assertThrows(IllegalArgumentException.class, () -> l.refused(ControlMessages.STATUS_OK));
        // Truncated: inside the id, id without status, OK status without (all of) its body.
        for (int n : new int[] {0, 1, 8}) {
            MalformedMessageException e = assertThrows(MalformedMessageException.class,
                    () -> ControlMessages.Answer.decode(java.util.Arrays.copyOf(rb, n)));
            assertTrue(e.getMessage().contains("truncated"), e.getMessage());
        }
        for (int n : new int[] {9, 10, 100, ab.length - 1}) {
            MalformedMessageException e = assertThrows(MalformedMessageException.class,
                    () -> ControlMessages.Answer.decode(java.util.Arrays.copyOf(ab, n)));
            assertTrue(e.getMessage().startsWith("ANSWER with status OK has " + n + " bytes"), e.getMessage());
        }
        byte[] okWithBadStatus = ab.clone();
        okWithBadStatus[8] = 1;
        MalformedMessageException body = assertThrows(MalformedMessageException.class,
                () -> ControlMessages.Answer.decode(okWithBadStatus));
        assertTrue(body.getMessage().contains("carries a body"), body.getMessage());
        assertThrows(MalformedMessageException.class, () -> ControlMessages.Answer.decode(java.util.Arrays.copyOf(rb, 10)));
        // The pre-id formats (status first) are malformed now, not misread.
        assertThrows(MalformedMessageException.class, () -> ControlMessages.Answer.decode(new byte[] {2}));
        assertThrows(MalformedMessageException.class, () -> ControlMessages.Answer.decode(java.util.Arrays.copyOf(ab, 153)));

        assertEquals(ControlMessages.END_HANGUP, ControlMessages.End.decode(new byte[] {1}).reason());
        assertThrows(MalformedMessageException.class, () -> ControlMessages.End.decode(new byte[0]));
        assertThrows(MalformedMessageException.class, () -> ControlMessages.Extend.decode(new byte[95]));
        assertThrows(MalformedMessageException.class, () -> ControlMessages.Extended.decode(new byte[65]));
        assertThrows(MalformedMessageException.class, () -> ControlMessages.Connected.decode(new byte[71]));
    }

    @Test
    void fragmentHeadersAreCheckedWithoutThrowing() {
        byte[] d = new byte[RelayCell.MAX_DATA];
        ControlFragment.writeHeader(d, 0, 0xBEEF, 1, 3);
        assertEquals(0xBEEF, ControlFragment.messageId(d, 0));
        assertEquals(ControlFragment.OK, ControlFragment.check(d, 0, RelayCell.MAX_DATA));
        assertEquals(ControlFragment.SHORT_MIDDLE, ControlFragment.check(d, 0, 100));
        assertEquals(ControlFragment.TOO_SHORT, ControlFragment.check(d, 0, 4));
        ControlFragment.writeHeader(d, 0, 1, 3, 3);
        assertEquals(ControlFragment.BAD_INDEX, ControlFragment.check(d, 0, 10));
        ControlFragment.writeHeader(d, 0, 1, 0, 0);
        assertEquals(ControlFragment.BAD_INDEX, ControlFragment.check(d, 0, 10));
        ControlFragment.writeHeader(d, 0, 1, 0, ControlFragment.MAX_FRAGMENTS + 1);
        assertEquals(ControlFragment.BAD_INDEX, ControlFragment.check(d, 0, RelayCell.MAX_DATA));
        ControlFragment.writeHeader(d, 0, 1, 2, 3);
        assertEquals(ControlFragment.OK, ControlFragment.check(d, 0, 10));
        assertEquals(1, ControlFragment.fragmentsFor(1));
        assertEquals(1, ControlFragment.fragmentsFor(ControlFragment.MAX_FRAGMENT_DATA));
        assertEquals(2, ControlFragment.fragmentsFor(ControlFragment.MAX_FRAGMENT_DATA + 1));
        assertThrows(IllegalArgumentException.class, () -> ControlFragment.fragmentsFor(ControlFragment.MAX_MESSAGE + 1));
        assertEquals("UNKNOWN(200)", RelayCommand.name(200));
        assertEquals("CONNECT", RelayCommand.name(RelayCommand.CONNECT));
    }
}
