/** The {@code herd} command line (picocli): one entry point, a subcommand per role or tool. */
package org.herd.gateway.cli;
