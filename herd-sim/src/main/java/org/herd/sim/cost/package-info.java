/**
 * Dollar cost per user and month of running Herd's mixes in a cloud, with and without
 * superpeers (§4.1.6 of the Herd paper), from traffic volumes and a price table.
 */
package org.herd.sim.cost;
