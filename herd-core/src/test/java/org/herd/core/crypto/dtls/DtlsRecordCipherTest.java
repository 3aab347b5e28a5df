package org.herd.core.crypto.dtls;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.HexFormat;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The record format (RFC 6347 §4.1, RFC 5288, RFC 5246 §6.2.3.3) and its failure results, in memory. */
class DtlsRecordCipherTest {

    private static final int CELL = 256;

    private final long seed = System.nanoTime();
    private final Random random = new Random(seed);
    private final byte[] material = new byte[DtlsRecordCipher.KEY_MATERIAL_SIZE];
    private final DtlsRecordCipher client;
    private final DtlsRecordCipher server;

    DtlsRecordCipherTest() {
        System.out.println("DtlsRecordCipherTest seed=" + seed);
        random.nextBytes(material);
        client = DtlsRecordCipher.forClient(material, 1);
        server = DtlsRecordCipher.forServer(material, 1);
    }

    private byte[] cell() {
        byte[] c = new byte[CELL];
        random.nextBytes(c);
        return c;
    }

    @Test
    void aCellRecordIs293BytesWithTheDtls12HeaderAndTheSequenceAsExplicitNonce() {
        byte[] cell = cell();
        byte[] record = new byte[400];
        int n = client.seal(0x0000_0102_0304_0506L, cell, 0, CELL, record, 7);
        assertEquals(13 + 8 + 256 + 16, n);
        // type 23, version {254, 253}, epoch 1, sequence 0x010203040506, length 8 + 256 + 16 = 280 = 0x0118
        assertEquals("17fefd00010102030405060118", HexFormat.of().formatHex(record, 7, 7 + 13));
        // RFC 5288 §3 nonce_explicit: the 64-bit DTLS sequence number, epoch | sequence.
        assertEquals("0001010203040506", HexFormat.of().formatHex(record, 7 + 13, 7 + 21));
        byte[] opened = new byte[CELL];
        assertEquals(CELL, server.open(record, 7, n, opened, 0));
        assertArrayEquals(cell, opened);
    }

    @Test
    void anAlertRecordCarriesType21AndItsTypeIsAuthenticated() {
        byte[] closeNotify = {1, 0}; // warning, close_notify (RFC 5246 §7.2)
        byte[] record = new byte[64];
        int n = client.seal(DtlsRecordCipher.ALERT, 9, closeNotify, 0, 2, record, 0);
        assertEquals(13 + 8 + 2 + 16, n);
        assertEquals("15fefd0001000000000009001a", HexFormat.of().formatHex(record, 0, 13));
        byte[] opened = new byte[2];
        assertEquals(2, server.open(DtlsRecordCipher.ALERT, record, 0, n, opened, 0));
        assertArrayEquals(closeNotify, opened);
        assertEquals(DtlsRecordCipher.MALFORMED, server.open(record, 0, n, opened, 0), "not application data");
        byte[] relabelled = record.clone();
        relabelled[0] = DtlsRecordCipher.APPLICATION_DATA;
        assertEquals(DtlsRecordCipher.AUTHENTICATION_FAILED, server.open(relabelled, 0, n, opened, 0),
                "the type is in the AAD: an alert cannot pass for a cell");
        assertThrows(IllegalArgumentException.class, () -> client.seal(22, 10, closeNotify, 0, 2, record, 0));
    }

    @Test
    void eachDirectionHasItsOwnKey() {
        byte[] record = new byte[CELL + DtlsRecordCipher.OVERHEAD];
        int n = client.seal(1, cell(), 0, CELL, record, 0);
        byte[] opened = new byte[CELL];
        assertEquals(DtlsRecordCipher.AUTHENTICATION_FAILED, client.open(record, 0, n, opened, 0),
                "the client cannot open its own records: the directions differ in key and salt");
        int m = server.seal(1, cell(), 0, CELL, record, 0);
        assertEquals(CELL, client.open(record, 0, m, opened, 0));
    }

    @Test
    void everyChangedByteIsRejected() {
        byte[] record = new byte[CELL + DtlsRecordCipher.OVERHEAD];
        int n = client.seal(42, cell(), 0, CELL, record, 0);
        byte[] opened = new byte[CELL];
        for (int i = 0; i < n; i++) {
            byte[] changed = record.clone();
            changed[i] ^= (byte) (1 << random.nextInt(8));
            int result = server.open(changed, 0, n, opened, 0);
            // Type, version, epoch and length are checked as fields; every other byte by the tag
            // (sequence number via the AAD, nonce, ciphertext, tag itself).
            boolean field = i <= 4 || i == 11 || i == 12;
            assertEquals(field ? DtlsRecordCipher.MALFORMED : DtlsRecordCipher.AUTHENTICATION_FAILED, result, "byte " + i);
        }
        assertEquals(CELL, server.open(record, 0, n, opened, 0), "the original still opens");
    }

    @Test
    void truncatedAndWrongEpochRecordsAreMalformed() {
        byte[] record = new byte[CELL + DtlsRecordCipher.OVERHEAD];
        int n = client.seal(3, cell(), 0, CELL, record, 0);
        byte[] opened = new byte[CELL];
        assertEquals(DtlsRecordCipher.MALFORMED, server.open(record, 0, DtlsRecordCipher.OVERHEAD - 1, opened, 0));
        assertEquals(DtlsRecordCipher.MALFORMED, server.open(record, 0, n - 1, opened, 0), "length field disagrees");
        DtlsRecordCipher epoch2 = DtlsRecordCipher.forServer(material, 2);
        assertEquals(DtlsRecordCipher.MALFORMED, epoch2.open(record, 0, n, opened, 0));
    }

    @Test
    void emptyAndLargerPlaintextsRoundTrip() {
        for (int len : new int[] {0, 1, 100, 475}) {
            byte[] p = new byte[len];
            random.nextBytes(p);
            byte[] record = new byte[len + DtlsRecordCipher.OVERHEAD];
            int n = server.seal(len, p, 0, len, record, 0);
            assertEquals(len + DtlsRecordCipher.OVERHEAD, n);
            byte[] opened = new byte[len];
            assertEquals(len, client.open(record, 0, n, opened, 0));
            assertArrayEquals(p, opened);
        }
    }

    @Test
    void sequenceNumbersOutside48BitsAreRefused() {
        byte[] record = new byte[CELL + DtlsRecordCipher.OVERHEAD];
        assertThrows(IllegalArgumentException.class, () -> client.seal(-1, cell(), 0, CELL, record, 0));
        assertThrows(IllegalArgumentException.class, () -> client.seal(1L << 48, cell(), 0, CELL, record, 0));
        assertEquals(293, client.seal(DtlsRecordCipher.MAX_SEQUENCE, cell(), 0, CELL, record, 0));
    }

    @Test
    void keyMaterialOfTheWrongSizeOrAnUnprotectedEpochIsRefused() {
        assertThrows(IllegalArgumentException.class, () -> DtlsRecordCipher.forClient(new byte[39], 1));
        assertThrows(IllegalArgumentException.class, () -> DtlsRecordCipher.forClient(material, 0));
    }

    @Test
    void wipeZeroesTheCallersCopy() {
        byte[] copy = material.clone();
        DtlsRecordCipher c = DtlsRecordCipher.forClient(copy, 1);
        DtlsRecordCipher.wipe(copy);
        assertTrue(Arrays.equals(new byte[copy.length], copy));
        byte[] record = new byte[CELL + DtlsRecordCipher.OVERHEAD];
        int n = c.seal(9, cell(), 0, CELL, record, 0);
        assertEquals(CELL, server.open(record, 0, n, new byte[CELL], 0), "the cipher kept its own copy of the keys");
    }
}
