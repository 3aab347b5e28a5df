package org.herd.sim.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ReportTest {

    @Test
    void progressBarShowsPercentRateAndEta() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        Progress p = new Progress("calls", 2_000_000, new PrintStream(bytes, true, StandardCharsets.UTF_8), true);
        p.finish(2_000_000);
        String s = bytes.toString(StandardCharsets.UTF_8);
        assertTrue(s.contains("100.0%"), s);
        assertTrue(s.contains("2.0M/2.0M"), s);
        assertTrue(s.contains("/s"), s);
        assertTrue(s.contains("done in 0:00:0"), s);
        ByteArrayOutputStream none = new ByteArrayOutputStream();
        new Progress("calls", 10, new PrintStream(none), false).finish(10);
        assertEquals(0, none.size(), "disabled bar prints nothing");
    }

    @Test
    void tablePrintsAlignedAndWritesQuotedCsv(@TempDir Path dir) throws IOException {
        Table t = new Table("name", "value").row("a,b", 0.5).row("c", 3.0);
        StringWriter w = new StringWriter();
        t.print(new PrintWriter(w));
        assertTrue(w.toString().contains("a,b   0.5000"), w.toString());
        Path csv = dir.resolve("x/t.csv");
        t.writeCsv(csv);
        assertEquals(List.of("name,value", "\"a,b\",0.5000", "c,3"), Files.readAllLines(csv));
    }

    @Test
    void jsonIsOneLineWithEscapes() {
        String j = new Json().put("calls", 5L).put("f", 0.25).put("s", "a\"b").put("l", List.of(1, 2))
                .put("o", new Json().put("x", Double.NaN)).toString();
        assertEquals("{\"calls\":5,\"f\":0.25,\"s\":\"a\\\"b\",\"l\":[1,2],\"o\":{\"x\":null}}", j);
    }
}
