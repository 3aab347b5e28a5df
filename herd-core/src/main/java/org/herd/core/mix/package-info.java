/**
 * Role {@code mix} (§3.1–§3.4 of the Herd paper): a Mix process's runtime, and the zone
 * directory's link side. Above {@code link}, {@code sched}, {@code circuit}, {@code directory} and
 * {@code node}: {@link org.herd.core.mix.MixNode} runs the pure circuit {@code Mix} on a full mesh
 * of constant-rate DTLS links, learns the other Mixes from the directories' signed documents,
 * applies its zone directory's rate epochs to whole rate classes at the announced tick, reports
 * its utilisation and admits calls against the rates in force (§3.4.2, §3.4.3); the zone
 * directories are link peers too, reached through {@link org.herd.core.mix.RemoteDirectory} with
 * the cells of {@link org.herd.core.mix.DirectoryLinkCodec}.
 * {@link org.herd.core.mix.ZoneDirectoryNode} is a directory process's end of those links
 * (epoch step, document and certified-client pushes, proposals forwarded through a Mix).
 * Formats: {@code docs/network.md}.
 */
package org.herd.core.mix;
