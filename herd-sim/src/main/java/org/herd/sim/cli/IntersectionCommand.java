package org.herd.sim.cli;

import java.io.IOException;
import java.nio.file.Path;
import org.herd.sim.attack.IntersectionAttack;
import org.herd.sim.report.Charts;
import org.herd.sim.report.Json;
import org.herd.sim.report.Table;
import org.herd.sim.trace.TraceReader;
import org.knowm.xchart.XYChart;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code herd sim attack intersection}: the §4.1.4 intersection attack (paper: 98.3 % in a month). */
@Command(name = "intersection", mixinStandardHelpOptions = true,
        description = "Intersection attack on call start/end seconds without chaff (§4.1.4).")
final class IntersectionCommand extends SimSubcommand {

    @Option(names = "--trace", required = true, paramLabel = "FILE", description = "Binary trace.")
    Path trace;

    @Option(names = "--days", paramLabel = "N",
            description = "Observation period: the first N days of the trace (default: all of it).")
    Integer days;

    @Override
    String csvName() {
        return "intersection";
    }

    /** Runs the attack over the configured period (shared with the anonymity command). */
    static IntersectionAttack attack(Path trace, Integer days, SimSubcommand cmd) throws IOException {
        try (TraceReader r = new TraceReader(trace)) {
            long calls = r.calls();
            IntersectionAttack a = new IntersectionAttack((int) Math.min(1 << 27, Math.max(1024, calls / 5)));
            long period = days == null ? Long.MAX_VALUE : days * 86_400L;
            a.run(r, period, cmd.progress("intersection", calls));
            if (r.badRecords() > 0) {
                cmd.err().println(trace + ": " + r.badRecords() + " malformed records skipped (first at record "
                        + r.firstBadRecord() + ")");
            }
            return a;
        }
    }

    @Override
    Json run() throws IOException {
        IntersectionAttack a = attack(trace, days, this);
        Table t = new Table("days_observed", "calls", "traced_fraction");
        for (int d = 0; d < a.days(); d++) {
            t.row(d + 1, "", a.tracedFractionAfterDay(d));
        }
        t.row("total", a.calls(), a.tracedFraction());
        emit("herd sim attack intersection: fraction of calls traced (1 s granularity, no chaff)", t, null);
        out().printf("traced %d of %d calls (%.2f %%) among %d pairs; paper: 98.3 %% after one month%n",
                a.tracedCalls(), a.calls(), 100 * a.tracedFraction(), a.pairs());
        if (output.plot != null && a.days() > 0) {
            double[] x = new double[a.days()];
            double[] y = new double[a.days()];
            for (int d = 0; d < a.days(); d++) {
                x[d] = d + 1;
                y[d] = 100 * a.tracedFractionAfterDay(d);
            }
            XYChart c = Charts.xy("Intersection attack without chaff (1 s granularity)", "days observed",
                    "% of calls traced");
            c.addSeries("generated trace", x, y);
            c.addSeries("paper, one month: 98.3 %", new double[] {1, Math.max(2, a.days())},
                    new double[] {98.3, 98.3}).setMarker(org.knowm.xchart.style.markers.SeriesMarkers.NONE);
            c.getStyler().setLegendPosition(org.knowm.xchart.style.Styler.LegendPosition.InsideSE);
            Charts.save(c, output.plot, "attack-intersection");
        }
        return summary(a.calls()).put("traced_fraction", a.tracedFraction()).put("traced_calls", a.tracedCalls())
                .put("pairs", a.pairs()).put("days", a.days());
    }
}
