/**
 * Layer 3, {@code link}: the hop-by-hop links of Herd — DTLS 1.2 over UDP between any two
 * nodes (client–mix, superpeer–mix, mix–mix), §3.1 and §3.4 of the Herd paper ("all
 * participants are connected by links that carry encrypted and padded traffic").
 *
 * <p>Every link is mutually authenticated by certificates bound to the peers' Ed25519 identity
 * keys, uses AEAD cipher suites only, performs the cookie exchange, keeps the replay window on,
 * and carries nothing but {@link org.herd.core.wire.Cell cells}: one 256-byte cell per DTLS
 * record, one record per datagram. Bouncy Castle's DTLS ({@code org.bouncycastle.tls}) runs the
 * handshake and the control records; application-data records are protected by
 * {@code org.herd.core.crypto.dtls.DtlsRecordCipher} on keys exported from the handshake (see
 * {@link org.herd.core.link.Link}). Certificate building lives in
 * {@code org.herd.core.crypto.IdentityCertificate}.
 *
 * <p>Threading: a {@link org.herd.core.link.LinkEndpoint} runs the whole data path of all its
 * links on one Netty event-loop thread; only the (blocking) handshakes run elsewhere.
 */
package org.herd.core.link;
