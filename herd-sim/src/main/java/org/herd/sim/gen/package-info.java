/**
 * Synthetic call traces calibrated to the figures the Herd paper publishes about its private
 * trace (§4.1.2, §4.1.6: 370 M calls among 10.8 M users in August 2010, peak duty cycle 1.6 %)
 * and to public call statistics. Every parameter, its default and its source are listed in
 * {@link org.herd.sim.gen.GeneratorParameters} and in {@code docs/sim.md}.
 */
package org.herd.sim.gen;
