package org.herd.core.wire;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.junit.FuzzTest;

/**
 * Fuzz target for the cell decoder: any byte string, at any length, is either a cell or a
 * status code, never an exception; a well-formed cell's header reads back what is in it.
 * Runs for a bounded time in the test suite (see the {@code fuzz} surefire execution).
 */
class CellCodecFuzzTest {

    private final Cell cell = new Cell();

    @FuzzTest(maxDuration = "10s")
    void decodeNeverThrows(byte[] input) {
        int status = CellCodec.checkCell(input, 0, input.length);
        if (input.length != Cell.SIZE) {
            assertEquals(CellCodec.WRONG_SIZE, status);
            return;
        }
        assertEquals(CellCodec.OK, status);
        cell.wrap(input, 0);
        assertEquals(Bytes.getInt(input, 0), cell.circuitId());
        int command = cell.command();
        assertTrue(command >= 0 && command < 256);
        CellCommand.name(command);
        int relayStatus = CellCodec.checkRelayHeader(input, 0);
        int length = CellCodec.relayDataLength(input, 0);
        assertEquals(length > RelayCell.MAX_DATA ? CellCodec.BAD_LENGTH : CellCodec.OK, relayStatus);
        CellCodec.relayCommand(input, 0);
        CellCodec.relayStreamId(input, 0);
    }
}
