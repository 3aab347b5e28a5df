/**
 * The node processes of a Herd network (§3.1–§3.5 of the Herd paper): {@code herd mix},
 * {@code herd zone-directory} and {@code herd client}, each reading a properties config and a
 * static {@link org.herd.gateway.network.NetworkLayout}, running one role runtime of herd-core
 * ({@code mix.MixNode}, {@code client.ClientNode}) and printing JSON lines. {@code herd devnet}
 * starts them; see {@code docs/network.md}.
 */
package org.herd.gateway.network;
