package org.herd.core.directory;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.herd.core.crypto.CertificateException;
import org.herd.core.crypto.HerdCertificate;
import org.herd.core.crypto.IdentityKeyPair;
import org.herd.core.crypto.IdentityPublicKey;
import org.herd.core.crypto.MixDescriptor;
import org.herd.core.crypto.ZoneCertificate;
import org.herd.core.time.Clock;

/**
 * The signed directory document a zone directory publishes (§3.3, §3.5 of the Herd paper; the
 * GET_DIRECTORY answer and part of the JOIN answer): its zone certificate, the certificates of
 * the peer zones it knows, the mix descriptors of its zone and of those peers, the link rates in
 * force and announced, and the epoch schedule. Clients and mixes verify it against the root key
 * alone ({@link #verify}).
 *
 * <pre>
 *  magic "HDOC" 4 | version 1 | zone length 1 | zone | published-at ms 8 | valid-until ms 8 |
 *  epoch origin ms 8 | epoch length ms 8 |
 *  zone certificate length 2 | zone certificate |
 *  peer count 1 | per peer: certificate length 2 | peer zone certificate |
 *  descriptor count 2 | per descriptor: length 2 | mix descriptor |
 *  rate count 2 | per rate: link class 1 | zone length 1 | zone | peer zone length 1 (0 if none) |
 *                 peer zone | epoch 8 | rate cells/tick 4 |
 *  signature 64 by the directory key over "herd-directory-document-v1\0" | every byte before it
 * </pre>
 */
public final class DirectoryDocument {

    private static final int MAGIC = 0x48444F43;
    private static final byte[] CONTEXT = "herd-directory-document-v1\0".getBytes(StandardCharsets.US_ASCII);
    /** Most peer zones in one document. */
    public static final int MAX_PEERS = 255;
    /** Most descriptors in one document. */
    public static final int MAX_DESCRIPTORS = 4000;
    /** Most rate entries in one document. */
    public static final int MAX_RATES = 4096;

    /** A link rate: {@code rateCellsPerTick} on the links of {@code scope} from {@code epoch} on. */
    public record Rate(RateScope scope, long epoch, int rateCellsPerTick) {
    }

    private final String zone;
    private final long publishedAtMillis;
    private final long validUntilMillis;
    private final EpochSchedule schedule;
    private final byte[] zoneCertificate;
    private final List<byte[]> peerCertificates;
    private final List<byte[]> descriptors;
    private final List<Rate> rates;
    private final byte[] encoded;

    private DirectoryDocument(String zone, long publishedAtMillis, long validUntilMillis, EpochSchedule schedule,
                              byte[] zoneCertificate, List<byte[]> peerCertificates, List<byte[]> descriptors,
                              List<Rate> rates, byte[] encoded) {
        this.zone = zone;
        this.publishedAtMillis = publishedAtMillis;
        this.validUntilMillis = validUntilMillis;
        this.schedule = schedule;
        this.zoneCertificate = zoneCertificate;
        this.peerCertificates = peerCertificates;
        this.descriptors = descriptors;
        this.rates = rates;
        this.encoded = encoded;
    }

    /** Builds and signs a document with the directory's key. */
    public static DirectoryDocument sign(IdentityKeyPair directory, ZoneCertificate zoneCertificate,
                                         List<ZoneCertificate> peers, List<byte[]> descriptors, List<Rate> rates,
                                         EpochSchedule schedule, long publishedAtMillis, long validUntilMillis) {
        if (validUntilMillis - publishedAtMillis <= 0) {
            throw new IllegalArgumentException("document validity is empty");
        }
        if (peers.size() > MAX_PEERS || descriptors.size() > MAX_DESCRIPTORS || rates.size() > MAX_RATES) {
            throw new IllegalArgumentException("document too large");
        }
        List<byte[]> peerBytes = peers.stream().map(ZoneCertificate::encoded).toList();
        byte[] body = encodeBody(zoneCertificate.zone(), publishedAtMillis, validUntilMillis, schedule,
                zoneCertificate.encoded(), peerBytes, descriptors, rates);
        byte[] signature = directory.sign(signedMessage(body, body.length));
        byte[] all = new MessageWriter().bytes(body).bytes(signature).toByteArray();
        return new DirectoryDocument(zoneCertificate.zone(), publishedAtMillis, validUntilMillis, schedule,
                zoneCertificate.encoded(), List.copyOf(peerBytes), descriptors.stream().map(byte[]::clone).toList(),
                List.copyOf(rates), all);
    }

    /** Everything before the signature. */
    private static byte[] encodeBody(String zone, long publishedAtMillis, long validUntilMillis, EpochSchedule schedule,
                                     byte[] zoneCertificate, List<byte[]> peers, List<byte[]> descriptors,
                                     List<Rate> rates) {
        MessageWriter w = new MessageWriter().int32(MAGIC).u8(1).zone(zone).int64(publishedAtMillis)
                .int64(validUntilMillis).int64(schedule.originEpochMillis()).int64(schedule.lengthMillis())
                .blob16(zoneCertificate).u8(peers.size());
        for (byte[] p : peers) {
            w.blob16(p);
        }
        w.u16(descriptors.size());
        for (byte[] d : descriptors) {
            w.blob16(d);
        }
        w.u16(rates.size());
        for (Rate r : rates) {
            w.scope(r.scope()).int64(r.epoch()).int32(r.rateCellsPerTick());
        }
        return w.toByteArray();
    }

    /** Decodes a document from untrusted bytes, without verifying it. */
    public static DirectoryDocument decode(byte[] bytes) throws DirectoryProtocolException {
        MessageReader r = new MessageReader(bytes);
        if (bytes.length > DirectoryMessages.MAX_RESPONSE_SIZE) {
            throw r.malformed("document too large");
        }
        if (r.int32("magic") != MAGIC) {
            throw r.malformed("not a directory document (bad magic)");
        }
        int version = r.u8("version");
        if (version != 1) {
            throw new DirectoryProtocolException(DirectoryStatus.UNSUPPORTED, "document version " + version);
        }
        String zone = r.zone("zone");
        long published = r.int64("published at");
        long until = r.int64("valid until");
        if (until - published <= 0) {
            throw r.malformed("empty validity");
        }
        long origin = r.int64("epoch origin");
        long length = r.int64("epoch length");
        if (length <= 0) {
            throw r.malformed("epoch length " + length);
        }
        byte[] zoneCert = r.blob16("zone certificate", 1, HerdCertificate.MAX_ENCODED_SIZE);
        int peerCount = r.u8("peer count");
        List<byte[]> peers = new ArrayList<>();
        for (int i = 0; i < peerCount; i++) {
            peers.add(r.blob16("peer certificate", 1, HerdCertificate.MAX_ENCODED_SIZE));
        }
        int descriptorCount = r.u16("descriptor count");
        if (descriptorCount > MAX_DESCRIPTORS) {
            throw r.malformed("too many descriptors: " + descriptorCount);
        }
        List<byte[]> descriptors = new ArrayList<>();
        for (int i = 0; i < descriptorCount; i++) {
            descriptors.add(r.blob16("descriptor", 1, HerdCertificate.MAX_ENCODED_SIZE));
        }
        int rateCount = r.u16("rate count");
        if (rateCount > MAX_RATES) {
            throw r.malformed("too many rates: " + rateCount);
        }
        List<Rate> rates = new ArrayList<>();
        for (int i = 0; i < rateCount; i++) {
            RateScope scope = r.scope("rate");
            long epoch = r.int64("rate epoch");
            int rate = r.int32("rate");
            if (epoch < 0 || rate < 1) {
                throw r.malformed("bad rate entry " + epoch + "/" + rate);
            }
            rates.add(new Rate(scope, epoch, rate));
        }
        r.bytes(DirectoryRequest.SIGNATURE_SIZE, "signature");
        r.end("document");
        EpochSchedule schedule = new EpochSchedule(origin, length);
        // One encoding per value: the fields re-encode to exactly the signed bytes.
        byte[] again = encodeBody(zone, published, until, schedule, zoneCert, peers, descriptors, rates);
        if (!java.util.Arrays.equals(again, 0, again.length, bytes, 0, bytes.length - DirectoryRequest.SIGNATURE_SIZE)) {
            throw r.malformed("not the canonical encoding");
        }
        return new DirectoryDocument(zone, published, until, schedule, zoneCert,
                List.copyOf(peers), List.copyOf(descriptors), List.copyOf(rates), bytes.clone());
    }

    /**
     * Verifies the document against the root key at {@code clock}: the zone certificate (root,
     * zone, validity), the document's signature by that directory and its validity, every peer
     * zone certificate (root, validity). Returns the mix descriptors that verify against the
     * certificate of their zone and are valid now; a descriptor signed by no listed zone, or
     * badly, makes the whole document {@code BAD_SIGNATURE} (a directory never publishes one),
     * while a descriptor that merely expired since publication is left out.
     *
     * @throws DirectoryProtocolException {@code MALFORMED}, {@code BAD_SIGNATURE} or {@code STALE}
     */
    public List<MixDescriptor> verify(IdentityPublicKey root, Clock clock) throws DirectoryProtocolException {
        Map<String, ZoneCertificate> zones = new HashMap<>();
        ZoneCertificate own = zoneCert(zoneCertificate, root, clock);
        if (!own.zone().equals(zone)) {
            throw new DirectoryProtocolException(DirectoryStatus.BAD_SIGNATURE,
                    "document of zone " + zone + " carries the certificate of " + own.zone());
        }
        int signed = encoded.length - DirectoryRequest.SIGNATURE_SIZE;
        byte[] signature = java.util.Arrays.copyOfRange(encoded, signed, encoded.length);
        if (!own.directoryKey().verify(signedMessage(encoded, signed), signature)) {
            throw new DirectoryProtocolException(DirectoryStatus.BAD_SIGNATURE,
                    "document not signed by the directory of " + zone);
        }
        long now = clock.epochMillis();
        if (now - publishedAtMillis < 0 || validUntilMillis - now <= 0) {
            throw new DirectoryProtocolException(DirectoryStatus.STALE, "document valid " + publishedAtMillis + ".."
                    + validUntilMillis + ", now " + now);
        }
        zones.put(own.zone(), own);
        for (byte[] p : peerCertificates) {
            ZoneCertificate peer = zoneCert(p, root, clock);
            zones.put(peer.zone(), peer);
        }
        List<MixDescriptor> valid = new ArrayList<>();
        for (byte[] d : descriptors) {
            MixDescriptor m;
            try {
                m = MixDescriptor.decode(d);
            } catch (CertificateException e) {
                throw new DirectoryProtocolException(DirectoryStatus.MALFORMED, "descriptor: " + e.getMessage());
            }
            ZoneCertificate issuer = zones.get(m.zone());
            if (issuer == null) {
                throw new DirectoryProtocolException(DirectoryStatus.BAD_SIGNATURE, m + " is of an unlisted zone");
            }
            try {
                m.verify(issuer, clock);
                valid.add(m);
            } catch (CertificateException e) {
                if (e.reason() != CertificateException.Reason.EXPIRED
                        && e.reason() != CertificateException.Reason.NOT_YET_VALID) {
                    throw new DirectoryProtocolException(DirectoryStatus.BAD_SIGNATURE, e.getMessage());
                }
            }
        }
        return valid;
    }

    private static ZoneCertificate zoneCert(byte[] bytes, IdentityPublicKey root, Clock clock)
            throws DirectoryProtocolException {
        try {
            ZoneCertificate c = ZoneCertificate.decode(bytes);
            c.verify(root, clock);
            return c;
        } catch (CertificateException e) {
            int status = switch (e.reason()) {
                case EXPIRED, NOT_YET_VALID -> DirectoryStatus.STALE;
                case MALFORMED, WRONG_KIND -> DirectoryStatus.MALFORMED;
                default -> DirectoryStatus.BAD_SIGNATURE;
            };
            throw new DirectoryProtocolException(status, "zone certificate: " + e.getMessage());
        }
    }

    private static byte[] signedMessage(byte[] encoding, int length) {
        byte[] m = new byte[CONTEXT.length + length];
        System.arraycopy(CONTEXT, 0, m, 0, CONTEXT.length);
        System.arraycopy(encoding, 0, m, CONTEXT.length, length);
        return m;
    }

    /** The zone of the publishing directory. */
    public String zone() {
        return zone;
    }

    /** When it was published, ms since 1970. */
    public long publishedAtMillis() {
        return publishedAtMillis;
    }

    /** End of validity (exclusive), ms since 1970. */
    public long validUntilMillis() {
        return validUntilMillis;
    }

    /** The epoch schedule of the zone's rates. */
    public EpochSchedule schedule() {
        return schedule;
    }

    /** The publishing directory's zone certificate (bytes; verified by {@link #verify}). */
    public byte[] zoneCertificate() {
        return zoneCertificate.clone();
    }

    /** The peer zone certificates (bytes). */
    public List<byte[]> peerCertificates() {
        return peerCertificates.stream().map(byte[]::clone).toList();
    }

    /** The descriptors as published (bytes; {@link #verify} returns the valid ones decoded). */
    public List<byte[]> descriptors() {
        return descriptors.stream().map(byte[]::clone).toList();
    }

    /** The rates in force and announced. */
    public List<Rate> rates() {
        return rates;
    }

    /** The canonical encoding, signature included. */
    public byte[] encoded() {
        return encoded.clone();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof DirectoryDocument d && java.util.Arrays.equals(encoded, d.encoded);
    }

    @Override
    public int hashCode() {
        return java.util.Arrays.hashCode(encoded);
    }

    @Override
    public String toString() {
        return "DirectoryDocument[" + zone + ", " + descriptors.size() + " descriptors, " + peerCertificates.size()
                + " peers, " + rates.size() + " rates, valid until " + validUntilMillis + "]";
    }
}
