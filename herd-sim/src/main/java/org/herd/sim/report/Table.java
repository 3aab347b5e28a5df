package org.herd.sim.report;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** A small table printed with aligned columns and written as CSV (same header, same rows). */
public final class Table {

    private final String[] header;
    private final List<String[]> rows = new ArrayList<>();

    /** A table with these column names. */
    public Table(String... header) {
        this.header = header.clone();
    }

    /** Appends a row; numbers are formatted compactly. */
    public Table row(Object... cells) {
        if (cells.length != header.length) {
            throw new IllegalArgumentException("row has " + cells.length + " cells, header " + header.length);
        }
        String[] r = new String[cells.length];
        for (int i = 0; i < cells.length; i++) {
            r[i] = format(cells[i]);
        }
        rows.add(r);
        return this;
    }

    /** Rows so far. */
    public int size() {
        return rows.size();
    }

    static String format(Object o) {
        if (o instanceof Double || o instanceof Float) {
            double d = ((Number) o).doubleValue();
            if (d == Math.rint(d) && Math.abs(d) < 1e15) {
                return Long.toString((long) d);
            }
            return String.format(java.util.Locale.ROOT, Math.abs(d) >= 0.01 || d == 0 ? "%.4f" : "%.3e", d);
        }
        return String.valueOf(o);
    }

    /** Prints the table with aligned columns. */
    public void print(PrintWriter out) {
        int[] w = new int[header.length];
        for (int i = 0; i < header.length; i++) {
            w[i] = header[i].length();
        }
        for (String[] r : rows) {
            for (int i = 0; i < r.length; i++) {
                w[i] = Math.max(w[i], r[i].length());
            }
        }
        StringBuilder sb = new StringBuilder();
        line(sb, header, w);
        for (int i = 0; i < w.length; i++) {
            sb.append("-".repeat(w[i])).append(i + 1 < w.length ? "  " : "\n");
        }
        for (String[] r : rows) {
            line(sb, r, w);
        }
        out.print(sb);
        out.flush();
    }

    private static void line(StringBuilder sb, String[] cells, int[] w) {
        for (int i = 0; i < cells.length; i++) {
            sb.append(cells[i]);
            if (i + 1 < cells.length) {
                sb.append(" ".repeat(w[i] - cells[i].length() + 2));
            }
        }
        sb.append('\n');
    }

    /** Writes the table as CSV (RFC 4180 quoting where needed). */
    public void writeCsv(Path path) throws IOException {
        Path parent = path.toAbsolutePath().getParent();
        if (parent != null) {
            Files.createDirectories(parent);
        }
        StringBuilder sb = new StringBuilder();
        csvLine(sb, header);
        for (String[] r : rows) {
            csvLine(sb, r);
        }
        Files.writeString(path, sb, StandardCharsets.UTF_8);
    }

    private static void csvLine(StringBuilder sb, String[] cells) {
        for (int i = 0; i < cells.length; i++) {
            String c = cells[i];
            if (c.contains(",") || c.contains("\"") || c.contains("\n")) {
                c = "\"" + c.replace("\"", "\"\"") + "\"";
            }
            sb.append(c).append(i + 1 < cells.length ? "," : "\n");
        }
    }
}
