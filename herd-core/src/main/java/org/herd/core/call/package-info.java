/**
 * Layer 3, {@code call}: the client library's protocol core for calls (§3.3 rendezvous, §3.2
 * end-to-end encryption, §3.5 re-joining after a Mix failure, of the Herd paper) on top of
 * {@code circuit}. A {@link org.herd.core.call.CallClient} joins one or two zones, pre-builds its
 * circuits to uniformly drawn rendezvous Mixes (I5), registers, places, accepts and hangs up
 * {@link org.herd.core.call.Call}s whose voice frames are sealed end to end, and when its Mix
 * fails re-joins another Mix of the zone and resumes its active call. REGISTER carries, and a
 * caller verifies, the directory's {@link org.herd.core.directory.RendezvousBinding} (the one
 * definition of the client's signed rendezvous statement; the only use of {@code directory}).
 * Pure logic: no I/O, injected clock and randomness.
 */
package org.herd.core.call;
