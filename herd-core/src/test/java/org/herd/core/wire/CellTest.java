package org.herd.core.wire;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.HexFormat;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class CellTest {

    @Test
    void layoutFitsOneG711FrameWithEndToEndSealAndAllHeaders() {
        // 160 bytes of G.711 per 20 ms, plus the end-to-end seal (4-byte frame number + 16-byte tag).
        assertTrue(RelayCell.MAX_DATA >= 160 + 4 + 16, "relay data field too small: " + RelayCell.MAX_DATA);
        assertEquals(Cell.SIZE, RelayCell.BODY_OFFSET + RelayCell.BODY_SIZE);
        assertEquals(212, RelayCell.MAX_DATA);
        assertEquals(235, RelayCell.BODY_SIZE);
    }

    @Test
    void headerRoundTripsAtAnOffsetAndLeavesNeighboursAlone() {
        SplittableRandom random = seeded();
        byte[] buffer = new byte[Cell.SIZE + 20];
        Arrays.fill(buffer, (byte) 0x5A);
        Cell cell = new Cell().wrap(buffer, 10);
        for (int i = 0; i < 1000; i++) {
            int circuit = random.nextInt();
            int command = random.nextInt(256);
            cell.circuitId(circuit).command(command);
            Cell again = new Cell().wrap(buffer, 10);
            assertEquals(circuit, again.circuitId());
            assertEquals(command, again.command());
        }
        for (int i = 0; i < 10; i++) {
            assertEquals(0x5A, buffer[i]);
            assertEquals(0x5A, buffer[buffer.length - 1 - i]);
        }
    }

    @Test
    void knownAnswerEncoding() {
        byte[] buffer = new byte[Cell.SIZE];
        Cell cell = new Cell().wrap(buffer, 0).circuitId(0x80010203).command(CellCommand.RELAY);
        byte[] data = "herd".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        CellCodec.writeRelay(buffer, 0, 7, 0x0102, data, 0, data.length);
        String expectedPrefix = "80010203" + "03" // circuit id, RELAY
                + "00".repeat(RelayCell.NONCE_SIZE) // nonce left for the onion layer
                + "0000" + "00".repeat(RelayCell.MAC_SIZE) // recognized, MAC
                + "07" + "0102" + "0004" + "68657264"; // relay cmd, stream, length, "herd"
        String hex = HexFormat.of().formatHex(buffer);
        assertEquals(expectedPrefix, hex.substring(0, expectedPrefix.length()));
        assertEquals("00".repeat(Cell.SIZE - expectedPrefix.length() / 2), hex.substring(expectedPrefix.length()));
        assertEquals("Cell[circ=2147549699, cmd=RELAY]", cell.toString());
    }

    @Test
    void relayHeaderRoundTripsAndZeroFillsStaleBytes() {
        SplittableRandom random = seeded();
        byte[] buffer = new byte[Cell.SIZE];
        for (int i = 0; i < 500; i++) {
            random.nextBytes(buffer); // stale bytes everywhere
            int length = random.nextInt(RelayCell.MAX_DATA + 1);
            byte[] data = new byte[length];
            random.nextBytes(data);
            int command = random.nextInt(256);
            int stream = random.nextInt(65536);
            CellCodec.writeRelay(buffer, 0, command, stream, data, 0, length);
            assertEquals(CellCodec.OK, CellCodec.checkRelayHeader(buffer, 0));
            assertEquals(command, CellCodec.relayCommand(buffer, 0));
            assertEquals(stream, CellCodec.relayStreamId(buffer, 0));
            assertEquals(length, CellCodec.relayDataLength(buffer, 0));
            int dataStart = RelayCell.BODY_OFFSET + RelayCell.DATA_OFFSET;
            assertArrayEquals(data, Arrays.copyOfRange(buffer, dataStart, dataStart + length));
            for (int j = dataStart + length; j < Cell.SIZE; j++) {
                assertEquals(0, buffer[j], "stale byte left at " + j);
            }
        }
    }

    @Test
    void malformedInputIsAStatusNotAnException() {
        byte[] buffer = new byte[Cell.SIZE + 1];
        assertEquals(CellCodec.OK, CellCodec.checkCell(buffer, 0, Cell.SIZE));
        assertEquals(CellCodec.OK, CellCodec.checkCell(buffer, 1, Cell.SIZE));
        assertEquals(CellCodec.WRONG_SIZE, CellCodec.checkCell(buffer, 0, Cell.SIZE - 1));
        assertEquals(CellCodec.WRONG_SIZE, CellCodec.checkCell(buffer, 0, Cell.SIZE + 1));
        assertEquals(CellCodec.WRONG_SIZE, CellCodec.checkCell(buffer, 2, Cell.SIZE));
        assertEquals(CellCodec.WRONG_SIZE, CellCodec.checkCell(buffer, -1, Cell.SIZE));
        assertEquals(CellCodec.WRONG_SIZE, CellCodec.checkCell(new byte[0], 0, 0));

        byte[] cell = new byte[Cell.SIZE];
        Bytes.putShort(cell, RelayCell.BODY_OFFSET + RelayCell.LENGTH_OFFSET, RelayCell.MAX_DATA + 1);
        assertEquals(CellCodec.BAD_LENGTH, CellCodec.checkRelayHeader(cell, 0));
        Bytes.putShort(cell, RelayCell.BODY_OFFSET + RelayCell.LENGTH_OFFSET, 0xFFFF);
        assertEquals(CellCodec.BAD_LENGTH, CellCodec.checkRelayHeader(cell, 0));
    }

    @Test
    void unknownCommandsAreValues() {
        for (int command = 0; command < 256; command++) {
            String name = CellCommand.name(command);
            if (CellCommand.isKnown(command)) {
                assertFalse(name.startsWith("UNKNOWN"), name);
            } else {
                assertEquals("UNKNOWN(" + command + ")", name);
            }
        }
        assertThrows(IllegalArgumentException.class, () -> new Cell().wrap(new byte[Cell.SIZE], 0).command(256));
        assertThrows(IllegalArgumentException.class, () -> new Cell().wrap(new byte[Cell.SIZE - 1], 0));
    }

    @Test
    void bigEndianHelpersRoundTrip() {
        byte[] b = new byte[8];
        Bytes.putLong(b, 0, 0x0102030405060708L);
        assertEquals("0102030405060708", HexFormat.of().formatHex(b));
        assertEquals(0x0102030405060708L, Bytes.getLong(b, 0));
        Bytes.putLong(b, 0, -2L);
        assertEquals(-2L, Bytes.getLong(b, 0));
        Bytes.putShort(b, 0, 0xFFFE);
        assertEquals(0xFFFE, Bytes.getUnsignedShort(b, 0));
    }

    private static SplittableRandom seeded() {
        long seed = System.nanoTime();
        System.out.println("CellTest seed=" + seed);
        return new SplittableRandom(seed);
    }
}
