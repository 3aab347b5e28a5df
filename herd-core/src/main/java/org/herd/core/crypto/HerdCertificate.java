package org.herd.core.crypto;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.herd.core.time.Clock;
import org.herd.core.wire.Bytes;

/**
 * A signed statement of the Herd PKI (§3.2, §3.3, §3.5 of the Herd paper): the root key
 * certifies zone directories ({@link ZoneCertificate}); a directory certifies its Mixes
 * ({@link MixDescriptor}) and its clients ({@link ClientCertificate}).
 *
 * <h2>Encoding (canonical, big-endian)</h2>
 * <pre>
 *  offset  size  field
 *       0     4  magic "HCRT"
 *       4     1  version (1)
 *       5     1  kind: 1 zone certificate, 2 mix descriptor, 3 client certificate
 *       6     8  valid from  (epoch ms, inclusive, &gt;= 0)
 *      14     8  valid until (epoch ms, exclusive, &gt; valid from)
 *      22     1  zone name length L (1..63)
 *      23     L  zone name (see {@link ZoneName})
 *  23+L     ...  kind-specific fields (see the subclasses)
 *   end-64   64  Ed25519 signature by the issuer over "herd-certificate-v1\0" | all bytes before it
 * </pre>
 * Decoding accepts exactly one encoding per value: every length is checked, trailing bytes,
 * unknown kinds and versions, invalid keys and non-canonical fields are {@code MALFORMED}; a
 * decoded item re-encodes to the same bytes. Decoding never verifies; call {@code verify}.
 */
public abstract sealed class HerdCertificate permits ZoneCertificate, MixDescriptor, ClientCertificate {

    /** The magic bytes "HCRT". */
    static final int MAGIC = 0x48435254;
    /** The encoding version. */
    static final int VERSION = 1;
    /** Kind byte of a zone certificate. */
    static final int KIND_ZONE = 1;
    /** Kind byte of a mix descriptor. */
    static final int KIND_MIX = 2;
    /** Kind byte of a client certificate. */
    static final int KIND_CLIENT = 3;
    /** Upper bound of any encoding, checked before parsing. */
    public static final int MAX_ENCODED_SIZE = 512;

    private static final byte[] CONTEXT = "herd-certificate-v1\0".getBytes(StandardCharsets.US_ASCII);

    private final String zone;
    private final long validFrom;
    private final long validUntil;
    private final byte[] encoded;

    HerdCertificate(String zone, long validFrom, long validUntil, byte[] encoded) {
        this.zone = zone;
        this.validFrom = validFrom;
        this.validUntil = validUntil;
        this.encoded = encoded;
    }

    /** Decodes any kind of certificate from untrusted bytes, without verifying it. */
    public static HerdCertificate decode(byte[] bytes) throws CertificateException {
        Reader r = new Reader(bytes);
        if (bytes.length > MAX_ENCODED_SIZE) {
            throw r.malformed("longer than " + MAX_ENCODED_SIZE + " bytes: " + bytes.length);
        }
        if (r.int32("magic") != MAGIC) {
            throw r.malformed("not a Herd certificate (bad magic)");
        }
        int version = r.u8("version");
        if (version != VERSION) {
            throw r.malformed("unknown version " + version);
        }
        int kind = r.u8("kind");
        long from = r.int64("valid from");
        long until = r.int64("valid until");
        if (from < 0 || until <= from) {
            throw r.malformed("validity period [" + from + ", " + until + ") is empty or negative");
        }
        int zoneLength = r.u8("zone length");
        String zone = new String(r.bytes(zoneLength, "zone"), StandardCharsets.ISO_8859_1);
        if (!ZoneName.isValid(zone)) {
            throw r.malformed("invalid zone name");
        }
        HerdCertificate cert;
        switch (kind) {
            case KIND_ZONE -> cert = ZoneCertificate.decodeBody(r, zone, from, until, bytes);
            case KIND_MIX -> cert = MixDescriptor.decodeBody(r, zone, from, until, bytes);
            case KIND_CLIENT -> cert = ClientCertificate.decodeBody(r, zone, from, until, bytes);
            default -> throw r.malformed("unknown kind " + kind);
        }
        r.bytes(IdentityPublicKey.SIGNATURE_SIZE, "signature");
        if (r.remaining() != 0) {
            throw r.malformed(r.remaining() + " trailing bytes");
        }
        return cert;
    }

    /** Decodes an item that must be of class {@code kind}: WRONG_KIND otherwise. */
    static <T extends HerdCertificate> T decodeAs(byte[] bytes, Class<T> kind) throws CertificateException {
        HerdCertificate c = decode(bytes);
        if (!kind.isInstance(c)) {
            throw new CertificateException(CertificateException.Reason.WRONG_KIND,
                    "expected a " + kind.getSimpleName() + ", got " + c.describe());
        }
        return kind.cast(c);
    }

    /** The trust zone the item belongs to. */
    public String zone() {
        return zone;
    }

    /** Start of validity (epoch ms, inclusive). */
    public long validFrom() {
        return validFrom;
    }

    /** End of validity (epoch ms, exclusive). */
    public long validUntil() {
        return validUntil;
    }

    /** A copy of the canonical encoding, signature included. */
    public byte[] encoded() {
        return encoded.clone();
    }

    /** Throws unless {@code clock} reads inside the validity period. */
    public void checkValidity(Clock clock) throws CertificateException {
        long now = clock.epochMillis();
        if (now < validFrom) {
            throw new CertificateException(CertificateException.Reason.NOT_YET_VALID,
                    describe() + " is valid from " + validFrom + ", now " + now);
        }
        if (now >= validUntil) {
            throw new CertificateException(CertificateException.Reason.EXPIRED,
                    describe() + " expired at " + validUntil + ", now " + now);
        }
    }

    /** Throws BAD_SIGNATURE unless {@code issuer} signed this encoding. */
    void checkSignature(IdentityPublicKey issuer) throws CertificateException {
        int signed = encoded.length - IdentityPublicKey.SIGNATURE_SIZE;
        byte[] message = signedMessage(encoded, signed);
        byte[] signature = Arrays.copyOfRange(encoded, signed, encoded.length);
        if (!issuer.verify(message, signature)) {
            throw new CertificateException(CertificateException.Reason.BAD_SIGNATURE,
                    describe() + " is not signed by " + issuer);
        }
    }

    /** Short human description for error messages. */
    abstract String describe();

    @Override
    public boolean equals(Object o) {
        return o instanceof HerdCertificate other && Arrays.equals(encoded, other.encoded);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(encoded);
    }

    @Override
    public String toString() {
        return describe();
    }

    private static byte[] signedMessage(byte[] encoding, int length) {
        byte[] message = new byte[CONTEXT.length + length];
        System.arraycopy(CONTEXT, 0, message, 0, CONTEXT.length);
        System.arraycopy(encoding, 0, message, CONTEXT.length, length);
        return message;
    }

    /** Starts an encoding: the common header. */
    static ByteArrayOutputStream header(int kind, String zone, long validFrom, long validUntil) {
        ZoneName.require(zone);
        if (validFrom < 0 || validUntil <= validFrom) {
            throw new IllegalArgumentException("validity period [" + validFrom + ", " + validUntil + ") is empty");
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream(256);
        byte[] b = new byte[8];
        Bytes.putInt(b, 0, MAGIC);
        out.write(b, 0, 4);
        out.write(VERSION);
        out.write(kind);
        Bytes.putLong(b, 0, validFrom);
        out.write(b, 0, 8);
        Bytes.putLong(b, 0, validUntil);
        out.write(b, 0, 8);
        out.write(zone.length());
        out.writeBytes(zone.getBytes(StandardCharsets.US_ASCII));
        return out;
    }

    /** Finishes an encoding: appends the issuer's signature. */
    static byte[] sign(ByteArrayOutputStream unsigned, IdentityKeyPair issuer) {
        byte[] body = unsigned.toByteArray();
        byte[] signature = issuer.sign(signedMessage(body, body.length));
        byte[] all = Arrays.copyOf(body, body.length + signature.length);
        System.arraycopy(signature, 0, all, body.length, signature.length);
        return all;
    }

    /** A bounds-checked cursor over untrusted bytes; every failure is MALFORMED with the field's name. */
    static final class Reader extends BoundedReader<CertificateException> {
        Reader(byte[] b) {
            super(b, 0, b.length);
        }

        @Override
        protected CertificateException newMalformed(String message) {
            return new CertificateException(CertificateException.Reason.MALFORMED, message);
        }
    }
}
