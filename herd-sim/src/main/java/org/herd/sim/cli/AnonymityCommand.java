package org.herd.sim.cli;

import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.herd.sim.anonymity.AnonymityModel;
import org.herd.sim.attack.IntersectionAttack;
import org.herd.sim.report.Charts;
import org.herd.sim.report.Json;
import org.herd.sim.report.Table;
import org.knowm.xchart.CategoryChart;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.style.markers.SeriesMarkers;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code herd sim anonymity}: Figures 4 and 5 of the paper for a trace (and optionally a graph). */
@Command(name = "anonymity", mixinStandardHelpOptions = true,
        description = "Anonymity-set sizes (Tor, Drac H=1..3, Herd) and client bandwidth (Drac, Herd): Figures 4, 5.")
final class AnonymityCommand extends SimSubcommand {

    private static final double[] QUANTILES = {0.1, 0.5, 0.9};

    @Option(names = "--trace", required = true, paramLabel = "FILE", description = "Binary trace.")
    Path trace;

    @Option(names = "--days", paramLabel = "N", description = "Observe the first N days (default: all).")
    Integer days;

    @Option(names = "--graph", paramLabel = "FILE",
            description = "Social graph for Drac instead of the trace's call graph: lines 'a,b' of user ids "
                    + "(integers in [0, users), or u<id> as written by convert), one line per undirected edge.")
    Path graph;

    @Option(names = "--zones", defaultValue = "1", description = "Herd zones sharing the users. Default ${DEFAULT-VALUE}.")
    int zones;

    @Option(names = "--channels-per-client", defaultValue = "3", description = "Herd k. Default ${DEFAULT-VALUE}.")
    int k;

    @Option(names = "--rate-kBps", defaultValue = "8",
            description = "Rate of one chaffed connection, KB/s (paper: G.711, 8). Default ${DEFAULT-VALUE}.")
    double rate;

    @Override
    String csvName() {
        return "anonymity";
    }

    @Override
    Json run() throws IOException {
        IntersectionAttack a = IntersectionCommand.attack(trace, days, this);
        int users;
        try (var r = new org.herd.sim.trace.TraceReader(trace)) {
            users = r.users();
        }
        int[] degrees = graph != null ? graphDegrees(graph, users) : a.degrees(users);
        AnonymityModel m = new AnonymityModel(degrees, users / zones);
        long[] tor = a.anonymitySetHistogram(1 << 16);
        double herd = (double) users / zones;

        double[] torQ = new double[QUANTILES.length];
        for (int q = 0; q < QUANTILES.length; q++) {
            torQ[q] = AnonymityModel.percentile(tor, QUANTILES[q]);
        }
        Table t = new Table("system", "graph", "hops", "p10", "median", "p90");
        t.row("Tor", "trace", "", torQ[0], torQ[1], torQ[2]);
        String g = graph != null ? graph.getFileName().toString() : "trace call graph";
        for (int h = 1; h <= 3; h++) {
            t.row("Drac", g, h, m.drac(h, 0.1), m.drac(h, 0.5), m.drac(h, 0.9));
        }
        t.row("Herd", "zone", "", herd, herd, herd);
        emit("herd sim anonymity: anonymity-set sizes (Figure 4); paper, mobile: Drac H=1 median 12, "
                + "H=3 1728; Herd 10.8 M", t, null);

        Table b = new Table("system", "p10_kBps", "median_kBps", "p90_kBps", "max_kBps");
        b.row("Drac", m.dracBandwidth(0.1, rate), m.dracBandwidth(0.5, rate), m.dracBandwidth(0.9, rate),
                m.maxDegree() * rate);
        b.row("Herd (k channels via SPs)", k * rate, k * rate, k * rate, k * rate);
        b.row("Herd (direct to mix)", rate, rate, rate, rate);
        emit("client bandwidth (Figure 5); paper, mobile: Drac median 96 KB/s, max 12 MB/s; Herd 24 KB/s", b,
                "bandwidth");
        if (output.plot != null) {
            plot(torQ, herd, m);
        }
        return summary(a.calls()).put("nodes", m.nodes()).put("median_degree", m.medianDegree())
                .put("tor_median", AnonymityModel.percentile(tor, 0.5)).put("drac_h1_median", m.drac(1, 0.5))
                .put("drac_h3_median", m.drac(3, 0.5)).put("herd", herd)
                .put("drac_bandwidth_median_kBps", m.dracBandwidth(0.5, rate))
                .put("herd_bandwidth_kBps", k * rate);
    }

    private void plot(double[] torQ, double herd, AnonymityModel m) throws IOException {
        CategoryChart c = Charts.bars("Anonymity-set size (Figure 4)", "", "users (log scale)");
        c.getStyler().setYAxisLogarithmic(true);
        c.getStyler().setYAxisMin(0.5);
        c.getStyler().setLegendPosition(org.knowm.xchart.style.Styler.LegendPosition.InsideNW);
        List<String> cats = List.of("Tor", "Drac H=1", "Drac H=2", "Drac H=3", "Herd");
        String[] names = {"10th percentile", "median", "90th percentile"};
        for (int q = 0; q < QUANTILES.length; q++) {
            List<Double> ys = new ArrayList<>();
            ys.add(Math.max(1, torQ[q]));
            for (int h = 1; h <= 3; h++) {
                ys.add(Math.max(1, m.drac(h, QUANTILES[q])));
            }
            ys.add(herd);
            c.addSeries(names[q], cats, ys);
        }
        Charts.save(c, output.plot, "anonymity-figure4");

        XYChart f = Charts.xy("Client bandwidth (Figure 5)", "KB/s (log scale)", "CDF of clients");
        f.getStyler().setXAxisLogarithmic(true);
        f.getStyler().setYAxisDecimalPattern("0.0");
        f.getStyler().setYAxisMin(0.0);
        f.getStyler().setYAxisMax(1.0);
        f.getStyler().setLegendPosition(org.knowm.xchart.style.Styler.LegendPosition.InsideSE);
        int[] d = m.sortedDegrees();
        int points = Math.min(d.length, 400);
        double[] x = new double[points];
        double[] y = new double[points];
        for (int i = 0; i < points; i++) {
            int idx = (int) ((long) (i + 1) * d.length / points) - 1;
            x[i] = d[idx] * rate;
            y[i] = (idx + 1.0) / d.length;
        }
        if (points > 0) {
            f.addSeries("Drac (call graph)", x, y).setMarker(SeriesMarkers.NONE);
        }
        f.addSeries("Herd, k=" + k, new double[] {k * rate, k * rate}, new double[] {0, 1}).setMarker(SeriesMarkers.NONE);
        Charts.save(f, output.plot, "anonymity-figure5");
    }

    private int[] graphDegrees(Path file, int users) throws IOException {
        int[] deg = new int[users];
        long line = 0;
        long bad = 0;
        try (BufferedReader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            String s;
            while ((s = r.readLine()) != null) {
                line++;
                s = s.strip();
                if (s.isEmpty() || s.startsWith("#")) {
                    continue;
                }
                String[] f = s.split("[,\\s]+");
                try {
                    int a = id(f[0]);
                    int b = id(f[1]);
                    if (a == b || a < 0 || b < 0 || a >= users || b >= users) {
                        throw new NumberFormatException("id out of range or self edge");
                    }
                    deg[a]++;
                    deg[b]++;
                } catch (RuntimeException e) {
                    if (++bad <= 20) {
                        err().println(file.getFileName() + ": line " + line + ": skipped: " + e.getMessage());
                    }
                }
            }
        }
        return deg;
    }

    private static int id(String token) {
        return Integer.parseInt(token.startsWith("u") ? token.substring(1) : token);
    }
}
