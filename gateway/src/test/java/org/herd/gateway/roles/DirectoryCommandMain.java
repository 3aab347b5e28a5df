package org.herd.gateway.roles;

import picocli.CommandLine;

/** Child process of {@link DirectoryRoleTest}: runs {@code herd directory} as the lead's HerdMain will. */
public final class DirectoryCommandMain {

    private DirectoryCommandMain() {
    }

    public static void main(String[] args) {
        System.exit(new CommandLine(new DirectoryCommand()).execute(args));
    }
}
