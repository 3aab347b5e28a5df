package org.herd.sim.cli;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.herd.sim.report.Json;
import org.herd.sim.report.Table;
import org.herd.sim.trace.CsvTrace;
import org.herd.sim.trace.TraceFormat;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code herd sim convert}: CSV to binary or binary to CSV (direction from the input's magic). */
@Command(name = "convert", mixinStandardHelpOptions = true,
        description = "Convert a trace between the CSV and the binary forms (bad CSV rows are reported and skipped).")
final class ConvertCommand extends SimSubcommand {

    @Option(names = "--in", required = true, paramLabel = "FILE", description = "Input trace (CSV or binary).")
    Path in;

    @Option(names = "--out", required = true, paramLabel = "FILE", description = "Output trace (the other form).")
    Path outFile;

    @Override
    String csvName() {
        return "convert";
    }

    @Override
    Json run() throws IOException {
        byte[] head = new byte[8];
        int n;
        try (InputStream s = Files.newInputStream(in)) {
            n = s.readNBytes(head, 0, 8);
        }
        boolean binary = n == 8 && Arrays.equals(head, TraceFormat.MAGIC);
        Table t = new Table("input", "output", "direction", "calls", "bad_rows", "users");
        Json j;
        if (binary) {
            long calls = CsvTrace.toCsv(in, outFile);
            t.row(in, outFile, "binary->csv", calls, 0, "");
            j = summary(calls).put("bad_rows", 0);
        } else {
            PrintStream errStream = new PrintStream(new WriterOutputStream(err()), true);
            CsvTrace.Result r = CsvTrace.toBinary(in, outFile, errStream);
            errStream.flush();
            t.row(in, outFile, "csv->binary", r.calls(), r.badRows(), r.users());
            j = summary(r.calls()).put("bad_rows", r.badRows()).put("users", r.users());
        }
        emit("herd sim convert", t, null);
        return j;
    }

    /** Bridges picocli's error writer to the PrintStream the converter reports on. */
    private static final class WriterOutputStream extends java.io.OutputStream {
        private final java.io.PrintWriter w;
        private final java.io.ByteArrayOutputStream line = new java.io.ByteArrayOutputStream();

        WriterOutputStream(java.io.PrintWriter w) {
            this.w = w;
        }

        @Override
        public void write(int b) {
            line.write(b);
            if (b == '\n') {
                flush();
            }
        }

        @Override
        public void flush() {
            w.print(line.toString(java.nio.charset.StandardCharsets.UTF_8));
            w.flush();
            line.reset();
        }
    }
}
