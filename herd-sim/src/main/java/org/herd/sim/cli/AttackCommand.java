package org.herd.sim.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code herd sim attack}: attacks on calls without traffic-analysis resistance. */
@Command(name = "attack", mixinStandardHelpOptions = true,
        description = "Attacks on unprotected calls (§4.1.4).",
        subcommands = {IntersectionCommand.class})
final class AttackCommand implements Callable<Integer> {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        spec.commandLine().usage(spec.commandLine().getOut());
        return 0;
    }
}
