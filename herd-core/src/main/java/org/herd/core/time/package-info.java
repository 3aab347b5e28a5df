/**
 * Layer 0 (below {@code wire}): injected time. Protocol logic reads time only through
 * {@link org.herd.core.time.Clock}, so that the slotted schedule of §3.4 of the Herd paper
 * (tick = 20 ms) can be tested without sleeping.
 */
package org.herd.core.time;
