package org.herd.sim.trace;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CsvTraceTest {

    @TempDir
    Path dir;

    @Test
    void badRowsAreReportedWithLineNumbersAndSkipped() throws IOException {
        Path csv = dir.resolve("in.csv");
        Files.writeString(csv, String.join("\n",
                "start,duration,caller,callee",               // 1 header
                "# comment",                                  // 2
                "1280620900,60,a1f3,b2e4",                    // 3 ok
                "1280620800,12.6,b2e4,c9d0",                  // 4 ok, earlier: sorted first, 13 s
                "2010-08-01T00:01:00Z,5,c9d0,a1f3",           // 5 ok, ISO start = 1280620860
                "1280620950,-3,a1f3,b2e4",                    // 6 negative duration
                "1280620950,3,a1f3",                          // 7 three fields
                "notatime,3,a1f3,b2e4",                       // 8 bad start
                "1280620950,3,a1f3,a1f3",                     // 9 self call
                "",                                           // 10 blank
                "1280620960,4,,b2e4") + "\n");               // 11 empty caller
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        Path bin = dir.resolve("out.bin");
        CsvTrace.Result r = CsvTrace.toBinary(csv, bin, new PrintStream(err, true, StandardCharsets.UTF_8));
        String report = err.toString(StandardCharsets.UTF_8);
        assertEquals(3, r.calls());
        assertEquals(5, r.badRows());
        assertEquals(3, r.users());
        for (int line : new int[] {6, 7, 8, 9, 11}) {
            assertTrue(report.contains("line " + line + ":"), "line " + line + " reported in:\n" + report);
        }
        assertEquals(5, report.lines().count());
        try (TraceReader t = new TraceReader(bin)) {
            assertEquals(1_280_620_800L, t.epoch());
            long[] starts = new long[3];
            long[] durs = new long[3];
            int i = 0;
            while (t.next()) {
                starts[i] = t.start();
                durs[i++] = t.duration();
            }
            assertEquals(0, starts[0]);
            assertEquals(13, durs[0]);
            assertEquals(60, starts[1]);
            assertEquals(100, starts[2]);
        }
    }

    @Test
    void csvBinaryCsvRoundTripPreservesCalls() throws IOException {
        Path bin = dir.resolve("a.bin");
        try (TraceWriter w = new TraceWriter(bin, 1000, 4)) {
            w.write(0, 10, 0, 1);
            w.write(5, 20, 2, 3);
            w.write(5, 1, 1, 0);
        }
        Path csv = dir.resolve("a.csv");
        assertEquals(3, CsvTrace.toCsv(bin, csv));
        assertEquals("start,duration,caller,callee", Files.readAllLines(csv).get(0));
        assertEquals("1005,20,u2,u3", Files.readAllLines(csv).get(2));
        Path bin2 = dir.resolve("b.bin");
        CsvTrace.Result r = CsvTrace.toBinary(csv, bin2, new PrintStream(new ByteArrayOutputStream()));
        assertEquals(0, r.badRows());
        Path csv2 = dir.resolve("b.csv");
        CsvTrace.toCsv(bin2, csv2);
        // Ids were first-appearance ordered already, so the second CSV is identical.
        assertEquals(Files.readString(csv), Files.readString(csv2));
    }
}
