/**
 * The intersection attack of §4.1.4 of the Herd paper on calls without chaff (the Tor model):
 * a passive observer of every user's call start and end times, at 1-second granularity, links
 * callers to callees. Streaming, one pass over a binary trace sorted by start.
 */
package org.herd.sim.attack;
