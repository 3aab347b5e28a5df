package org.herd.gateway.keys;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.List;
import java.util.concurrent.Callable;
import org.herd.core.crypto.KeyFileException;
import org.herd.core.crypto.KeyFiles;
import org.herd.core.crypto.NodeKeys;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code herd keys generate|show}: a node's identity and onion keys in its state directory
 * (format in {@code docs/keys.md}; secret files are created 0600).
 */
@Command(name = "keys", mixinStandardHelpOptions = true,
        description = "Generate or show a node's keys (Ed25519 identity, X25519 onion).",
        subcommands = {KeysCommand.Generate.class, KeysCommand.Show.class})
public final class KeysCommand implements Runnable {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    /** {@code herd keys generate}. */
    @Command(name = "generate", mixinStandardHelpOptions = true,
            description = "Write fresh keys into a state directory (identity.key, identity.pub, onion.key, onion.pub).")
    static final class Generate implements Callable<Integer> {

        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Option(names = {"-d", "--dir"}, required = true, description = "State directory (created 0700 if missing).")
        Path dir;

        @Option(names = "--force", description = "Replace keys that already exist (atomically).")
        boolean force;

        @Override
        public Integer call() {
            PrintWriter out = spec.commandLine().getOut();
            PrintWriter err = spec.commandLine().getErr();
            if (!force && Files.exists(dir.resolve(NodeKeys.IDENTITY_FILE))) {
                err.println("herd keys: " + dir.resolve(NodeKeys.IDENTITY_FILE)
                        + " exists; use --force to replace the keys in " + dir);
                return 1;
            }
            try {
                NodeKeys keys = NodeKeys.generate(new SecureRandom());
                keys.writeTo(dir, force);
                out.println("wrote keys to " + dir);
                out.println(keys.describe());
                return 0;
            } catch (IOException e) {
                err.println("herd keys: cannot write keys to " + dir + ": " + e.getMessage());
                return 1;
            }
        }
    }

    /** {@code herd keys show}. */
    @Command(name = "show", mixinStandardHelpOptions = true,
            description = "Show the public keys and fingerprints of key files or of a state directory.")
    static final class Show implements Callable<Integer> {

        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Parameters(arity = "1..*", paramLabel = "PATH", description = "Key files, or state directories.")
        List<Path> paths;

        @Override
        public Integer call() {
            PrintWriter out = spec.commandLine().getOut();
            PrintWriter err = spec.commandLine().getErr();
            int status = 0;
            for (Path path : paths) {
                try {
                    if (Files.isDirectory(path)) {
                        out.println(path + ":");
                        out.println(NodeKeys.readFrom(path).describe());
                    } else {
                        out.println(path + ": " + KeyFiles.describe(path));
                    }
                } catch (KeyFileException e) {
                    err.println("herd keys: " + e.getMessage());
                    status = 1;
                } catch (IOException e) {
                    err.println("herd keys: cannot read " + path + ": " + e);
                    status = 1;
                }
            }
            return status;
        }
    }
}
