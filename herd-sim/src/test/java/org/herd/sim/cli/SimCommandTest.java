package org.herd.sim.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.herd.sim.TestTraces;
import org.herd.sim.trace.TraceReader;
import org.herd.sim.trace.TraceWriter;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class SimCommandTest {

    @TempDir
    Path dir;

    private record Run(int code, String out, String err) {
        String lastLine() {
            String[] lines = out.strip().split("\n");
            return lines[lines.length - 1];
        }

        double number(String field) {
            Matcher m = Pattern.compile("\"" + field + "\":(-?[0-9.Ee+-]+)").matcher(lastLine());
            assertTrue(m.find(), field + " missing in " + lastLine());
            return Double.parseDouble(m.group(1));
        }
    }

    private static Run run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cl = new CommandLine(new SimCommand());
        cl.setOut(new PrintWriter(out, true));
        cl.setErr(new PrintWriter(err, true));
        int code = cl.execute(args);
        return new Run(code, out.toString(), err.toString());
    }

    private static void assertCommonJson(Run r, long calls) {
        assertTrue(r.lastLine().startsWith("{") && r.lastLine().endsWith("}"), r.lastLine());
        assertEquals(calls, r.number("calls"));
        assertTrue(calls == 0 ? r.number("calls_per_second") == 0 : r.number("calls_per_second") > 0);
        assertTrue(r.number("peak_heap_mb") > 0);
    }

    @Test
    void attackIntersectionJsonOnTheThreeOfFiveTrace() throws IOException {
        Path trace = TestTraces.threeOfFiveTraced(dir);
        Path csv = dir.resolve("att.csv");
        Run r = run("attack", "intersection", "--trace", trace.toString(), "--json", "--csv", csv.toString(),
                "--plot", dir.resolve("plots").toString(), "--no-progress");
        assertEquals(0, r.code(), r.err());
        assertCommonJson(r, 5);
        assertEquals(0.6, r.number("traced_fraction"), 1e-12);
        assertTrue(r.out().contains("traced_fraction"), "table printed");
        assertTrue(Files.readString(csv).contains("total,5,0.6000"));
        assertTrue(Files.size(dir.resolve("plots/attack-intersection.png")) > 1000);
    }

    @Test
    void superpeersJsonWhereBlockingMustHappen() throws IOException {
        Path trace = dir.resolve("sp.bin");
        try (TraceWriter w = new TraceWriter(trace, 0, 4)) {
            w.write(0, 100, 0, 1);
            w.write(10, 50, 2, 3);
            w.write(100, 30, 2, 3);
        }
        Run r = run("superpeers", "--trace", trace.toString(), "--sps-per-mix", "1", "--clients-per-sp", "4",
                "--channels-per-client", "2", "--clients-per-channel", "4", "--json",
                "--csv", dir.resolve("sp.csv").toString(), "--plot", dir.resolve("plots").toString(), "--no-progress");
        assertEquals(0, r.code(), r.err());
        assertCommonJson(r, 3);
        assertEquals(1.0 / 3, r.number("blocking_rate"), 1e-9);
        assertEquals(0.5, r.number("mix_savings"), 1e-12);
        assertTrue(Files.size(dir.resolve("plots/superpeers-blocking.png")) > 1000);
    }

    @Test
    void generateThenConvertRoundTrip() throws IOException {
        Path bin = dir.resolve("g.bin");
        Run g = run("generate", "--users", "3000", "--days", "2", "--seed", "5", "--out", bin.toString(), "--json",
                "--csv", dir.resolve("g.csv").toString(), "--plot", dir.resolve("plots").toString(), "--no-progress");
        assertEquals(0, g.code(), g.err());
        long expected = Math.round(3000 * 370e6 / 10.8e6 / 31) * 2;
        assertCommonJson(g, expected);
        assertTrue(Files.size(dir.resolve("plots/generate-duty-cycle.png")) > 1000);
        Path csv = dir.resolve("g.trace.csv");
        Run c1 = run("convert", "--in", bin.toString(), "--out", csv.toString(), "--json",
                "--csv", dir.resolve("c1.csv").toString());
        assertEquals(0, c1.code(), c1.err());
        assertEquals(expected, c1.number("calls"));
        Path back = dir.resolve("back.bin");
        Files.writeString(csv, Files.readString(csv) + "1280620800,oops,u1,u2\n");
        Run c2 = run("convert", "--in", csv.toString(), "--out", back.toString(), "--json",
                "--csv", dir.resolve("c2.csv").toString());
        assertEquals(0, c2.code(), c2.err());
        assertEquals(expected, c2.number("calls"));
        assertEquals(1, c2.number("bad_rows"));
        assertTrue(c2.err().contains("line " + (expected + 2) + ":"), c2.err());
        try (TraceReader a = new TraceReader(bin); TraceReader b = new TraceReader(back)) {
            assertEquals(a.calls(), b.calls());
            while (a.next()) {
                assertTrue(b.next());
                assertEquals(a.epoch() + a.start(), b.epoch() + b.start());
                assertEquals(a.duration(), b.duration());
            }
        }
    }

    @Test
    void anonymityJsonOnTheThreeOfFiveTrace() throws IOException {
        Path trace = TestTraces.threeOfFiveTraced(dir);
        Run r = run("anonymity", "--trace", trace.toString(), "--json", "--csv", dir.resolve("an.csv").toString(),
                "--plot", dir.resolve("plots").toString(), "--no-progress");
        assertEquals(0, r.code(), r.err());
        assertCommonJson(r, 5);
        assertEquals(1, r.number("tor_median"), "3 of 5 calls traced: median set is 1");
        assertEquals(1, r.number("drac_h1_median"), "every user has one partner");
        assertEquals(8, r.number("herd"), "all 8 users of the zone");
        assertEquals(24, r.number("herd_bandwidth_kBps"));
        assertTrue(Files.size(dir.resolve("plots/anonymity-figure4.png")) > 1000);
        assertTrue(Files.size(dir.resolve("plots/anonymity-figure5.png")) > 1000);
    }

    @Test
    void costJsonWithAPriceFile() throws IOException {
        Path prices = dir.resolve("p.properties");
        Files.writeString(prices, "egress_internet_usd_per_gb=0\ninterzone_usd_per_gb=0\ninstance_usd_per_hour=1\n"
                + "instance_cores=1\nsp_clients_per_core=1000\ndirect_clients_per_core=100\n");
        Run r = run("cost", "--users", "1000", "--prices", prices.toString(), "--duty", "0.02", "--interzone", "1",
                "--json", "--csv", dir.resolve("cost.csv").toString(), "--plot", dir.resolve("plots").toString());
        assertEquals(0, r.code(), r.err());
        assertCommonJson(r, 0);
        // Only instances cost: 1 (SP) or 10 (direct) instances at $1/h for 730.5 h, over 1000 users.
        assertEquals(0.7305, r.number("usd_per_user_month_sp_min"), 1e-9);
        assertEquals(7.305, r.number("usd_per_user_month_direct_max"), 1e-9);
        assertTrue(Files.size(dir.resolve("plots/cost.png")) > 1000);
    }

    @Test
    void anonymityWithAGraphFileReportsBadLines() throws IOException {
        Path trace = TestTraces.threeOfFiveTraced(dir);
        Path graph = dir.resolve("g.csv");
        // Degrees 2, 2, 3, 1 (users 4..7 not in the graph): median 2, largest 3.
        Files.writeString(graph, "# social graph\n0,1\n0,2\nu1,u2\n2 3\n2,2\n9,1\n");
        Run r = run("anonymity", "--trace", trace.toString(), "--graph", graph.toString(), "--json",
                "--csv", dir.resolve("an.csv").toString(), "--no-progress");
        assertEquals(0, r.code(), r.err());
        assertEquals(2, r.number("median_degree"));
        assertEquals(8, r.number("drac_h3_median"), "2 x 2^2");
        assertTrue(r.err().contains("g.csv: line 6:") && r.err().contains("g.csv: line 7:"), r.err());
    }

    @Test
    void malformedBinaryRecordsAreReportedNotSilentlyDropped() throws IOException {
        Path trace = dir.resolve("bad.bin");
        try (TraceWriter w = new TraceWriter(trace, 0, 4)) {
            w.write(0, 10, 0, 1);
            w.write(1, 10, 2, 2);   // caller = callee: malformed
            w.write(2, 10, 2, 3);
        }
        for (String[] args : new String[][] {
                {"attack", "intersection", "--trace", trace.toString()},
                {"superpeers", "--trace", trace.toString(), "--sps-per-mix", "1", "--clients-per-sp", "4",
                        "--channels-per-client", "1", "--clients-per-channel", "1"},
                {"cost", "--trace", trace.toString()}}) {
            String[] full = java.util.Arrays.copyOf(args, args.length + 4);
            full[args.length] = "--json";
            full[args.length + 1] = "--no-progress";
            full[args.length + 2] = "--csv";
            full[args.length + 3] = dir.resolve(args[0] + ".csv").toString();
            Run r = run(full);
            assertEquals(0, r.code(), r.err());
            assertEquals(2, r.number("calls"), args[0]);
            assertTrue(r.err().contains("1 malformed records skipped (first at record 1)"), args[0] + ": " + r.err());
        }
    }
}
