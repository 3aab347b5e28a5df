/**
 * Superpeer simulation of §4.1.6 of the Herd paper: replays a call trace through the production
 * channel allocator ({@link org.herd.core.channel.ChannelAllocator}, §3.6.3) of every mix of a
 * configurable topology, and measures the call blocking rate and the mix savings.
 */
package org.herd.sim.superpeer;
