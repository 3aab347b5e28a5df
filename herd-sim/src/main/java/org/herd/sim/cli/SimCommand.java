package org.herd.sim.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * {@code herd sim}: trace-driven evaluation of §4.1 of the Herd paper. Registered by the
 * {@code herd} program as a subcommand; runnable alone through {@link #main(String[])}.
 */
@Command(name = "sim", mixinStandardHelpOptions = true,
        description = "Trace-driven simulation and attacks of §4.1 of the Herd paper.",
        subcommands = {GenerateCommand.class, ConvertCommand.class, AttackCommand.class,
                AnonymityCommand.class, SuperpeersCommand.class, CostCommand.class})
public final class SimCommand implements Callable<Integer> {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    /** Runs {@code sim} alone (without the {@code herd} wrapper). */
    public static void main(String[] args) {
        System.exit(new CommandLine(new SimCommand()).execute(args));
    }

    @Override
    public Integer call() {
        spec.commandLine().usage(spec.commandLine().getOut());
        return 0;
    }
}
