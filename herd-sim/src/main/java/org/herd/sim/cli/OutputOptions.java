package org.herd.sim.cli;

import java.nio.file.Path;
import picocli.CommandLine.Option;

/** Output options shared by every {@code herd sim} subcommand. */
public final class OutputOptions {

    @Option(names = "--json", description = "Print one JSON object as the last line of output.")
    boolean json;

    @Option(names = "--csv", paramLabel = "FILE",
            description = "Where to write the result table as CSV (default: herd-sim-<command>.csv).")
    Path csv;

    @Option(names = "--plot", paramLabel = "DIR", description = "Write PNG charts into DIR.")
    Path plot;

    @Option(names = "--no-progress", description = "Do not draw the progress bar on stderr.")
    boolean noProgress;
}
