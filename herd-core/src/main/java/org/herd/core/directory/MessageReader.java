package org.herd.core.directory;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import org.herd.core.crypto.BoundedReader;
import org.herd.core.crypto.ZoneName;

/**
 * A bounds-checked cursor over untrusted directory-protocol bytes. Every failure is a
 * {@link DirectoryProtocolException} with status {@link DirectoryStatus#MALFORMED} naming the
 * field and the offset; nothing else is ever thrown.
 */
final class MessageReader extends BoundedReader<DirectoryProtocolException> {

    MessageReader(byte[] b, int offset, int length) {
        super(b, offset, length);
    }

    MessageReader(byte[] b) {
        this(b, 0, b.length);
    }

    @Override
    protected DirectoryProtocolException newMalformed(String message) {
        return new DirectoryProtocolException(DirectoryStatus.MALFORMED, message);
    }

    /** A 2-byte length then that many bytes, the length in {@code [min, max]}. */
    byte[] blob16(String field, int min, int max) throws DirectoryProtocolException {
        int n = u16(field + " length");
        if (n < min || n > max) {
            throw malformed(field + " length " + n + " outside [" + min + ", " + max + "]");
        }
        return bytes(n, field);
    }

    /** A 4-byte length then that many bytes, the length in {@code [min, max]}. */
    byte[] blob32(String field, int min, int max) throws DirectoryProtocolException {
        int n = int32(field + " length");
        if (n < min || n > max) {
            throw malformed(field + " length " + n + " outside [" + min + ", " + max + "]");
        }
        return bytes(n, field);
    }

    /** A 1-byte length then a zone name (a DNS label). */
    String zone(String field) throws DirectoryProtocolException {
        int n = u8(field + " length");
        String z = new String(bytes(n, field), StandardCharsets.ISO_8859_1);
        if (!ZoneName.isValid(z)) {
            throw malformed(field + " is not a valid zone name");
        }
        return z;
    }

    /** A 1-byte length then printable ASCII (0x21..0x7e) of length {@code [min, max]}. */
    String ascii(String field, int min, int max) throws DirectoryProtocolException {
        int n = u8(field + " length");
        if (n < min || n > max) {
            throw malformed(field + " length " + n + " outside [" + min + ", " + max + "]");
        }
        byte[] t = bytes(n, field);
        for (byte c : t) {
            if (c < 0x21 || c > 0x7E) {
                throw malformed(field + " is not printable ASCII");
            }
        }
        return new String(t, StandardCharsets.US_ASCII);
    }

    /** Family (4 or 6), address, port (1..65535); an IPv4-mapped IPv6 address is not canonical. */
    InetSocketAddress socketAddress(String field) throws DirectoryProtocolException {
        int family = u8(field + " family");
        InetAddress ip;
        try {
            if (family == 4) {
                ip = InetAddress.getByAddress(bytes(4, field));
            } else if (family == 6) {
                ip = InetAddress.getByAddress(bytes(16, field));
                if (ip.getAddress().length != 16) {
                    throw malformed(field + " is IPv4-mapped; the canonical form is family 4");
                }
            } else {
                throw malformed(field + " has unknown family " + family);
            }
        } catch (UnknownHostException e) {
            throw malformed(field + " has a bad length");
        }
        int port = u16(field + " port");
        if (port == 0) {
            throw malformed(field + " port 0");
        }
        return new InetSocketAddress(ip, port);
    }

    /**
     * A rate scope: {@code link class 1 (1 client, 2 superpeer, 3 intra-zone mix, 4 inter-zone
     * mix) | zone length 1 | zone | peer zone length 1 (0 for one zone) | peer zone}.
     */
    RateScope scope(String field) throws DirectoryProtocolException {
        int code = u8(field + " link class");
        LinkClass linkClass = switch (code) {
            case 1 -> LinkClass.CLIENT;
            case 2 -> LinkClass.SUPERPEER;
            case 3 -> LinkClass.INTRA_ZONE_MIX;
            case 4 -> LinkClass.INTER_ZONE_MIX;
            default -> throw malformed(field + ": unknown link class " + code);
        };
        String zone = zone(field + " zone");
        String peer = "";
        if (linkClass.isZonePair()) {
            peer = zone(field + " peer zone");
        } else if (u8(field + " peer zone length") != 0) {
            throw malformed(field + ": " + linkClass.code() + " has no peer zone");
        }
        try {
            return new RateScope(linkClass, zone, peer);
        } catch (IllegalArgumentException e) {
            throw malformed(field + ": " + e.getMessage());
        }
    }

    /** A copy of {@code v}, which must have exactly {@code size} bytes (for record constructors). */
    static byte[] exactCopy(byte[] v, int size, String what) {
        if (v == null || v.length != size) {
            throw new IllegalArgumentException(what + " must have " + size + " bytes");
        }
        return v.clone();
    }

    void end(String what) throws DirectoryProtocolException {
        if (remaining() != 0) {
            throw malformed(remaining() + " trailing bytes after " + what);
        }
    }
}
