/**
 * The long-running {@code herd} roles as picocli commands (DESIGN.md §1, §5): each loads its
 * validated configuration ({@code org.herd.gateway.config}), starts the herd-core role on a
 * transport and runs until SIGTERM/Ctrl-C. {@link org.herd.gateway.roles.DirectoryCommand}
 * ({@code herd directory}) runs a {@link org.herd.gateway.roles.DirectoryRole}: the zone
 * directory of §3.3 (rendezvous), §3.4 (link rates) and §3.5 (join) of the Herd paper.
 */
package org.herd.gateway.roles;
