/**
 * Layer 2, {@code crypto}: the only package that touches Bouncy Castle and JCA primitives
 * (apart from the DTLS glue in {@code link}). Identity and onion keys, certificates and
 * descriptors, the ntor handshake and per-hop onion layers (§3.2, §3.5 of the Herd paper).
 */
package org.herd.core.crypto;
