package org.herd.core.crypto.dtls;

import java.security.GeneralSecurityException;
import java.util.Arrays;
import javax.crypto.AEADBadTagException;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * Protection of DTLS 1.2 application-data records with AES-128-GCM, byte for byte the record
 * format of RFC 6347 §4.1 with the AEAD of RFC 5288 (as Bouncy Castle's record layer writes it),
 * but with our own keys and without Bouncy Castle on the data path:
 *
 * <pre>
 *  record  = type 23|21 | version FE FD | epoch 2 | sequence 6 | length 2  (13-byte header, RFC 6347 §4.1)
 *            | explicit nonce 8 | ciphertext n | tag 16                      (RFC 5288 §3, length = 8 + n + 16)
 *  nonce   = salt 4 | explicit nonce 8;  explicit nonce = epoch 2 | sequence 6 (the 64-bit DTLS sequence number)
 *  AAD     = epoch 2 | sequence 6 | type 1 | version 2 | n 2                  (RFC 5246 §6.2.3.3, RFC 6347 §4.1.2.1)
 * </pre>
 *
 * A 256-byte cell becomes a 293-byte record, like before. Alerts (content type 21: close_notify,
 * fatal alerts) are protected the same way, in the same sequence-number space, so a link needs no
 * other record layer once its handshake is over. Keys: 40 bytes of key material,
 * client→server key 16, server→client key 16, client salt 4, server salt 4 (the order of the TLS
 * key block, RFC 5246 §6.3); each side seals with its own direction and opens the other's.
 *
 * <p><b>Allocation and cost.</b> A reused SunJCE {@code Cipher} (AES-NI and carry-less multiply
 * intrinsics) seals into and opens into caller-supplied arrays. The JCA requires an
 * {@code init} per record with a new {@link GCMParameterSpec} (GCM refuses to reuse a nonce
 * with the same key, and the spec copies the nonce); what that init allocates inside SunJCE
 * (JDK 17: the key copy, the nonce copies, the GCM engine and GHASH state objects) is measured
 * by the JMH {@code LinkRecordBenchmark} with {@code -prof gc}; there is no hand-written GHASH.
 * A record that fails its tag costs one {@link AEADBadTagException} (attack path only).
 *
 * <p>Not thread-safe: one instance per link, used on the link's event-loop thread.
 */
public final class DtlsRecordCipher {

    /** DTLS record header: type 1, version 2, epoch 2, sequence 6, length 2 (RFC 6347 §4.1). */
    public static final int HEADER_SIZE = 13;
    /** The explicit part of the GCM nonce carried in every record (RFC 5288 §3). */
    public static final int EXPLICIT_NONCE_SIZE = 8;
    /** GCM tag (RFC 5288 §3: 16 bytes). */
    public static final int TAG_SIZE = 16;
    /** Bytes a record adds to its plaintext: header, explicit nonce and tag. */
    public static final int OVERHEAD = HEADER_SIZE + EXPLICIT_NONCE_SIZE + TAG_SIZE;
    /** Key material needed: two 16-byte AES keys and two 4-byte salts. */
    public static final int KEY_MATERIAL_SIZE = 2 * 16 + 2 * 4;
    /** Content type application_data (RFC 5246 §6.2.1). */
    public static final int APPLICATION_DATA = 23;
    /** Content type alert (RFC 5246 §6.2.1): a link's close_notify and fatal alerts, protected like cells. */
    public static final int ALERT = 21;
    /** DTLS 1.2 on the wire (RFC 6347 §4.1: {254, 253}). */
    public static final int DTLS_1_2 = 0xFEFD;
    /** The largest 48-bit record sequence number (RFC 6347 §4.1). */
    public static final long MAX_SEQUENCE = (1L << 48) - 1;
    /** {@link #open} result: the tag did not verify (forged, tampered, or another key). */
    public static final int AUTHENTICATION_FAILED = -1;
    /** {@link #open} result: not a record this cipher could open (length, type, version or epoch). */
    public static final int MALFORMED = -2;

    private static final int GCM_TAG_BITS = 128;
    private static final int KEY_SIZE = 16;
    private static final int SALT_SIZE = 4;

    private final int epoch;
    private final Cipher sealer;
    private final Cipher opener;
    private final SecretKeySpec sealKey;
    private final SecretKeySpec openKey;
    private final byte[] sealNonce = new byte[SALT_SIZE + EXPLICIT_NONCE_SIZE];
    private final byte[] openNonce = new byte[SALT_SIZE + EXPLICIT_NONCE_SIZE];
    private final byte[] aad = new byte[HEADER_SIZE];

    private DtlsRecordCipher(byte[] material, boolean client, int epoch) {
        if (material.length != KEY_MATERIAL_SIZE) {
            throw new IllegalArgumentException("record keys need " + KEY_MATERIAL_SIZE + " bytes");
        }
        if (epoch < 1 || epoch > 0xFFFF) {
            throw new IllegalArgumentException("epoch " + epoch + " is not a protected epoch");
        }
        this.epoch = epoch;
        int clientKey = 0;
        int serverKey = KEY_SIZE;
        int clientSalt = 2 * KEY_SIZE;
        int serverSalt = 2 * KEY_SIZE + SALT_SIZE;
        int mySalt = client ? clientSalt : serverSalt;
        int peerSalt = client ? serverSalt : clientSalt;
        this.sealKey = new SecretKeySpec(material, client ? clientKey : serverKey, KEY_SIZE, "AES");
        this.openKey = new SecretKeySpec(material, client ? serverKey : clientKey, KEY_SIZE, "AES");
        System.arraycopy(material, mySalt, sealNonce, 0, SALT_SIZE);
        System.arraycopy(material, peerSalt, openNonce, 0, SALT_SIZE);
        try {
            this.sealer = Cipher.getInstance("AES/GCM/NoPadding");
            this.opener = Cipher.getInstance("AES/GCM/NoPadding");
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES/GCM is required by the Java platform", e);
        }
    }

    /** The DTLS client's record cipher over {@code material} (copied), for records of {@code epoch}. */
    public static DtlsRecordCipher forClient(byte[] material, int epoch) {
        return new DtlsRecordCipher(material, true, epoch);
    }

    /** The DTLS server's record cipher over the same {@code material}. */
    public static DtlsRecordCipher forServer(byte[] material, int epoch) {
        return new DtlsRecordCipher(material, false, epoch);
    }

    /** The epoch written into and expected in records. */
    public int epoch() {
        return epoch;
    }

    /**
     * Writes the application-data record with sequence number {@code sequence} carrying
     * {@code in[off..off+len)} into {@code out[outOff..)} and returns its length
     * ({@code len + OVERHEAD}). {@code out} must not overlap {@code in}. Each sequence number
     * must be used once: the caller counts them.
     *
     * @throws IllegalArgumentException if {@code sequence} is outside 0..{@link #MAX_SEQUENCE}
     *     or the plaintext is longer than a record may be
     */
    public int seal(long sequence, byte[] in, int off, int len, byte[] out, int outOff) {
        return seal(APPLICATION_DATA, sequence, in, off, len, out, outOff);
    }

    /**
     * As {@link #seal(long, byte[], int, int, byte[], int)} for a record of content type
     * {@code contentType} ({@link #APPLICATION_DATA} or {@link #ALERT}): the same sequence-number
     * space and keys, the type is covered by the tag (it is in the AAD).
     */
    public int seal(int contentType, long sequence, byte[] in, int off, int len, byte[] out, int outOff) {
        requireProtectedType(contentType);
        if (sequence < 0 || sequence > MAX_SEQUENCE) {
            throw new IllegalArgumentException("sequence number " + sequence + " out of range");
        }
        int bodyLength = EXPLICIT_NONCE_SIZE + len + TAG_SIZE;
        if (len < 0 || bodyLength > 0xFFFF) {
            throw new IllegalArgumentException("plaintext of " + len + " bytes");
        }
        out[outOff] = (byte) contentType;
        out[outOff + 1] = (byte) (DTLS_1_2 >>> 8);
        out[outOff + 2] = (byte) DTLS_1_2;
        out[outOff + 3] = (byte) (epoch >>> 8);
        out[outOff + 4] = (byte) epoch;
        for (int i = 0; i < 6; i++) {
            out[outOff + 10 - i] = (byte) (sequence >>> (8 * i));
        }
        out[outOff + 11] = (byte) (bodyLength >>> 8);
        out[outOff + 12] = (byte) bodyLength;
        // The explicit nonce is the 64-bit DTLS sequence number, epoch | sequence (RFC 5288 §3
        // allows any value used once; RFC 6347 §4.1.2.1 defines the 64-bit number).
        System.arraycopy(out, outOff + 3, out, outOff + HEADER_SIZE, EXPLICIT_NONCE_SIZE);
        System.arraycopy(out, outOff + 3, sealNonce, SALT_SIZE, EXPLICIT_NONCE_SIZE);
        fillAad(out, outOff, len);
        try {
            sealer.init(Cipher.ENCRYPT_MODE, sealKey, new GCMParameterSpec(GCM_TAG_BITS, sealNonce));
            sealer.updateAAD(aad, 0, HEADER_SIZE);
            int n = sealer.doFinal(in, off, len, out, outOff + HEADER_SIZE + EXPLICIT_NONCE_SIZE);
            if (n != len + TAG_SIZE) {
                throw new IllegalStateException("AES-GCM returned " + n + " bytes for " + len);
            }
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-GCM sealing failed", e);
        }
        return HEADER_SIZE + bodyLength;
    }

    /**
     * Opens the record {@code record[off..off+len)} (exactly one record) into {@code out[outOff..)};
     * returns the plaintext length, {@link #AUTHENTICATION_FAILED}, or {@link #MALFORMED}.
     * {@code out} needs {@code len - OVERHEAD} bytes and must not overlap the record. Does not
     * check for replays (the caller keeps the window, RFC 6347 §4.1.2.6). Allocates nothing on
     * success beyond the JCA init (see the class comment).
     */
    public int open(byte[] record, int off, int len, byte[] out, int outOff) {
        return open(APPLICATION_DATA, record, off, len, out, outOff);
    }

    /**
     * As {@link #open(byte[], int, int, byte[], int)} for a record of content type
     * {@code contentType} ({@link #APPLICATION_DATA} or {@link #ALERT}); a record of another type
     * is {@link #MALFORMED}.
     */
    public int open(int contentType, byte[] record, int off, int len, byte[] out, int outOff) {
        requireProtectedType(contentType);
        if (len < OVERHEAD) {
            return MALFORMED;
        }
        int bodyLength = ((record[off + 11] & 0xFF) << 8) | (record[off + 12] & 0xFF);
        int recordEpoch = ((record[off + 3] & 0xFF) << 8) | (record[off + 4] & 0xFF);
        int version = ((record[off + 1] & 0xFF) << 8) | (record[off + 2] & 0xFF);
        if (bodyLength != len - HEADER_SIZE || (record[off] & 0xFF) != contentType || version != DTLS_1_2
                || recordEpoch != epoch) {
            return MALFORMED;
        }
        int plaintextLength = len - OVERHEAD;
        if (out.length - outOff < plaintextLength) {
            throw new IllegalArgumentException("output of " + (out.length - outOff) + " bytes for " + plaintextLength);
        }
        System.arraycopy(record, off + HEADER_SIZE, openNonce, SALT_SIZE, EXPLICIT_NONCE_SIZE);
        fillAad(record, off, plaintextLength);
        try {
            opener.init(Cipher.DECRYPT_MODE, openKey, new GCMParameterSpec(GCM_TAG_BITS, openNonce));
            opener.updateAAD(aad, 0, HEADER_SIZE);
            return opener.doFinal(record, off + HEADER_SIZE + EXPLICIT_NONCE_SIZE, plaintextLength + TAG_SIZE, out, outOff);
        } catch (AEADBadTagException e) {
            return AUTHENTICATION_FAILED;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-GCM opening failed", e);
        }
    }

    private static void requireProtectedType(int contentType) {
        if (contentType != APPLICATION_DATA && contentType != ALERT) {
            throw new IllegalArgumentException("content type " + contentType + " is not protected by this layer");
        }
    }

    /** RFC 5246 §6.2.3.3: seq_num 8 (DTLS: epoch | sequence) | type | version | plaintext length. */
    private void fillAad(byte[] header, int off, int plaintextLength) {
        System.arraycopy(header, off + 3, aad, 0, 8);
        aad[8] = header[off];
        aad[9] = header[off + 1];
        aad[10] = header[off + 2];
        aad[11] = (byte) (plaintextLength >>> 8);
        aad[12] = (byte) plaintextLength;
    }

    /** Key material must not outlive the link: overwrite the caller's copy after construction. */
    public static void wipe(byte[] material) {
        Arrays.fill(material, (byte) 0);
    }
}
