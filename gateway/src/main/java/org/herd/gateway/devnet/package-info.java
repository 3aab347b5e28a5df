/**
 * The {@code herd devnet} role: a whole Herd network on one machine, started as separate
 * processes on loopback, with a user-space impairment relay that emulates distance between
 * zones (one-way delay and loss) and observes the wire like the global passive adversary of
 * §3.1 of the Herd paper.
 */
package org.herd.gateway.devnet;
