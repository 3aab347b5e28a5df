package org.herd.sim.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.herd.sim.report.Json;
import org.herd.sim.report.Progress;
import org.herd.sim.report.RunStats;
import org.herd.sim.report.Table;
import picocli.CommandLine;

/** Plumbing shared by the subcommands: streams, progress, CSV, the closing JSON line. */
abstract class SimSubcommand implements Callable<Integer> {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @CommandLine.Mixin
    OutputOptions output = new OutputOptions();

    RunStats stats;

    /** Name used for the default CSV file. */
    abstract String csvName();

    /** The work; returns the JSON summary (the caller adds run statistics). */
    abstract Json run() throws IOException;

    @Override
    public final Integer call() throws IOException {
        stats = new RunStats();
        Json json = run();
        if (json == null) {
            return 1;
        }
        if (output.json) {
            out().println(json);
            out().flush();
        }
        return 0;
    }

    PrintWriter out() {
        return spec.commandLine().getOut();
    }

    PrintWriter err() {
        return spec.commandLine().getErr();
    }

    Progress progress(String label, long total) {
        return new Progress(label, total, System.err, !output.noProgress);
    }

    /** Prints a table and writes it to the CSV file. */
    void emit(String title, Table table, String suffix) {
        PrintWriter o = out();
        o.println(title);
        table.print(o);
        o.println();
        Path p = output.csv != null ? output.csv : Path.of("herd-sim-" + csvName() + ".csv");
        if (suffix != null) {
            String f = p.getFileName().toString();
            int dot = f.lastIndexOf('.');
            String stem = dot > 0 ? f.substring(0, dot) : f;
            p = p.resolveSibling(stem + "-" + suffix + ".csv");
        }
        try {
            table.writeCsv(p);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        o.println("csv: " + p);
        o.flush();
    }

    /** A JSON summary with the fields every command reports. */
    Json summary(long calls) {
        return new Json().put("calls", calls)
                .put("calls_per_second", Math.round(stats.callsPerSecond(calls)))
                .put("peak_heap_mb", Math.round(stats.peakHeapMb()))
                .put("max_heap_mb", Math.round(RunStats.maxHeapMb()))
                .put("seconds", Math.round(stats.elapsedSeconds() * 1000) / 1000.0);
    }
}
