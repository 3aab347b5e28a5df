/**
 * Layer 2 (beside {@code sched} and {@code circuit}; uses nothing but the JDK): the channel
 * allocation of §3.6.3 of the Herd paper. A mix attaches each joining client to k distinct
 * channels chosen at random among the least-occupied ones, and at call time gives the call the
 * free channel of highest rank among the client's k, ranks being one random permutation of all
 * channels drawn once (the ranking algorithm for online bipartite matching, the paper's
 * reference [36]). Pure protocol state: no I/O, no clock, randomness injected; the call path
 * ({@link org.herd.core.channel.ChannelAllocator#allocate}, {@code release}) allocates nothing.
 * The same class is used by the mix and by {@code herd sim superpeers}.
 */
package org.herd.core.channel;
