/**
 * Layer 2, crypto (link record part): {@link org.herd.core.crypto.dtls.DtlsRecordCipher} protects
 * the application-data records of a Herd link (§3.1 and §3.4 of the Herd paper: links carry
 * encrypted, padded, constant-size cells) with keys exported from the link's DTLS 1.2 handshake.
 * Part of the crypto layer for the layering rules (it touches JCA primitives); kept in its own
 * sub-package so as not to edit {@code org.herd.core.crypto}, which has another owner.
 */
package org.herd.core.crypto.dtls;
