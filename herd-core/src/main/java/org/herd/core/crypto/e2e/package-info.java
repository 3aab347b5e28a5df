/**
 * Layer 2, crypto (end-to-end part): {@link org.herd.core.crypto.e2e.FrameSealer} seals voice
 * frames between caller and callee under the key they agree through the rendezvous (§3.2, §3.3
 * of the Herd paper). Part of the crypto layer for the layering rules (it touches JCA and Bouncy
 * Castle primitives); kept in its own sub-package so as not to edit {@code org.herd.core.crypto},
 * which has another owner.
 */
package org.herd.core.crypto.e2e;
