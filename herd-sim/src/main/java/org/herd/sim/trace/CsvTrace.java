package org.herd.sim.trace;

import java.io.BufferedReader;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;

/**
 * The CSV trace form and its conversion to and from the binary form.
 *
 * <p>CSV: UTF-8 text, one call per line, fields {@code start,duration,caller,callee}.
 * {@code start} is Unix time in integer seconds or an ISO-8601 instant
 * ({@code 2010-08-01T18:04:05Z}); {@code duration} is seconds (a decimal is rounded to the
 * nearest second); {@code caller}/{@code callee} are opaque non-empty tokens (e.g. salted
 * hashes of phone numbers) and must differ. An optional header line starting with
 * {@code start}, blank lines and lines starting with {@code #} are ignored. Rows need not be
 * sorted. A bad row is reported on the error stream with its line number and skipped.
 *
 * <p>Conversion to binary maps tokens to dense ids in order of first appearance and sorts the
 * calls by start time in memory (about 24 bytes per call plus the token map), so it suits
 * traces up to tens of millions of calls; month-scale synthetic traces are generated directly
 * in binary by {@code herd sim generate}.
 */
public final class CsvTrace {

    /** Bad rows printed individually before only counting. */
    public static final int MAX_REPORTED = 20;

    /** Outcome of a CSV to binary conversion. */
    public record Result(long calls, long badRows, int users, long epoch) {
    }

    private CsvTrace() {
    }

    /** Converts {@code csv} to the binary trace {@code bin}, reporting bad rows on {@code err}. */
    public static Result toBinary(Path csv, Path bin, PrintStream err) throws IOException {
        long[] start = new long[1024];
        int[] duration = new int[1024];
        int[] caller = new int[1024];
        int[] callee = new int[1024];
        int n = 0;
        long bad = 0;
        Map<String, Integer> ids = new HashMap<>();
        long lineNo = 0;
        boolean first = true;
        try (BufferedReader r = Files.newBufferedReader(csv, StandardCharsets.UTF_8)) {
            String line;
            while ((line = r.readLine()) != null) {
                lineNo++;
                String t = line.strip();
                if (t.isEmpty() || t.startsWith("#")) {
                    continue;
                }
                if (first) {
                    first = false;
                    if (t.regionMatches(true, 0, "start", 0, 5)) {
                        continue;
                    }
                }
                String[] f = t.split(",", -1);
                String reason = null;
                long s = 0;
                long d = 0;
                if (f.length != 4) {
                    reason = "expected 4 fields (start,duration,caller,callee), found " + f.length;
                } else {
                    String a = f[2].strip();
                    String b = f[3].strip();
                    try {
                        s = parseStart(f[0].strip());
                        double dd = Double.parseDouble(f[1].strip());
                        if (!(dd >= 0) || dd > 0xFFFF_FFFFL || Double.isInfinite(dd)) {
                            reason = "duration must be a non-negative number of seconds: " + f[1].strip();
                        } else {
                            d = Math.round(dd);
                        }
                    } catch (NumberFormatException | DateTimeParseException e) {
                        reason = "unparsable start or duration: " + e.getMessage();
                    }
                    if (reason == null && (a.isEmpty() || b.isEmpty())) {
                        reason = "empty caller or callee";
                    } else if (reason == null && a.equals(b)) {
                        reason = "caller equals callee";
                    }
                    if (reason == null) {
                        if (n == start.length) {
                            int cap = n * 2;
                            start = Arrays.copyOf(start, cap);
                            duration = Arrays.copyOf(duration, cap);
                            caller = Arrays.copyOf(caller, cap);
                            callee = Arrays.copyOf(callee, cap);
                        }
                        start[n] = s;
                        duration[n] = (int) d;
                        caller[n] = ids.computeIfAbsent(a, k -> ids.size());
                        callee[n] = ids.computeIfAbsent(b, k -> ids.size());
                        n++;
                    }
                }
                if (reason != null) {
                    bad++;
                    if (bad <= MAX_REPORTED) {
                        err.println(csv.getFileName() + ": line " + lineNo + ": skipped: " + reason);
                    }
                }
            }
        }
        if (bad > MAX_REPORTED) {
            err.println(csv.getFileName() + ": " + (bad - MAX_REPORTED) + " more bad rows skipped");
        }
        long epoch = Long.MAX_VALUE;
        for (int i = 0; i < n; i++) {
            epoch = Math.min(epoch, start[i]);
        }
        if (n == 0) {
            epoch = 0;
        }
        // Stable sort by start: key = relative start (<= 32 bits) then row index (31 bits).
        long[] keys = new long[n];
        for (int i = 0; i < n; i++) {
            long rel = start[i] - epoch;
            if (rel > 0xFFFF_FFFFL) {
                throw new IOException(csv + ": trace spans more than 2^32 seconds");
            }
            keys[i] = (rel << 31) | i;
        }
        Arrays.sort(keys);
        try (TraceWriter w = new TraceWriter(bin, epoch, ids.size())) {
            for (int j = 0; j < n; j++) {
                int i = (int) (keys[j] & 0x7FFF_FFFFL);
                w.write(keys[j] >>> 31, duration[i] & 0xFFFF_FFFFL, caller[i], callee[i]);
            }
        }
        return new Result(n, bad, ids.size(), epoch);
    }

    /** Writes the binary trace {@code bin} as CSV (ids written as {@code u<id>}); returns calls. */
    public static long toCsv(Path bin, Path csv) throws IOException {
        long n = 0;
        try (TraceReader r = new TraceReader(bin);
             BufferedWriter w = Files.newBufferedWriter(csv, StandardCharsets.UTF_8)) {
            w.write("start,duration,caller,callee\n");
            long epoch = r.epoch();
            StringBuilder sb = new StringBuilder(64);
            while (r.next()) {
                sb.setLength(0);
                sb.append(epoch + r.start()).append(',').append(r.duration())
                        .append(",u").append(r.caller()).append(",u").append(r.callee()).append('\n');
                w.append(sb);
                n++;
            }
        }
        return n;
    }

    private static long parseStart(String s) {
        boolean digits = !s.isEmpty();
        for (int i = 0; i < s.length() && digits; i++) {
            digits = Character.isDigit(s.charAt(i));
        }
        return digits ? Long.parseLong(s) : Instant.parse(s).getEpochSecond();
    }
}
