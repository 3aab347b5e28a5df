/**
 * Layer 3, {@code circuit}: onion circuits and rendezvous (§3.2 layered encryption and §3.3
 * rendezvous of the Herd paper; invariants I1–I5 of §3.7). Above {@code time}, {@code wire} and
 * {@code crypto}; beside {@code link} and {@code sched}, which it never calls: a node receives
 * cells through {@code onCell(peer, buffer, offset)} and emits them through a
 * {@link org.herd.core.circuit.CellOutlet}. Pure logic: no I/O, time from an injected
 * {@code Clock}, randomness from an injected {@code SecureRandom}.
 *
 * <ul>
 * <li>{@link org.herd.core.circuit.Mix}: a Mix's circuit layer — CREATE/EXTEND, relaying,
 * DESTROY, pre-built Mix-to-Mix circuits, REGISTER/LOOKUP forwarding to a
 * {@link org.herd.core.circuit.DirectoryEndpoint}, and rendezvous splices.</li>
 * <li>{@link org.herd.core.circuit.CircuitTable}: per circuit only previous hop, next hop and the
 * hop's onion layers (I2/I3).</li>
 * <li>{@link org.herd.core.circuit.Circuit}: the originator's side of a circuit, an explicit state
 * machine with deadlines.</li>
 * <li>{@link org.herd.core.circuit.Reassembler}: bounded reassembly of fragmented control
 * messages.</li>
 * </ul>
 * Formats and flows: {@code docs/network.md}.
 */
package org.herd.core.circuit;
