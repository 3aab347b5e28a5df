/**
 * Layer 1, {@code wire}: codecs for the bytes Herd puts on its links (§3.2 of the Herd paper).
 * Flyweights over caller-owned buffers; no cryptography, no sockets, no allocation per cell.
 * Malformed or unknown input is reported as a value, never thrown from the data path.
 */
package org.herd.core.wire;
