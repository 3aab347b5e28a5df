/**
 * Layer 2, {@code crypto}: the only package that touches Bouncy Castle and JCA primitives
 * (apart from the DTLS glue in {@code link}); above {@code time} and {@code wire}, below
 * {@code link}, {@code sched}, {@code circuit} and the roles. Implements §3.2 (keys, layered
 * encryption), §3.3 (client certificates, self-authenticating addresses) and §3.5 (directory-signed
 * Mix descriptors used on join) of the Herd paper.
 *
 * <ul>
 * <li><b>Keys</b>: {@link org.herd.core.crypto.IdentityKeyPair} (Ed25519, {@code l}),
 * {@link org.herd.core.crypto.OnionKeyPair} (X25519, {@code s}), {@link org.herd.core.crypto.NodeKeys};
 * key files via {@link org.herd.core.crypto.KeyFiles} (format in {@code docs/keys.md}).</li>
 * <li><b>PKI</b>: {@link org.herd.core.crypto.ZoneCertificate} (root → directory),
 * {@link org.herd.core.crypto.MixDescriptor} and {@link org.herd.core.crypto.ClientCertificate}
 * (directory → Mix / client), {@link org.herd.core.crypto.HerdAddress}; rejections are
 * {@link org.herd.core.crypto.CertificateException} with a reason.</li>
 * <li><b>Circuit handshake</b>: {@link org.herd.core.crypto.Ntor} (tor-spec §5.1.4, HKDF-SHA256
 * per §5.2.2 in {@link org.herd.core.crypto.Hkdf}) yielding {@link org.herd.core.crypto.HopKeys}.</li>
 * <li><b>Onion layers</b> (data path, zero allocation, drop-and-count):
 * {@link org.herd.core.crypto.OnionLayers} makes an {@link org.herd.core.crypto.OnionOriginator}
 * (client) or an {@link org.herd.core.crypto.OnionRelay} (hop); the scheme and why it satisfies
 * invariant I1 are described on {@code OnionLayers}.</li>
 * </ul>
 */
package org.herd.core.crypto;
