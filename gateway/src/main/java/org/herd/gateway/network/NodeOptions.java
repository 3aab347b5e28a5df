package org.herd.gateway.network;

import java.nio.file.Path;
import picocli.CommandLine.Option;

/** The options every node command takes (a picocli mixin). */
public final class NodeOptions {

    @Option(names = "--config", required = true, description = "Configuration file (properties).")
    Path config;

    @Option(names = "--exit-on-stdin-eof", description = "Stop when standard input ends (devnet children).")
    boolean exitOnStdinEof;
}
