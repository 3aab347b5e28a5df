package org.herd.gateway.bench;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code herd bench}: benchmarks that print figures (never timed unit tests). */
@Command(name = "bench", mixinStandardHelpOptions = true,
        description = "Benchmarks; each prints its figures and, with --json, one JSON object as its last line.",
        subcommands = {JmhCommand.class, LinkBenchCommand.class, MixBenchCommand.class, MixClientsCommand.class})
public final class BenchCommand implements Runnable {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }
}
