package org.herd.sim.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.herd.sim.gen.GeneratorParameters;
import org.herd.sim.gen.GeneratorResult;
import org.herd.sim.gen.TraceGenerator;
import org.herd.sim.report.Charts;
import org.herd.sim.report.Json;
import org.herd.sim.report.Table;
import org.herd.sim.trace.CsvTrace;
import org.knowm.xchart.XYChart;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code herd sim generate}: a synthetic trace calibrated to the paper (docs/sim.md). */
@Command(name = "generate", mixinStandardHelpOptions = true,
        description = "Generate a synthetic call trace calibrated to §4.1 of the Herd paper.")
final class GenerateCommand extends SimSubcommand {

    @Option(names = "--users", required = true, description = "Users U (paper: 10800000).")
    int users;

    @Option(names = "--days", defaultValue = "31", description = "Days D (paper: 31). Default ${DEFAULT-VALUE}.")
    int days;

    @Option(names = "--seed", defaultValue = "1", description = "Seed S. Default ${DEFAULT-VALUE}.")
    long seed;

    @Option(names = "--out", required = true, paramLabel = "FILE",
            description = "Trace to write: binary, or CSV if the name ends in .csv.")
    Path out;

    @Option(names = "--calls-per-user-day", description = "Calls initiated per user per day (370e6/10.8e6/31).")
    Double callsPerUserDay;

    @Option(names = "--peak-duty", description = "Target peak duty cycle (paper: 0.016).")
    Double peakDuty;

    @Option(names = "--duration-shape", description = "Log-logistic shape of durations (2.2).")
    Double durationShape;

    @Option(names = "--activity-sigma", description = "Sigma of the log-normal user activity (1.2).")
    Double activitySigma;

    @Option(names = "--contacts-median", description = "Median contact-list size (8).")
    Double contactsMedian;

    @Option(names = "--contacts-sigma", description = "Sigma of the log-normal contact-list size (0.9).")
    Double contactsSigma;

    @Override
    String csvName() {
        return "generate";
    }

    @Override
    Json run() throws IOException {
        GeneratorParameters d = GeneratorParameters.defaults(users, days, seed);
        GeneratorParameters p = new GeneratorParameters(users, days, seed,
                or(callsPerUserDay, d.callsPerUserPerDay()), or(peakDuty, d.peakDutyCycle()),
                or(durationShape, d.durationShape()), d.maxDurationSeconds(), or(activitySigma, d.activitySigma()),
                or(contactsMedian, d.contactsMedian()), or(contactsSigma, d.contactsSigma()), d.epoch());
        boolean csv = out.getFileName().toString().endsWith(".csv");
        Path bin = csv ? Files.createTempFile(out.toAbsolutePath().getParent(), "herd-trace", ".bin") : out;
        GeneratorResult r;
        try {
            r = new TraceGenerator(p).generate(bin, progress("generate", Math.round(users * p.callsPerUserPerDay()) * days));
            if (csv) {
                CsvTrace.toCsv(bin, out);
            }
        } finally {
            if (csv) {
                Files.deleteIfExists(bin);
            }
        }
        Table t = new Table("quantity", "value", "target", "source");
        t.row("users", r.users(), p.users(), "--users (paper: 10.8 M)");
        t.row("days", r.days(), p.days(), "--days (paper: 31, August 2010)");
        t.row("seed", p.seed(), p.seed(), "--seed");
        t.row("calls", r.calls(), "", "users x calls/user/day x days");
        t.row("calls_per_user_month", r.callsPerUserMonth(), 370e6 / 10.8e6,
                "paper 4.1.2: 370 M calls / 10.8 M users / month");
        t.row("peak_duty_cycle", r.peakDutyCycle(), p.peakDutyCycle(), "paper 4.1.6: 1.6 %");
        t.row("peak_concurrent_calls", r.peakConcurrentCalls(), "", "max calls in progress in a second");
        t.row("duration_median_s", r.durationMedianModel(), "", "log-logistic scale solved from duty target");
        t.row("duration_mean_s", r.meanDuration(), "", "realised");
        t.row("duration_shape", p.durationShape(), "", "log-logistic beta (our choice)");
        t.row("activity_sigma", p.activitySigma(), "", "log-normal sigma of calls per user (our choice)");
        t.row("contacts_median", p.contactsMedian(), "", "log-normal contact list (our choice)");
        t.row("contacts_sigma", p.contactsSigma(), "", "log-normal contact list (our choice)");
        t.row("users_without_calls", r.involvement()[0], "", "realised");
        emit("herd sim generate: " + out, t, null);
        if (output.plot != null) {
            plot(r);
        }
        return summary(r.calls()).put("users", r.users()).put("days", r.days())
                .put("calls_per_user_month", r.callsPerUserMonth()).put("peak_duty_cycle", r.peakDutyCycle())
                .put("duration_median_s", r.durationMedianModel()).put("out", out.toString());
    }

    private static double or(Double v, double dflt) {
        return v != null ? v : dflt;
    }

    private void plot(GeneratorResult r) throws IOException {
        double[] minutes = new double[1440];
        double[] duty = new double[1440];
        for (int m = 0; m < 1440; m++) {
            minutes[m] = m / 60.0;
            duty[m] = 100.0 * 2 * r.concurrentPerMinute()[m] / r.users();
        }
        XYChart c = Charts.xy("Users in a call, day 1 (duty cycle)", "hour of day", "% of users in a call");
        c.addSeries("generated", minutes, duty).setMarker(org.knowm.xchart.style.markers.SeriesMarkers.NONE);
        c.addSeries("paper peak 1.6 %", new double[] {0, 24}, new double[] {1.6, 1.6})
                .setMarker(org.knowm.xchart.style.markers.SeriesMarkers.NONE);
        c.getStyler().setLegendPosition(org.knowm.xchart.style.Styler.LegendPosition.OutsideS);
        Charts.save(c, output.plot, "generate-duty-cycle");

        XYChart d = Charts.xy("Call durations (CCDF)", "duration (s)", "P(duration > x)");
        d.getStyler().setXAxisLogarithmic(true);
        d.getStyler().setYAxisLogarithmic(true);
        d.addSeries("generated", ccdfX(r.durationSeconds()), ccdfY(r.durationSeconds()))
                .setMarker(org.knowm.xchart.style.markers.SeriesMarkers.NONE);
        Charts.save(d, output.plot, "generate-durations");

        XYChart u = Charts.xy("Calls per user (CCDF)", "calls involving the user", "P(calls > x)");
        u.getStyler().setXAxisLogarithmic(true);
        u.getStyler().setYAxisLogarithmic(true);
        u.addSeries("generated", ccdfX(r.involvement()), ccdfY(r.involvement()))
                .setMarker(org.knowm.xchart.style.markers.SeriesMarkers.NONE);
        Charts.save(u, output.plot, "generate-calls-per-user");
    }

    /** x values of a CCDF from a histogram (bins >= 1 with mass above). */
    static double[] ccdfX(long[] hist) {
        return ccdf(hist)[0];
    }

    static double[] ccdfY(long[] hist) {
        return ccdf(hist)[1];
    }

    private static double[][] ccdf(long[] hist) {
        long total = 0;
        for (long h : hist) {
            total += h;
        }
        int n = 0;
        double[] xs = new double[hist.length];
        double[] ys = new double[hist.length];
        long above = total;
        for (int x = 0; x < hist.length; x++) {
            above -= hist[x];
            if (x >= 1 && above > 0 && total > 0) {
                xs[n] = x;
                ys[n] = (double) above / total;
                n++;
            }
        }
        if (n == 0) {
            return new double[][] {{1}, {1}};
        }
        return new double[][] {java.util.Arrays.copyOf(xs, n), java.util.Arrays.copyOf(ys, n)};
    }
}
