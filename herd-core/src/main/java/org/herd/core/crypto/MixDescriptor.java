package org.herd.core.crypto;

import java.io.ByteArrayOutputStream;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import org.herd.core.time.Clock;

/**
 * A zone directory's descriptor of one of its Mixes (§3.2): identity key {@code l}, onion key
 * {@code s}, and the UDP address of its DTLS endpoint. Kind-specific encoding after the common
 * header of {@link HerdCertificate}:
 * <pre>
 *  32  mix identity key (Ed25519)
 *  32  onion key (X25519)
 *   1  address family: 4 or 6
 * 4/16 IPv4 or IPv6 address (an IPv4-mapped IPv6 address is not canonical: use family 4)
 *   2  UDP port (1..65535)
 * </pre>
 */
public final class MixDescriptor extends HerdCertificate {

    private final IdentityPublicKey mixKey;
    private final OnionPublicKey onionKey;
    private final InetSocketAddress address;

    private MixDescriptor(String zone, long from, long until, IdentityPublicKey mixKey, OnionPublicKey onionKey,
            InetSocketAddress address, byte[] encoded) {
        super(zone, from, until, encoded);
        this.mixKey = mixKey;
        this.onionKey = onionKey;
        this.address = address;
    }

    /** Signs a descriptor with the directory's key; {@code address} must be a literal IP, unscoped. */
    public static MixDescriptor issue(IdentityKeyPair directory, String zone, IdentityPublicKey mixKey,
            OnionPublicKey onionKey, InetSocketAddress address, long validFrom, long validUntil) {
        InetAddress ip = address.getAddress();
        if (ip == null || address.getPort() == 0) {
            throw new IllegalArgumentException("a descriptor needs a resolved IP address and a port: " + address);
        }
        if (ip instanceof Inet6Address v6 && v6.getScopeId() != 0) {
            throw new IllegalArgumentException("a scoped IPv6 address is meaningless to other hosts: " + address);
        }
        ByteArrayOutputStream out = header(KIND_MIX, zone, validFrom, validUntil);
        out.writeBytes(mixKey.encoded());
        out.writeBytes(onionKey.encoded());
        byte[] raw = ip.getAddress();
        out.write(raw.length == 4 ? 4 : 6);
        out.writeBytes(raw);
        out.write(address.getPort() >>> 8);
        out.write(address.getPort());
        InetSocketAddress literal = new InetSocketAddress(ip, address.getPort());
        return new MixDescriptor(zone, validFrom, validUntil, mixKey, onionKey, literal, sign(out, directory));
    }

    /** Decodes a mix descriptor (WRONG_KIND for another kind, MALFORMED for bad bytes); does not verify. */
    public static MixDescriptor decode(byte[] bytes) throws CertificateException {
        return decodeAs(bytes, MixDescriptor.class);
    }

    static MixDescriptor decodeBody(Reader r, String zone, long from, long until, byte[] all)
            throws CertificateException {
        IdentityPublicKey mixKey = r.identityKey("mix key");
        OnionPublicKey onionKey = OnionPublicKey.of(r.bytes(OnionPublicKey.SIZE, "onion key"));
        int family = r.u8("address family");
        InetAddress ip;
        try {
            if (family == 4) {
                ip = InetAddress.getByAddress(r.bytes(4, "IPv4 address"));
            } else if (family == 6) {
                ip = InetAddress.getByAddress(r.bytes(16, "IPv6 address"));
                if (ip instanceof Inet4Address) {
                    throw r.malformed("IPv4-mapped IPv6 address; the canonical form is family 4");
                }
            } else {
                throw r.malformed("unknown address family " + family);
            }
        } catch (UnknownHostException e) {
            throw r.malformed("bad address length"); // unreachable: lengths are 4 and 16
        }
        int port = r.u16("port");
        if (port == 0) {
            throw r.malformed("port 0");
        }
        return new MixDescriptor(zone, from, until, mixKey, onionKey, new InetSocketAddress(ip, port), all.clone());
    }

    /** The Mix's identity key (the ntor ID in Herd). */
    public IdentityPublicKey mixKey() {
        return mixKey;
    }

    /** The Mix's current onion key (ntor's B). */
    public OnionPublicKey onionKey() {
        return onionKey;
    }

    /** The Mix's DTLS endpoint (a literal IP; no name lookup happens). */
    public InetSocketAddress address() {
        return address;
    }

    /**
     * Throws unless {@code directory} (already verified against the root) issued this descriptor
     * for its own zone and both are valid at {@code clock}.
     */
    public void verify(ZoneCertificate directory, Clock clock) throws CertificateException {
        directory.checkIssued(this, clock);
    }

    @Override
    String describe() {
        return "mix descriptor of " + mixKey + " in " + zone() + " at " + address;
    }
}
