/**
 * Role {@code client} (§3.3, §3.5 of the Herd paper): a client process's runtime. Above
 * {@code link}, {@code sched}, {@code call}, {@code directory} and {@code node}:
 * {@link org.herd.core.client.DirectoryJoin} joins a zone over a direct link to its directory
 * (certificate, Herd address, Mix, signed document), and {@link org.herd.core.client.ClientNode}
 * runs the pure {@code CallClient} on one constant-rate DTLS link to its Mix.
 */
package org.herd.core.client;
