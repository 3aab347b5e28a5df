/**
 * Layer 3, {@code sched} (beside {@code link} and {@code circuit}): constant-rate sending, the
 * traffic obfuscation of §3.4 of the Herd paper (§3.4.1 client links, §3.4.2 SP links, §3.4.3
 * mix links) as set down in DESIGN.md §3 "Constant rate".
 *
 * <p>Time is slotted: a tick is {@link org.herd.core.sched.SlotTiming#TICK_NANOS 20 ms}; the
 * unit rate u is one cell per tick per direction. A link of rate m·u sends exactly m cells in
 * every tick, at evenly spaced slots 20/m ms apart, whether or not it has payload: a queued
 * payload cell leaves in the next free slot and a Chaff cell ({@link
 * org.herd.core.sched.ChaffSource}) fills every other slot; the receiver discards Chaff ({@link
 * org.herd.core.sched.ChaffFilter}). Rates change only at a tick announced in advance, on all
 * links of a {@link org.herd.core.sched.RateClass} at once (§3.4.2, §3.4.3).
 *
 * <p>{@link org.herd.core.sched.SlotScheduler} is pure logic (no I/O, time through {@link
 * org.herd.core.time.Clock}); {@link org.herd.core.sched.EventLoopSlotDriver} and {@link
 * org.herd.core.sched.ThreadSlotDriver} run it in production. Links plug in through {@link
 * org.herd.core.sched.CellTransmitter}; this package does not depend on {@code link}.
 */
package org.herd.core.sched;
