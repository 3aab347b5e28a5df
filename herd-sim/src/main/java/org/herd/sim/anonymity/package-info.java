/**
 * Anonymity-set sizes and client bandwidth of Tor, Drac and Herd (§4.1.3–§4.1.5 and Figures 4
 * and 5 of the Herd paper), from a call trace's call graph or a social-graph file.
 */
package org.herd.sim.anonymity;
