package org.herd.sim.trace;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TraceFormatTest {

    @TempDir
    Path dir;

    @Test
    void roundTripAndLayoutIsLittleEndianSixteenBytes() throws IOException {
        Path p = dir.resolve("t.bin");
        try (TraceWriter w = new TraceWriter(p, 1_280_620_800L, 10)) {
            w.write(0, 65, 3, 4);
            w.write(0xFFFF_FFF0L, 0xFFFF_FFFFL, 9, 0);
        }
        byte[] b = Files.readAllBytes(p);
        assertEquals(32 + 2 * 16, b.length);
        ByteBuffer bb = ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN);
        assertEquals('H', b[0]);
        assertEquals(1, bb.getInt(8));
        assertEquals(10, bb.getInt(12));
        assertEquals(1_280_620_800L, bb.getLong(16));
        assertEquals(2, bb.getLong(24));
        assertEquals(65, bb.getInt(36));
        assertEquals(3, bb.getInt(40));
        try (TraceReader r = new TraceReader(p)) {
            assertEquals(2, r.calls());
            assertEquals(10, r.users());
            assertTrue(r.next());
            assertEquals(0, r.start());
            assertEquals(65, r.duration());
            assertEquals(3, r.caller());
            assertEquals(4, r.callee());
            assertTrue(r.next());
            assertEquals(0xFFFF_FFF0L, r.start(), "unsigned start");
            assertEquals(0xFFFF_FFFFL, r.duration(), "unsigned duration");
            assertFalse(r.next());
        }
    }

    @Test
    void writerRejectsOutOfOrderStarts() throws IOException {
        try (TraceWriter w = new TraceWriter(dir.resolve("t.bin"), 0, 4)) {
            w.write(10, 1, 0, 1);
            assertThrows(IllegalArgumentException.class, () -> w.write(9, 1, 0, 1));
        }
    }

    @Test
    void malformedRecordsAreSkippedAndCounted() throws IOException {
        Path p = dir.resolve("t.bin");
        try (TraceWriter w = new TraceWriter(p, 0, 4)) {
            w.write(1, 1, 0, 1);
            w.write(2, 1, 2, 2);   // caller = callee
            w.write(3, 1, 0, 7);   // id out of range
            w.write(4, 1, 3, 0);
        }
        try (TraceReader r = new TraceReader(p)) {
            int ok = 0;
            while (r.next()) {
                ok++;
            }
            assertEquals(2, ok);
            assertEquals(2, r.badRecords());
            assertEquals(1, r.firstBadRecord());
        }
    }

    @Test
    void badMagicAndShortFilesAreTypedErrors() throws IOException {
        Path p = dir.resolve("x.bin");
        Files.writeString(p, "start,duration,caller,callee\n1,2,a,b\n");
        TraceFormatException e = assertThrows(TraceFormatException.class, () -> new TraceReader(p));
        assertTrue(e.getMessage().contains("bad magic"));
        Files.write(p, new byte[] {'H', 'E'});
        assertThrows(TraceFormatException.class, () -> new TraceReader(p));
    }

    @Test
    void readsAcrossBufferRefills() throws IOException {
        Path p = dir.resolve("big.bin");
        int n = 1_500_000; // 24 MB, more than one 16 MB read buffer
        try (TraceWriter w = new TraceWriter(p, 0, n + 1)) {
            for (int i = 0; i < n; i++) {
                w.write(i, i & 1023, i, i + 1);
            }
        }
        try (TraceReader r = new TraceReader(p)) {
            long i = 0;
            while (r.next()) {
                assertEquals(i, r.start());
                assertEquals((int) i, r.caller());
                i++;
            }
            assertEquals(n, i);
        }
    }
}
