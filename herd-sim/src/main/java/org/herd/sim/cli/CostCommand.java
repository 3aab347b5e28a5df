package org.herd.sim.cli;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.herd.sim.cost.CostModel;
import org.herd.sim.cost.PriceTable;
import org.herd.sim.report.Charts;
import org.herd.sim.report.Json;
import org.herd.sim.report.Table;
import org.herd.sim.trace.TraceReader;
import org.herd.sim.util.LongMinHeap;
import org.knowm.xchart.CategoryChart;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code herd sim cost}: dollars per user and month with and without superpeers (§4.1.6). */
@Command(name = "cost", mixinStandardHelpOptions = true,
        description = "Dollars per user per month with and without superpeers, from traffic volumes and a price table.")
final class CostCommand extends SimSubcommand {

    @Option(names = "--prices", paramLabel = "FILE", description = "Price table (properties); default: built-in.")
    Path prices;

    @Option(names = "--trace", paramLabel = "FILE", description = "Take users and the peak duty cycle from a trace.")
    Path trace;

    @Option(names = "--users", defaultValue = "10800000", description = "Users (without --trace). Default ${DEFAULT-VALUE}.")
    long users;

    @Option(names = "--duty", split = ",", defaultValue = "0.01,0.02",
            description = "Peak duty cycles (paper: 1 % and 2 %). Default ${DEFAULT-VALUE}.")
    double[] duty;

    @Option(names = "--interzone", split = ",", defaultValue = "0.1,0.5,1.0",
            description = "Fractions of inter-zone calls (paper: 10-100 %). Default ${DEFAULT-VALUE}.")
    double[] interzone;

    @Override
    String csvName() {
        return "cost";
    }

    @Override
    Json run() throws IOException {
        PriceTable p = prices != null ? PriceTable.load(prices) : PriceTable.defaults();
        CostModel model = new CostModel(p);
        long calls = 0;
        List<Double> duties = new ArrayList<>();
        for (double d : duty) {
            duties.add(d);
        }
        if (trace != null) {
            long[] peak = peakConcurrency(trace);
            calls = peak[0];
            users = peak[2];
            duties.add(0, 2.0 * peak[1] / users);
        }
        Table t = new Table("peak_duty", "interzone", "superpeers", "egress_gb", "interzone_gb", "mix_instances",
                "egress_usd", "interzone_usd", "instances_usd", "total_usd_per_user_month");
        double minSp = Double.MAX_VALUE;
        double maxSp = 0;
        double minDirect = Double.MAX_VALUE;
        double maxDirect = 0;
        CategoryChart c = Charts.bars("Cost per user and month", "peak duty / inter-zone share", "US$ (log scale)");
        c.getStyler().setYAxisLogarithmic(true);
        c.getStyler().setYAxisMin(0.01);
        List<String> cats = new ArrayList<>();
        List<Double> withSp = new ArrayList<>();
        List<Double> without = new ArrayList<>();
        for (double d : duties) {
            for (double f : interzone) {
                for (boolean sp : new boolean[] {true, false}) {
                    CostModel.Breakdown b = model.perUserMonth(users, d, f, sp);
                    t.row(d, f, sp ? "yes" : "no", b.egressGb(), b.interzoneGb(), b.instances(), b.egressUsd(),
                            b.interzoneUsd(), b.instanceUsd(), b.totalUsd());
                    if (sp) {
                        minSp = Math.min(minSp, b.totalUsd());
                        maxSp = Math.max(maxSp, b.totalUsd());
                        withSp.add(b.totalUsd());
                    } else {
                        minDirect = Math.min(minDirect, b.totalUsd());
                        maxDirect = Math.max(maxDirect, b.totalUsd());
                        without.add(b.totalUsd());
                    }
                }
                cats.add(String.format("%.1f%% / %.0f%%", 100 * d, 100 * f));
            }
        }
        emit(String.format("herd sim cost: %d users, %.0f clients per channel; paper: $0.10-1.14 with SPs, "
                + "$10-100 without", users, p.clientsPerChannel()), t, null);
        out().printf("with superpeers $%.3f-%.3f, without $%.3f-%.3f per user and month%n", minSp, maxSp, minDirect,
                maxDirect);
        if (output.plot != null) {
            c.addSeries("with superpeers", cats, withSp);
            c.addSeries("without superpeers", cats, without);
            c.getStyler().setXAxisLabelRotation(30);
            c.getStyler().setLegendPosition(org.knowm.xchart.style.Styler.LegendPosition.OutsideS);
            Charts.save(c, output.plot, "cost");
        }
        return summary(calls).put("users", users).put("usd_per_user_month_sp_min", minSp)
                .put("usd_per_user_month_sp_max", maxSp).put("usd_per_user_month_direct_min", minDirect)
                .put("usd_per_user_month_direct_max", maxDirect);
    }

    /** {calls, peak concurrent calls, users} of a trace, in one streaming pass. */
    private long[] peakConcurrency(Path file) throws IOException {
        try (TraceReader r = new TraceReader(file)) {
            var progress = progress("cost", r.calls());
            // Calls in progress: ends of the calls started so far, earliest first.
            LongMinHeap ends = new LongMinHeap();
            long peak = 0;
            long n = 0;
            while (r.next()) {
                long s = r.start();
                while (!ends.isEmpty() && ends.peek() <= s) {
                    ends.pop();
                }
                ends.push(r.end());
                peak = Math.max(peak, ends.size());
                if ((++n & 0xFFFF) == 0) {
                    progress.update(r.recordsRead());
                }
            }
            progress.finish(r.recordsRead());
            if (r.badRecords() > 0) {
                err().println(file + ": " + r.badRecords() + " malformed records skipped (first at record "
                        + r.firstBadRecord() + ")");
            }
            return new long[] {n, peak, r.users()};
        }
    }
}
