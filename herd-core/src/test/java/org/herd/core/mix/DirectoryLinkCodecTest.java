package org.herd.core.mix;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import java.util.Random;
import org.herd.core.wire.Bytes;
import org.herd.core.wire.Cell;
import org.herd.core.wire.MalformedMessageException;
import org.junit.jupiter.api.Test;

class DirectoryLinkCodecTest {

    private static byte[] randomBytes(long seed, int n) {
        System.out.println("seed = " + seed);
        byte[] b = new byte[n];
        new Random(seed).nextBytes(b);
        return b;
    }

    @Test
    void messagesOfEveryFragmentCountRoundTrip() throws Exception {
        DirectoryLinkCodec.Assembler a = new DirectoryLinkCodec.Assembler();
        int max = DirectoryLinkCodec.MAX_FRAGMENTS * DirectoryLinkCodec.FRAGMENT_DATA - 9;
        for (int len : new int[] {0, 1, DirectoryLinkCodec.FRAGMENT_DATA - 9, DirectoryLinkCodec.FRAGMENT_DATA - 8, 700, max}) {
            byte[] body = randomBytes(len, len);
            byte[] message = DirectoryLinkCodec.message(DirectoryLinkCodec.LOOKUP, 0x0102030405060708L + len, body);
            List<byte[]> cells = DirectoryLinkCodec.cells(len, message);
            assertEquals(Math.max(1, (message.length + DirectoryLinkCodec.FRAGMENT_DATA - 1) / DirectoryLinkCodec.FRAGMENT_DATA),
                    cells.size());
            byte[] out = null;
            for (int i = 0; i < cells.size(); i++) {
                assertEquals(Cell.SIZE, cells.get(i).length);
                assertEquals(0, Bytes.getInt(cells.get(i), 0), "circuit id 0: the link itself");
                out = a.accept(cells.get(i), 0);
                if (i < cells.size() - 1) {
                    assertNull(out);
                }
            }
            DirectoryLinkCodec.Message m = DirectoryLinkCodec.parse(out);
            assertEquals(DirectoryLinkCodec.LOOKUP, m.type());
            assertEquals(0x0102030405060708L + len, m.requestId());
            assertArrayEquals(body, m.body());
        }
        assertEquals(0, a.malformed());
        assertThrows(IllegalArgumentException.class, () -> DirectoryLinkCodec.cells(1, new byte[max + 10]));
        assertThrows(MalformedMessageException.class, () -> DirectoryLinkCodec.parse(new byte[8]));
    }

    @Test
    void malformedAndOutOfSequenceCellsAreCountedAndTheNextMessageStillArrives() {
        byte[] message = DirectoryLinkCodec.message(DirectoryLinkCodec.REGISTER, 7, randomBytes(42, 600));
        List<byte[]> cells = DirectoryLinkCodec.cells(9, message);
        DirectoryLinkCodec.Assembler a = new DirectoryLinkCodec.Assembler();
        byte[] wrongCommand = cells.get(0).clone();
        wrongCommand[Cell.COMMAND_OFFSET] = 3;
        byte[] onCircuit = cells.get(0).clone();
        Bytes.putInt(onCircuit, 0, 5);
        byte[] tooLong = cells.get(0).clone();
        Bytes.putShort(tooLong, 5, DirectoryLinkCodec.FRAGMENT_DATA + 1);
        byte[] noCount = cells.get(0).clone();
        noCount[10] = 0;
        byte[] indexPastCount = cells.get(0).clone();
        indexPastCount[9] = 5;
        for (byte[] bad : List.of(wrongCommand, onCircuit, tooLong, noCount, indexPastCount)) {
            assertNull(a.accept(bad, 0));
        }
        assertEquals(5, a.malformed());
        // A fragment skipped: the partial message is discarded, not spliced with the wrong bytes.
        assertNull(a.accept(cells.get(0), 0));
        assertNull(a.accept(cells.get(2), 0));
        assertEquals(6, a.malformed());
        // A message cut short by the start of the next one is counted too; the next one arrives whole.
        assertNull(a.accept(cells.get(0), 0));
        byte[] out = null;
        for (byte[] c : cells) {
            out = a.accept(c, 0);
        }
        assertEquals(7, a.malformed());
        assertArrayEquals(message, out);
    }
}
