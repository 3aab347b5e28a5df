package org.herd.gateway.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The {@code herd} program: one entry point, one subcommand per role or tool.
 */
@Command(
        name = "herd",
        mixinStandardHelpOptions = true,
        version = "herd 0.1.0",
        description = "Herd: an anonymity network for voice calls, and its SIP gateway.",
        subcommands = {CommandLine.HelpCommand.class, org.herd.gateway.bench.BenchCommand.class,
                org.herd.gateway.keys.KeysCommand.class,
                org.herd.gateway.devnet.LinkNodeCommand.class,
                org.herd.sim.cli.SimCommand.class,
                org.herd.gateway.roles.DirectoryCommand.class,
                org.herd.gateway.devnet.DevnetCommand.class,
                org.herd.gateway.network.MixCommand.class,
                org.herd.gateway.network.ZoneDirectoryCommand.class,
                org.herd.gateway.network.ClientCommand.class})
public final class HerdMain implements Runnable {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    /** Netty's system property naming its buffer leak detection level. */
    static final String LEAK_DETECTION = "io.netty.leakDetection.level";

    /**
     * Runs {@code herd} with {@code args} and exits with its status.
     *
     * <p>Netty's buffer leak detection is off in the program unless asked for
     * ({@code HERD_JAVA_OPTS=-Dio.netty.leakDetection.level=paranoid}): at its default level it
     * records a stack trace for one receive buffer in 128, which showed in profiles of a busy
     * Mix. The test suites keep Netty's default, so a leak still fails there.
     */
    public static void main(String[] args) {
        if (System.getProperty(LEAK_DETECTION) == null) {
            System.setProperty(LEAK_DETECTION, "disabled");
        }
        System.exit(commandLine().execute(args));
    }

    /** The command line with every subcommand registered; tests call this directly. */
    public static CommandLine commandLine() {
        return new CommandLine(new HerdMain());
    }

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }
}
