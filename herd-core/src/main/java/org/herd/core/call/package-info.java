/**
 * Layer 3, {@code call}: the client library's protocol core for calls (§3.3 rendezvous, §3.2
 * end-to-end encryption of the Herd paper) on top of {@code circuit}. A
 * {@link org.herd.core.call.CallClient} joins one or two zones, pre-builds its circuits to
 * uniformly drawn rendezvous Mixes (I5), registers, places, accepts and hangs up
 * {@link org.herd.core.call.Call}s whose voice frames are sealed end to end. The directory's
 * side of rendezvous is {@link org.herd.core.call.RendezvousRegistry}; the callee's onion key is
 * bound to its certified identity by {@link org.herd.core.call.OnionKeyBinding}. Pure logic: no
 * I/O, injected clock and randomness.
 */
package org.herd.core.call;
