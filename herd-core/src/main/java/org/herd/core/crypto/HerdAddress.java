package org.herd.core.crypto;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;

/**
 * A self-authenticating Herd address (§3.3 of the Herd paper): it names a client's zone and is
 * derived from the client's identity key, so whoever holds the client certificate can check that
 * the address belongs to it — no directory has to be trusted for the binding.
 *
 * <p>{@code user = base32(SHA-256("herd-address-v1\0" | zone | "\0" | identity key)[0..20))}:
 * 32 characters of lower-case RFC 4648 base32 ({@code a-z2-7}), a valid SIP URI user part. The
 * written form is {@code user@zone.herd}, dialled as {@code sip:user@zone.herd}. Hashing the zone
 * in means that the same key in another zone has an unrelated address.
 */
public final class HerdAddress {

    /** Bytes of hash in an address (160 bits). */
    public static final int HASH_SIZE = 20;
    /** Length of the user part in characters. */
    public static final int USER_LENGTH = HASH_SIZE * 8 / 5;
    /** The domain suffix after the zone. */
    public static final String DOMAIN = ".herd";

    private static final String ALPHABET = "abcdefghijklmnopqrstuvwxyz234567";
    private static final byte[] CONTEXT = "herd-address-v1\0".getBytes(StandardCharsets.US_ASCII);

    private final String user;
    private final String zone;

    private HerdAddress(String user, String zone) {
        this.user = user;
        this.zone = zone;
    }

    /** The address of {@code clientKey} in {@code zone}. */
    public static HerdAddress of(IdentityPublicKey clientKey, String zone) {
        return new HerdAddress(base32(hash(clientKey, ZoneName.require(zone))), zone);
    }

    /**
     * Parses {@code user@zone.herd}, optionally with a {@code sip:} prefix; an IllegalArgumentException
     * says what is wrong.
     */
    public static HerdAddress parse(String text) {
        String s = text.startsWith("sip:") ? text.substring(4) : text;
        int at = s.indexOf('@');
        if (at < 0 || !s.endsWith(DOMAIN)) {
            throw new IllegalArgumentException("a Herd address is user@zone" + DOMAIN + ": " + text);
        }
        String user = s.substring(0, at);
        String zone = s.substring(at + 1, s.length() - DOMAIN.length());
        if (user.length() != USER_LENGTH || !user.chars().allMatch(c -> ALPHABET.indexOf(c) >= 0)) {
            throw new IllegalArgumentException("the user part is " + USER_LENGTH + " characters of a-z2-7: " + text);
        }
        if (!ZoneName.isValid(zone)) {
            throw new IllegalArgumentException("invalid zone in " + text);
        }
        return new HerdAddress(user, zone);
    }

    /** The user part: 32 base32 characters. */
    public String user() {
        return user;
    }

    /** The zone the address belongs to. */
    public String zone() {
        return zone;
    }

    /** {@code sip:user@zone.herd}. */
    public String sipUri() {
        return "sip:" + this;
    }

    /** Throws ADDRESS_MISMATCH or WRONG_ZONE unless this is the address of {@code certificate}'s client. */
    public void verify(ClientCertificate certificate) throws CertificateException {
        if (!zone.equals(certificate.zone())) {
            throw new CertificateException(CertificateException.Reason.WRONG_ZONE,
                    this + " is in zone " + zone + ", the certificate in " + certificate.zone());
        }
        byte[] expected = base32(hash(certificate.clientKey(), zone)).getBytes(StandardCharsets.US_ASCII);
        if (!MessageDigest.isEqual(expected, user.getBytes(StandardCharsets.US_ASCII))) {
            throw new CertificateException(CertificateException.Reason.ADDRESS_MISMATCH,
                    this + " is not derived from " + certificate.clientKey());
        }
    }

    private static byte[] hash(IdentityPublicKey key, String zone) {
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            sha.update(CONTEXT);
            sha.update(zone.getBytes(StandardCharsets.US_ASCII));
            sha.update((byte) 0);
            sha.update(key.encoded());
            return Arrays.copyOf(sha.digest(), HASH_SIZE);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is not available", e);
        }
    }

    /** RFC 4648 base32, lower case, no padding (the input is a multiple of 5 bytes). */
    static String base32(byte[] data) {
        StringBuilder sb = new StringBuilder(data.length * 8 / 5);
        int buffer = 0;
        int bits = 0;
        for (byte b : data) {
            buffer = buffer << 8 | (b & 0xFF);
            bits += 8;
            while (bits >= 5) {
                sb.append(ALPHABET.charAt(buffer >>> (bits - 5) & 31));
                bits -= 5;
            }
        }
        if (bits > 0) {
            sb.append(ALPHABET.charAt(buffer << (5 - bits) & 31));
        }
        return sb.toString();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof HerdAddress other && user.equals(other.user) && zone.equals(other.zone);
    }

    @Override
    public int hashCode() {
        return user.hashCode() * 31 + zone.hashCode();
    }

    @Override
    public String toString() {
        return user + "@" + zone + DOMAIN;
    }
}
