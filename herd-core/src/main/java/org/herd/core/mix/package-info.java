/**
 * Role {@code mix} (§3.1–§3.4 of the Herd paper): a Mix process's runtime. Above {@code link},
 * {@code sched}, {@code circuit} and {@code node}: {@link org.herd.core.mix.MixNode} runs the pure
 * circuit {@code Mix} on a full mesh of constant-rate DTLS links; the zone directories are link
 * peers too, reached through {@link org.herd.core.mix.RemoteDirectory} with the cells of
 * {@link org.herd.core.mix.DirectoryLinkCodec}; {@link org.herd.core.mix.DirectoryLinkService}
 * is the directory's end of such a link. Formats: {@code docs/network.md}.
 */
package org.herd.core.mix;
