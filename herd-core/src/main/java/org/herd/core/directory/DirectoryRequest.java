package org.herd.core.directory;

import java.net.InetSocketAddress;
import java.util.Arrays;
import java.util.Objects;
import org.herd.core.crypto.HerdCertificate;
import org.herd.core.crypto.IdentityKeyPair;
import org.herd.core.crypto.IdentityPublicKey;
import org.herd.core.crypto.OnionPublicKey;

/**
 * One request of the directory protocol (§3.3, §3.4, §3.5 of the Herd paper); the formats of the
 * bodies are tabled in {@code docs/directory.md} and in each record's javadoc (big-endian, one
 * canonical encoding per value). The envelope around a body is {@link DirectoryMessages}.
 *
 * <p>Signed requests ({@link Join}, {@link EnrollIssue}, {@link Report}, {@link Proposal}) end with
 * a 64-byte Ed25519 signature over {@link DirectoryMessages#signedMessage}: a context string, the
 * request type, the <em>receiving</em> directory's zone and every body byte before the
 * signature, so a request signed for one zone or one type is worthless anywhere else.
 */
public sealed interface DirectoryRequest {

    /** The request type ({@code DirectoryMessages.JOIN} …). */
    int type();

    /** The canonical body encoding. */
    byte[] encodeBody();

    /** Size of the nonces of signed requests. */
    int NONCE_SIZE = 16;
    /** Size of an Ed25519 signature. */
    int SIGNATURE_SIZE = IdentityPublicKey.SIGNATURE_SIZE;
    /** Size of a rendezvous cookie (as in the circuit layer's REGISTER). */
    int COOKIE_SIZE = 16;

    /**
     * JOIN (§3.5): {@code client key 32 | timestamp ms 8 | nonce 16 | signature 64}. The signature
     * by the client key is its proof of possession; timestamp and nonce stop replays.
     */
    record Join(IdentityPublicKey client, long timestampMillis, byte[] nonce, byte[] signature)
            implements DirectoryRequest {
        /** Validates and copies. */
        public Join {
            Objects.requireNonNull(client, "client");
            nonce = MessageReader.exactCopy(nonce, NONCE_SIZE, "nonce");
            signature = MessageReader.exactCopy(signature, SIGNATURE_SIZE, "signature");
        }

        /** A JOIN signed by {@code client} for the directory of {@code zone}. */
        public static Join sign(IdentityKeyPair client, String zone, long timestampMillis, byte[] nonce) {
            Join unsigned = new Join(client.publicKey(), timestampMillis, nonce, new byte[SIGNATURE_SIZE]);
            return new Join(client.publicKey(), timestampMillis, nonce,
                    client.sign(DirectoryMessages.signedMessage(DirectoryMessages.JOIN, zone, unsigned.encodeBody())));
        }

        @Override
        public int type() {
            return DirectoryMessages.JOIN;
        }

        @Override
        public byte[] encodeBody() {
            return new MessageWriter().key(client).int64(timestampMillis).bytes(nonce).bytes(signature).toByteArray();
        }

        static Join decodeBody(MessageReader r) throws DirectoryProtocolException {
            return new Join(r.identityKey("client key"), r.int64("timestamp"), r.bytes(NONCE_SIZE, "nonce"),
                    r.bytes(SIGNATURE_SIZE, "signature"));
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Join j && client.equals(j.client) && timestampMillis == j.timestampMillis
                    && Arrays.equals(nonce, j.nonce) && Arrays.equals(signature, j.signature);
        }

        @Override
        public int hashCode() {
            return Objects.hash(client, timestampMillis, Arrays.hashCode(nonce));
        }
    }

    /**
     * MIX_ENROLL, form 1 (publication): {@code form=1 1 | descriptor length 2 | descriptor}. A mix
     * presents its descriptor, signed by this directory, for publication. Unsigned envelope: the
     * descriptor carries the directory's own signature.
     */
    record EnrollDescriptor(byte[] descriptor) implements DirectoryRequest {
        /** Validates and copies. */
        public EnrollDescriptor {
            descriptor = Objects.requireNonNull(descriptor, "descriptor").clone();
            if (descriptor.length < 1 || descriptor.length > HerdCertificate.MAX_ENCODED_SIZE) {
                throw new IllegalArgumentException("descriptor of " + descriptor.length + " bytes");
            }
        }

        @Override
        public byte[] descriptor() {
            return descriptor.clone();
        }

        @Override
        public int type() {
            return DirectoryMessages.MIX_ENROLL;
        }

        @Override
        public byte[] encodeBody() {
            return new MessageWriter().u8(1).blob16(descriptor).toByteArray();
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof EnrollDescriptor e && Arrays.equals(descriptor, e.descriptor);
        }

        @Override
        public int hashCode() {
            return Arrays.hashCode(descriptor);
        }
    }

    /**
     * MIX_ENROLL, form 2 (issue): {@code form=2 1 | mix key 32 | onion key 32 | family 1 (4|6) |
     * address 4|16 | port 2 | timestamp 8 | nonce 16 | signature 64}, signed by the mix's identity
     * key. The directory issues a descriptor if the mix key is one it enrols.
     */
    record EnrollIssue(IdentityPublicKey mix, OnionPublicKey onionKey, InetSocketAddress address,
                       long timestampMillis, byte[] nonce, byte[] signature) implements DirectoryRequest {
        /** Validates and copies. */
        public EnrollIssue {
            Objects.requireNonNull(mix, "mix");
            Objects.requireNonNull(onionKey, "onionKey");
            Objects.requireNonNull(address, "address");
            nonce = MessageReader.exactCopy(nonce, NONCE_SIZE, "nonce");
            signature = MessageReader.exactCopy(signature, SIGNATURE_SIZE, "signature");
        }

        /** An issue request signed by the mix for the directory of {@code zone}. */
        public static EnrollIssue sign(IdentityKeyPair mix, OnionPublicKey onionKey, InetSocketAddress address,
                                       String zone, long timestampMillis, byte[] nonce) {
            EnrollIssue unsigned = new EnrollIssue(mix.publicKey(), onionKey, address, timestampMillis, nonce,
                    new byte[SIGNATURE_SIZE]);
            return new EnrollIssue(mix.publicKey(), onionKey, address, timestampMillis, nonce, mix.sign(
                    DirectoryMessages.signedMessage(DirectoryMessages.MIX_ENROLL, zone, unsigned.encodeBody())));
        }

        @Override
        public int type() {
            return DirectoryMessages.MIX_ENROLL;
        }

        @Override
        public byte[] encodeBody() {
            return new MessageWriter().u8(2).key(mix).bytes(onionKey.encoded()).socketAddress(address)
                    .int64(timestampMillis).bytes(nonce).bytes(signature).toByteArray();
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof EnrollIssue e && mix.equals(e.mix) && onionKey.equals(e.onionKey)
                    && address.equals(e.address) && timestampMillis == e.timestampMillis
                    && Arrays.equals(nonce, e.nonce) && Arrays.equals(signature, e.signature);
        }

        @Override
        public int hashCode() {
            return Objects.hash(mix, onionKey, address, timestampMillis);
        }
    }

    /** GET_DIRECTORY: empty body. The answer is a signed {@link DirectoryDocument}. */
    record GetDirectory() implements DirectoryRequest {
        @Override
        public int type() {
            return DirectoryMessages.GET_DIRECTORY;
        }

        @Override
        public byte[] encodeBody() {
            return new byte[0];
        }
    }

    /**
     * REGISTER (§3.3), as forwarded by the client's rendezvous mix: {@code rendezvous mix key 32 |
     * cookie 16 | onion key 32 | binding valid-until ms 8 | binding signature 64 | certificate
     * length 2 | client certificate}. Everything after the rendezvous key is byte for byte the
     * circuit layer's relay REGISTER body; the signature is the client's over the
     * {@link RendezvousBinding} (which names the rendezvous mix and the zone).
     */
    record Register(IdentityPublicKey rendezvousMix, byte[] cookie, byte[] onionKey, long bindingUntilMillis,
                    byte[] bindingSignature, byte[] certificate) implements DirectoryRequest {
        /** Validates and copies. */
        public Register {
            Objects.requireNonNull(rendezvousMix, "rendezvousMix");
            cookie = MessageReader.exactCopy(cookie, COOKIE_SIZE, "cookie");
            onionKey = MessageReader.exactCopy(onionKey, OnionPublicKey.SIZE, "onion key");
            bindingSignature = MessageReader.exactCopy(bindingSignature, SIGNATURE_SIZE, "binding signature");
            certificate = Objects.requireNonNull(certificate, "certificate").clone();
            if (certificate.length < 1 || certificate.length > HerdCertificate.MAX_ENCODED_SIZE) {
                throw new IllegalArgumentException("certificate of " + certificate.length + " bytes");
            }
        }

        /** The binding this request claims (what the signature must cover). */
        public RendezvousBinding binding(IdentityPublicKey client, String zone) {
            return new RendezvousBinding(zone, client, rendezvousMix, cookie, onionKey, bindingUntilMillis,
                    bindingSignature);
        }

        @Override
        public byte[] certificate() {
            return certificate.clone();
        }

        @Override
        public int type() {
            return DirectoryMessages.REGISTER;
        }

        @Override
        public byte[] encodeBody() {
            return new MessageWriter().key(rendezvousMix).bytes(cookie).bytes(onionKey).int64(bindingUntilMillis)
                    .bytes(bindingSignature).blob16(certificate).toByteArray();
        }

        static Register decodeBody(MessageReader r) throws DirectoryProtocolException {
            return new Register(r.identityKey("rendezvous mix"), r.bytes(COOKIE_SIZE, "cookie"),
                    r.bytes(OnionPublicKey.SIZE, "onion key"), r.int64("binding valid-until"),
                    r.bytes(SIGNATURE_SIZE, "binding signature"),
                    r.blob16("certificate", 1, HerdCertificate.MAX_ENCODED_SIZE));
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Register g && rendezvousMix.equals(g.rendezvousMix) && Arrays.equals(cookie, g.cookie)
                    && Arrays.equals(onionKey, g.onionKey) && bindingUntilMillis == g.bindingUntilMillis
                    && Arrays.equals(bindingSignature, g.bindingSignature) && Arrays.equals(certificate, g.certificate);
        }

        @Override
        public int hashCode() {
            return Objects.hash(rendezvousMix, Arrays.hashCode(cookie), bindingUntilMillis);
        }
    }

    /**
     * LOOKUP by key (§3.3): {@code form=1 1 | zone length 1 | zone | client key 32}; after the
     * form byte this is byte for byte the circuit layer's relay LOOKUP body after its request id
     * (which stays with the rendezvous Mix's translation and is echoed in the relay ANSWER).
     */
    record LookupByKey(String zone, IdentityPublicKey client) implements DirectoryRequest {
        /** Validates. */
        public LookupByKey {
            RateScope.requireZone(zone);
            Objects.requireNonNull(client, "client");
        }

        @Override
        public int type() {
            return DirectoryMessages.LOOKUP;
        }

        @Override
        public byte[] encodeBody() {
            return new MessageWriter().u8(1).zone(zone).key(client).toByteArray();
        }
    }

    /** LOOKUP by Herd address: {@code form=2 1 | length 1 | address ASCII (user@zone.herd)}. */
    record LookupByAddress(String address) implements DirectoryRequest {
        /** Longest address text accepted. */
        public static final int MAX_LENGTH = 128;

        /** Validates the length and characters (the address itself is parsed by the directory). */
        public LookupByAddress {
            Objects.requireNonNull(address, "address");
            if (address.isEmpty() || address.length() > MAX_LENGTH || !address.chars().allMatch(c -> c >= 0x21 && c <= 0x7E)) {
                throw new IllegalArgumentException("address must be 1.." + MAX_LENGTH + " printable ASCII characters");
            }
        }

        @Override
        public int type() {
            return DirectoryMessages.LOOKUP;
        }

        @Override
        public byte[] encodeBody() {
            return new MessageWriter().u8(2).ascii(address).toByteArray();
        }
    }

    /**
     * UTILISATION_REPORT (§3.1, §3.4.2): {@code mix key 32 | link class 1 (1 client, 2 superpeer,
     * 3 intra-zone mix, 4 inter-zone mix) | zone length 1 | zone | peer zone length 1 (0 for one
     * zone) | peer zone | epoch 8 | peak cells/tick 4 | mean milli-cells/tick 4 | capacity
     * cells/tick 4 | clients 4 | calls 4 | timestamp 8 | signature 64} by the mix's identity key;
     * clients and calls are the Mix's client links up and calls spliced at it when it reports.
     * The earlier form without clients and calls (8 bytes shorter) is refused as
     * {@link DirectoryStatus#UNSUPPORTED} naming it.
     */
    record Report(IdentityPublicKey mix, RateScope scope, long epoch, int peakCellsPerTick, int meanMilliCellsPerTick,
                  int capacityCellsPerTick, int clients, int calls, long timestampMillis, byte[] signature)
            implements DirectoryRequest {

        /** Bytes after the scope: epoch 8, peak, mean, capacity, clients, calls 4 each, timestamp 8, signature. */
        static final int BYTES_AFTER_SCOPE = 8 + 5 * 4 + 8 + SIGNATURE_SIZE;
        /** Bytes after the scope of the earlier form, without clients and calls. */
        static final int OLD_BYTES_AFTER_SCOPE = BYTES_AFTER_SCOPE - 8;

        /** Validates and copies. */
        public Report {
            Objects.requireNonNull(mix, "mix");
            Objects.requireNonNull(scope, "scope");
            signature = MessageReader.exactCopy(signature, SIGNATURE_SIZE, "signature");
        }

        /** A report signed by the mix for the directory of {@code zone}. */
        public static Report sign(IdentityKeyPair mix, String zone, UtilisationReport report, long timestampMillis) {
            if (!report.countsReported()) {
                throw new IllegalArgumentException("a report is sent with its client and call counts");
            }
            int mean = (int) Math.round(report.meanCellsPerTick() * 1000.0);
            Report unsigned = new Report(mix.publicKey(), report.scope(), report.epoch(), report.peakCellsPerTick(),
                    mean, report.capacityCellsPerTick(), report.clients(), report.calls(), timestampMillis,
                    new byte[SIGNATURE_SIZE]);
            return new Report(mix.publicKey(), report.scope(), report.epoch(), report.peakCellsPerTick(), mean,
                    report.capacityCellsPerTick(), report.clients(), report.calls(), timestampMillis,
                    mix.sign(DirectoryMessages.signedMessage(DirectoryMessages.UTILISATION_REPORT, zone,
                            unsigned.encodeBody())));
        }

        /**
         * The report as the rate controller takes it.
         *
         * @throws IllegalArgumentException if the figures are inconsistent (peak above capacity,
         *     a negative client or call count …)
         */
        public UtilisationReport toUtilisationReport() {
            if (clients < 0 || calls < 0) {
                throw new IllegalArgumentException("negative client (" + clients + ") or call (" + calls + ") count");
            }
            return new UtilisationReport(mix, scope, epoch, peakCellsPerTick, meanMilliCellsPerTick / 1000.0,
                    capacityCellsPerTick, clients, calls);
        }

        @Override
        public int type() {
            return DirectoryMessages.UTILISATION_REPORT;
        }

        @Override
        public byte[] encodeBody() {
            return new MessageWriter().key(mix).scope(scope).int64(epoch).int32(peakCellsPerTick).int32(meanMilliCellsPerTick).int32(capacityCellsPerTick)
                    .int32(clients).int32(calls).int64(timestampMillis).bytes(signature).toByteArray();
        }

        static Report decodeBody(MessageReader r) throws DirectoryProtocolException {
            IdentityPublicKey mix = r.identityKey("mix key");
            RateScope scope = r.scope("report scope");
            if (r.remaining() == OLD_BYTES_AFTER_SCOPE) {
                // Nothing was deployed with the earlier form: refuse it by name rather than guess the counts.
                throw new DirectoryProtocolException(DirectoryStatus.UNSUPPORTED, "UTILISATION_REPORT in the earlier"
                        + " form without client and call counts (" + OLD_BYTES_AFTER_SCOPE + " bytes after the scope,"
                        + " not " + BYTES_AFTER_SCOPE + "); upgrade the Mix");
            }
            return new Report(mix, scope, r.int64("epoch"), r.int32("peak"), r.int32("mean"), r.int32("capacity"),
                    r.int32("clients"), r.int32("calls"), r.int64("timestamp"), r.bytes(SIGNATURE_SIZE, "signature"));
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Report p && mix.equals(p.mix) && scope.equals(p.scope) && epoch == p.epoch
                    && peakCellsPerTick == p.peakCellsPerTick && meanMilliCellsPerTick == p.meanMilliCellsPerTick
                    && capacityCellsPerTick == p.capacityCellsPerTick && clients == p.clients && calls == p.calls
                    && timestampMillis == p.timestampMillis && Arrays.equals(signature, p.signature);
        }

        @Override
        public int hashCode() {
            return Objects.hash(mix, scope, epoch, timestampMillis);
        }
    }

    /**
     * RATE_PROPOSAL (§3.4.3), between the directories of a zone pair: {@code zone certificate
     * length 2 | the proposing directory's zone certificate | zone A length 1 | zone A | zone B
     * length 1 | zone B (A &lt; B) | effective epoch 8 | effective-at ms 8 | rate cells/tick 4 |
     * announced-at ms 8 | signature 64} by the proposing directory's identity key (the key the
     * zone certificate names; the certificate's zone is the announcing zone).
     */
    record Proposal(byte[] zoneCertificate, RateScope scope, long effectiveEpoch, long effectiveAtMillis,
                    int rateCellsPerTick, long announcedAtMillis, byte[] signature) implements DirectoryRequest {
        /** Validates and copies. */
        public Proposal {
            zoneCertificate = Objects.requireNonNull(zoneCertificate, "zoneCertificate").clone();
            if (zoneCertificate.length < 1 || zoneCertificate.length > HerdCertificate.MAX_ENCODED_SIZE) {
                throw new IllegalArgumentException("zone certificate of " + zoneCertificate.length + " bytes");
            }
            Objects.requireNonNull(scope, "scope");
            if (scope.linkClass() != LinkClass.INTER_ZONE_MIX) {
                throw new IllegalArgumentException("only inter-zone rates are proposed: " + scope);
            }
            signature = MessageReader.exactCopy(signature, SIGNATURE_SIZE, "signature");
        }

        /** The proposal of {@code announcement}, signed by the announcing directory for the peer's zone. */
        public static Proposal sign(IdentityKeyPair directory, byte[] zoneCertificate, RateAnnouncement a) {
            String peer = a.scope().otherZone(a.announcingZone());
            Proposal unsigned = new Proposal(zoneCertificate, a.scope(), a.effectiveEpoch(), a.effectiveAtMillis(),
                    a.rateCellsPerTick(), a.announcedAtMillis(), new byte[SIGNATURE_SIZE]);
            return new Proposal(zoneCertificate, a.scope(), a.effectiveEpoch(), a.effectiveAtMillis(),
                    a.rateCellsPerTick(), a.announcedAtMillis(), directory.sign(DirectoryMessages.signedMessage(
                            DirectoryMessages.RATE_PROPOSAL, peer, unsigned.encodeBody())));
        }

        @Override
        public byte[] zoneCertificate() {
            return zoneCertificate.clone();
        }

        @Override
        public int type() {
            return DirectoryMessages.RATE_PROPOSAL;
        }

        @Override
        public byte[] encodeBody() {
            return new MessageWriter().blob16(zoneCertificate).zone(scope.zone()).zone(scope.peerZone())
                    .int64(effectiveEpoch).int64(effectiveAtMillis).int32(rateCellsPerTick).int64(announcedAtMillis)
                    .bytes(signature).toByteArray();
        }

        static Proposal decodeBody(MessageReader r) throws DirectoryProtocolException {
            byte[] cert = r.blob16("zone certificate", 1, HerdCertificate.MAX_ENCODED_SIZE);
            String a = r.zone("zone A");
            String b = r.zone("zone B");
            if (a.compareTo(b) >= 0) {
                throw r.malformed("zone pair not in sorted order");
            }
            return new Proposal(cert, new RateScope(LinkClass.INTER_ZONE_MIX, a, b), r.int64("effective epoch"),
                    r.int64("effective at"), r.int32("rate"), r.int64("announced at"),
                    r.bytes(SIGNATURE_SIZE, "signature"));
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Proposal p && Arrays.equals(zoneCertificate, p.zoneCertificate) && scope.equals(p.scope)
                    && effectiveEpoch == p.effectiveEpoch && effectiveAtMillis == p.effectiveAtMillis
                    && rateCellsPerTick == p.rateCellsPerTick && announcedAtMillis == p.announcedAtMillis
                    && Arrays.equals(signature, p.signature);
        }

        @Override
        public int hashCode() {
            return Objects.hash(scope, effectiveEpoch, rateCellsPerTick);
        }
    }
}
