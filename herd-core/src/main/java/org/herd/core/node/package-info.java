/**
 * Role runtime, {@code node}: puts the pure protocol cores (circuit {@code Mix}, call
 * {@code CallClient}) on real DTLS links sent at constant rate (§3.1, §3.4.1 of the Herd paper).
 * Above {@code link} and {@code sched}; used by the roles {@code mix} and {@code client}.
 * {@link org.herd.core.node.NodeLinks}: one endpoint, one event loop, peer handles, kept links;
 * {@link org.herd.core.node.SharedLoops}: a few loops shared by many nodes of one process.
 */
package org.herd.core.node;
