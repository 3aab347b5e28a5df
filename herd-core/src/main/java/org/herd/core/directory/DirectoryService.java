package org.herd.core.directory;

import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLongArray;
import org.herd.core.crypto.CertificateException;
import org.herd.core.crypto.ClientCertificate;
import org.herd.core.crypto.HerdAddress;
import org.herd.core.crypto.IdentityKeyPair;
import org.herd.core.crypto.IdentityPublicKey;
import org.herd.core.crypto.MixDescriptor;
import org.herd.core.crypto.ZoneCertificate;
import org.herd.core.time.Clock;

/**
 * The request/response logic of a zone directory (§3.3 rendezvous, §3.4 link rates, §3.5 join
 * of the Herd paper), independent of any transport: {@link #handle(byte[])} takes the bytes of
 * one request ({@link DirectoryMessages}) and returns the bytes of its response. Every request
 * is validated — encoding, signatures, zone, validity, replay — and every refusal is an error
 * response with a {@link DirectoryStatus} and a reason; no exception escapes {@code handle}.
 *
 * <p>State lives in the {@link DirectoryStore} (durable before a response is produced: an OK to
 * REGISTER means the registration survives a {@code kill -9}); link rates in the
 * {@link LinkRateController}. Time comes only from the injected {@link Clock}, randomness (client
 * ids, the mix a client is redirected to) from the injected {@link SecureRandom}.
 *
 * <p>I5: REGISTER and LOOKUP reach the directory through the client's circuit, relayed by its
 * rendezvous mix; the request names the rendezvous mix, never the mix the client attaches to,
 * and the service stores nothing else about the sender.
 *
 * <p>Thread-safe: requests are handled one at a time (directory traffic is control-plane rare).
 */
public final class DirectoryService {

    /**
     * The service's tunables, validated once.
     *
     * @param certificateLifetimeMillis    validity of an issued client certificate
     * @param descriptorLifetimeMillis     validity of a mix descriptor issued by MIX_ENROLL
     * @param maxRegistrationLifetimeMillis longest a REGISTER binding may be valid from now
     * @param maxClockSkewMillis           accepted distance of a signed request's timestamp from our clock
     * @param documentLifetimeMillis       validity of a signed directory document
     * @param documentRefreshMillis        a cached document is re-signed after this long (or on change)
     * @param nonceCapacity                most nonces remembered for replay protection
     * @param enrolledMixes                the mix identity keys this directory issues descriptors for
     * @param peerZones                    the zones whose documents it imports and with which it agrees rates
     */
    public record Settings(long certificateLifetimeMillis, long descriptorLifetimeMillis,
                           long maxRegistrationLifetimeMillis, long maxClockSkewMillis, long documentLifetimeMillis,
                           long documentRefreshMillis, int nonceCapacity, Set<IdentityPublicKey> enrolledMixes,
                           Set<String> peerZones) {

        /** Validates every value. */
        public Settings {
            positive(certificateLifetimeMillis, "certificateLifetimeMillis");
            positive(descriptorLifetimeMillis, "descriptorLifetimeMillis");
            positive(maxRegistrationLifetimeMillis, "maxRegistrationLifetimeMillis");
            positive(maxClockSkewMillis, "maxClockSkewMillis");
            positive(documentLifetimeMillis, "documentLifetimeMillis");
            positive(documentRefreshMillis, "documentRefreshMillis");
            if (documentRefreshMillis >= documentLifetimeMillis) {
                throw new IllegalArgumentException("documentRefreshMillis must be below documentLifetimeMillis");
            }
            positive(nonceCapacity, "nonceCapacity");
            enrolledMixes = Set.copyOf(enrolledMixes);
            peerZones = Set.copyOf(peerZones);
            peerZones.forEach(RateScope::requireZone);
        }

        private static void positive(long v, String name) {
            if (v <= 0) {
                throw new IllegalArgumentException(name + " must be positive: " + v);
            }
        }
    }

    /** The document lists each scope's rate for the current epoch and this many following (announced) ones. */
    public static final int DOCUMENT_EPOCHS_AHEAD = 2;

    private final Settings settings;
    private final IdentityKeyPair directoryKey;
    private final ZoneCertificate zoneCertificate;
    private final IdentityPublicKey root;
    private final String zone;
    private final DirectoryStore store;
    private final LinkRateController rates;
    private final EpochSchedule schedule;
    private final Clock clock;
    private final SecureRandom random;
    private final ReplayGuard replay;
    private final Map<String, ZoneCertificate> peerCertificates = new LinkedHashMap<>();
    private final AtomicLongArray responsesByStatus = new AtomicLongArray(DirectoryStatus.UNAVAILABLE + 1);
    private DirectoryDocument cachedDocument;

    /**
     * A service for the zone of {@code zoneCertificate}.
     *
     * @throws IllegalArgumentException if the zone certificate does not verify against {@code root}
     *                                  now or does not name {@code directoryKey}: a directory must not
     *                                  start with credentials nobody can verify
     */
    public DirectoryService(Settings settings, IdentityKeyPair directoryKey, ZoneCertificate zoneCertificate,
                            IdentityPublicKey root, DirectoryStore store, LinkRateController rates,
                            EpochSchedule schedule, Clock clock, SecureRandom random) {
        this.settings = Objects.requireNonNull(settings, "settings");
        this.directoryKey = Objects.requireNonNull(directoryKey, "directoryKey");
        this.zoneCertificate = Objects.requireNonNull(zoneCertificate, "zoneCertificate");
        this.root = Objects.requireNonNull(root, "root");
        this.store = Objects.requireNonNull(store, "store");
        this.rates = Objects.requireNonNull(rates, "rates");
        this.schedule = Objects.requireNonNull(schedule, "schedule");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.random = Objects.requireNonNull(random, "random");
        this.zone = zoneCertificate.zone();
        try {
            zoneCertificate.verify(root, clock);
        } catch (CertificateException e) {
            throw new IllegalArgumentException("the zone certificate does not verify against the root key: "
                    + e.getMessage(), e);
        }
        if (!zoneCertificate.directoryKey().equals(directoryKey.publicKey())) {
            throw new IllegalArgumentException("the zone certificate names directory key "
                    + zoneCertificate.directoryKey() + ", not ours " + directoryKey.publicKey());
        }
        this.replay = new ReplayGuard(settings.maxClockSkewMillis(), settings.nonceCapacity());
    }

    /** The zone this directory serves. */
    public String zone() {
        return zone;
    }

    /**
     * Reloads the rate announcements of the current and later epochs from the store into the
     * controller (after a restart); returns how many were restored.
     */
    public synchronized int restoreRates() {
        long current = schedule.currentEpoch(clock);
        int n = 0;
        for (RateAnnouncement a : store.rateAnnouncementsFrom(Math.max(0, current - 1))) {
            if (rates.restore(a)) {
                n++;
            }
        }
        return n;
    }

    // ---------------------------------------------------------------- dispatch

    /** Answers one request; never throws (every failure is an error response). */
    public synchronized byte[] handle(byte[] request) {
        DirectoryResponse response = respond(request);
        responsesByStatus.incrementAndGet(Math.min(response.status(), responsesByStatus.length() - 1));
        return DirectoryMessages.encodeResponse(response);
    }

    private DirectoryResponse respond(byte[] request) {
        int type = DirectoryMessages.peekType(request);
        long id = DirectoryMessages.peekRequestId(request);
        try {
            DirectoryMessages.Envelope e = DirectoryMessages.decodeRequest(request);
            return DirectoryResponse.ok(type, id, dispatch(e.request()));
        } catch (DirectoryProtocolException e) {
            return DirectoryResponse.error(type, id, e.status(), e.getMessage());
        } catch (DirectoryStoreException e) {
            int status = e.reason() == DirectoryStoreException.Reason.CONFLICT ? DirectoryStatus.CONFLICT
                    : DirectoryStatus.UNAVAILABLE;
            return DirectoryResponse.error(type, id, status, "directory store: " + e.reason());
        } catch (RuntimeException e) {
            // A bug or an unexpected failure must not take the directory down or leak a stack trace
            // to the network: answer UNAVAILABLE, count it (internalErrors()).
            return DirectoryResponse.error(type, id, DirectoryStatus.UNAVAILABLE, "internal error");
        }
    }

    private byte[] dispatch(DirectoryRequest request) throws DirectoryProtocolException {
        if (request instanceof DirectoryRequest.Join j) {
            return join(j);
        } else if (request instanceof DirectoryRequest.EnrollDescriptor d) {
            return enrollDescriptor(d);
        } else if (request instanceof DirectoryRequest.EnrollIssue i) {
            return enrollIssue(i);
        } else if (request instanceof DirectoryRequest.GetDirectory) {
            return document().encoded();
        } else if (request instanceof DirectoryRequest.Register r) {
            return register(r);
        } else if (request instanceof DirectoryRequest.LookupByKey l) {
            return lookupByKey(l);
        } else if (request instanceof DirectoryRequest.LookupByAddress l) {
            return lookupByAddress(l);
        } else if (request instanceof DirectoryRequest.Report r) {
            return report(r);
        } else if (request instanceof DirectoryRequest.Proposal p) {
            return proposal(p);
        }
        throw new DirectoryProtocolException(DirectoryStatus.UNSUPPORTED, "unhandled request " + request);
    }

    // ---------------------------------------------------------------- JOIN (§3.5)

    private byte[] join(DirectoryRequest.Join j) throws DirectoryProtocolException {
        long now = clock.epochMillis();
        requireSignature(j.client(), DirectoryMessages.JOIN, j.encodeBody(), j.signature(), "JOIN");
        replay.checkFresh(j.client(), j.nonce(), j.timestampMillis(), now, "JOIN");
        List<MixDescriptorRecord> mixes = store.validMixDescriptors(zone, now);
        if (mixes.isEmpty()) {
            throw new DirectoryProtocolException(DirectoryStatus.UNAVAILABLE, "zone " + zone + " has no valid mix");
        }
        ClientCertificate certificate = issueCertificate(j.client(), now);
        // The mix a client attaches to is drawn uniformly from the zone's valid mixes: the
        // directory has no say in which mix a particular client uses beyond a fair draw.
        MixDescriptorRecord mix = mixes.get(random.nextInt(mixes.size()));
        return new DirectoryResponse.JoinResult(certificate.encoded(), certificate.address().toString(),
                mix.signedDescriptor(), document().encoded()).encode();
    }

    private ClientCertificate issueCertificate(IdentityPublicKey client, long now) throws DirectoryProtocolException {
        Optional<ClientCertificateRecord> existing = store.clientCertificate(client);
        if (existing.isPresent() && existing.get().expiresAtMillis() - now > settings.certificateLifetimeMillis() / 2) {
            try {
                return ClientCertificate.decode(existing.get().signedCertificate());
            } catch (CertificateException e) {
                throw new DirectoryStoreException(DirectoryStoreException.Reason.CORRUPT,
                        "stored certificate of " + client + " unreadable: " + e.getMessage());
            }
        }
        long clientId;
        if (existing.isPresent()) {
            try {
                clientId = ClientCertificate.decode(existing.get().signedCertificate()).clientId();
            } catch (CertificateException e) {
                throw new DirectoryStoreException(DirectoryStoreException.Reason.CORRUPT,
                        "stored certificate of " + client + " unreadable: " + e.getMessage());
            }
        } else {
            clientId = random.nextLong() & Long.MAX_VALUE;
        }
        long until = Math.min(now + settings.certificateLifetimeMillis(), zoneCertificate.validUntil());
        if (until - now <= 0) {
            throw new DirectoryProtocolException(DirectoryStatus.UNAVAILABLE, "the zone certificate has expired");
        }
        ClientCertificate c = ClientCertificate.issue(directoryKey, zone, clientId, client, now, until);
        store.putClientCertificate(new ClientCertificateRecord(client, zone, c.address().toString(), c.encoded(),
                now, until));
        return c;
    }

    /**
     * A page of the client certificates this directory issued that are valid now (see
     * {@link IssuedCertificates}; the store keeps them across restarts).
     */
    public synchronized List<ClientCertificateRecord> validClientCertificates(IdentityPublicKey after, int limit) {
        return store.clientCertificatesValidAt(zone, clock.epochMillis(), after, limit);
    }

    // ---------------------------------------------------------------- MIX_ENROLL (§3.5)

    private byte[] enrollDescriptor(DirectoryRequest.EnrollDescriptor d) throws DirectoryProtocolException {
        MixDescriptor descriptor;
        try {
            descriptor = MixDescriptor.decode(d.descriptor());
            descriptor.verify(zoneCertificate, clock);
        } catch (CertificateException e) {
            throw certificateRefusal("descriptor", e);
        }
        publish(descriptor);
        return new MessageWriter().blob16(descriptor.encoded()).toByteArray();
    }

    private byte[] enrollIssue(DirectoryRequest.EnrollIssue i) throws DirectoryProtocolException {
        long now = clock.epochMillis();
        if (!settings.enrolledMixes().contains(i.mix())) {
            throw new DirectoryProtocolException(DirectoryStatus.NOT_ENROLLED,
                    "mix " + i.mix() + " is not enrolled in zone " + zone);
        }
        requireSignature(i.mix(), DirectoryMessages.MIX_ENROLL, i.encodeBody(), i.signature(), "MIX_ENROLL");
        replay.checkFresh(i.mix(), i.nonce(), i.timestampMillis(), now, "MIX_ENROLL");
        long until = Math.min(now + settings.descriptorLifetimeMillis(), zoneCertificate.validUntil());
        MixDescriptor descriptor;
        try {
            descriptor = MixDescriptor.issue(directoryKey, zone, i.mix(), i.onionKey(), i.address(), now, until);
        } catch (IllegalArgumentException e) {
            throw new DirectoryProtocolException(DirectoryStatus.BAD_REQUEST, e.getMessage());
        }
        publish(descriptor);
        return new MessageWriter().blob16(descriptor.encoded()).toByteArray();
    }

    private void publish(MixDescriptor descriptor) throws DirectoryProtocolException {
        Optional<MixDescriptorRecord> stored = store.mixDescriptor(descriptor.mixKey());
        if (stored.isPresent() && stored.get().validAfterMillis() - descriptor.validFrom() > 0) {
            // A descriptor older than the published one (e.g. with a retired onion key) must not
            // roll the publication back.
            throw new DirectoryProtocolException(DirectoryStatus.REPLAYED, "a newer descriptor of "
                    + descriptor.mixKey() + " (valid from " + stored.get().validAfterMillis() + ") is published");
        }
        store.putMixDescriptor(new MixDescriptorRecord(descriptor.mixKey(), zone, descriptor.encoded(),
                descriptor.validFrom(), descriptor.validUntil(), clock.epochMillis()));
        cachedDocument = null;
    }

    /** Publishes a descriptor this directory issued itself (e.g. by {@link ZoneBootstrap}); same checks as MIX_ENROLL. */
    public synchronized void publishDescriptor(byte[] descriptor) throws DirectoryProtocolException {
        enrollDescriptor(new DirectoryRequest.EnrollDescriptor(descriptor));
    }

    // ---------------------------------------------------------------- GET_DIRECTORY

    /** The current signed document (cached; re-signed after a change or {@code documentRefreshMillis}). */
    public synchronized DirectoryDocument document() {
        long now = clock.epochMillis();
        if (cachedDocument != null && now - cachedDocument.publishedAtMillis() < settings.documentRefreshMillis()
                && now - cachedDocument.publishedAtMillis() >= 0) {
            return cachedDocument;
        }
        List<byte[]> descriptors = new ArrayList<>();
        for (MixDescriptorRecord r : store.validMixDescriptors(zone, now)) {
            descriptors.add(r.signedDescriptor());
        }
        List<ZoneCertificate> peers = new ArrayList<>();
        for (ZoneCertificate peer : peerCertificates.values()) {
            if (peer.validUntil() - now > 0) {
                peers.add(peer);
                for (MixDescriptorRecord r : store.validMixDescriptors(peer.zone(), now)) {
                    descriptors.add(r.signedDescriptor());
                }
            }
        }
        long current = schedule.currentEpoch(clock);
        List<DirectoryDocument.Rate> rateList = new ArrayList<>();
        for (RateScope scope : rates.scopes()) {
            for (long e = current; e <= current + DOCUMENT_EPOCHS_AHEAD; e++) {
                rateList.add(new DirectoryDocument.Rate(scope, e, rates.rateAt(scope, e)));
            }
        }
        long until = Math.min(now + settings.documentLifetimeMillis(), zoneCertificate.validUntil());
        cachedDocument = DirectoryDocument.sign(directoryKey, zoneCertificate, peers, descriptors, rateList, schedule,
                now, until);
        return cachedDocument;
    }

    /**
     * Imports a peer zone's signed document (fetched from the peer directory): verifies it against
     * the root, then keeps its zone certificate and stores its valid descriptors, which this
     * directory's own document then lists. Returns how many descriptors were stored.
     *
     * @throws DirectoryProtocolException if the document does not verify or its zone is not a configured peer
     */
    public synchronized int importPeerDocument(byte[] bytes) throws DirectoryProtocolException {
        DirectoryDocument doc = DirectoryDocument.decode(bytes);
        if (!settings.peerZones().contains(doc.zone())) {
            throw new DirectoryProtocolException(DirectoryStatus.UNKNOWN_ZONE, doc.zone() + " is not a peer zone of " + zone);
        }
        List<MixDescriptor> valid = doc.verify(root, clock);
        ZoneCertificate peer;
        try {
            peer = ZoneCertificate.decode(doc.zoneCertificate());
        } catch (CertificateException e) {
            throw new DirectoryProtocolException(DirectoryStatus.MALFORMED, e.getMessage());
        }
        peerCertificates.put(peer.zone(), peer);
        int n = 0;
        long now = clock.epochMillis();
        for (MixDescriptor m : valid) {
            if (m.zone().equals(peer.zone())) {
                store.putMixDescriptor(new MixDescriptorRecord(m.mixKey(), m.zone(), m.encoded(), m.validFrom(),
                        m.validUntil(), now));
                n++;
            }
        }
        cachedDocument = null;
        return n;
    }

    // ---------------------------------------------------------------- REGISTER / LOOKUP (§3.3)

    private byte[] register(DirectoryRequest.Register r) throws DirectoryProtocolException {
        long now = clock.epochMillis();
        ClientCertificate certificate;
        try {
            certificate = ClientCertificate.decode(r.certificate());
            certificate.verify(zoneCertificate, clock);
        } catch (CertificateException e) {
            throw certificateRefusal("client certificate", e);
        }
        requireZoneMix(r.rendezvousMix(), now);
        long until = r.bindingUntilMillis();
        if (until - now <= 0) {
            throw new DirectoryProtocolException(DirectoryStatus.STALE, "binding expired at " + until + ", now " + now);
        }
        if (until - now > settings.maxRegistrationLifetimeMillis()) {
            throw new DirectoryProtocolException(DirectoryStatus.BAD_REQUEST, "binding valid until " + until
                    + " is more than " + settings.maxRegistrationLifetimeMillis() + " ms ahead");
        }
        RendezvousBinding binding = r.binding(certificate.clientKey(), zone);
        if (!binding.verify()) {
            throw new DirectoryProtocolException(DirectoryStatus.BAD_SIGNATURE,
                    "binding not signed by " + certificate.clientKey() + " for rendezvous mix " + r.rendezvousMix());
        }
        Optional<RendezvousRegistration> previous = store.lookupRendezvous(certificate.clientKey(), now);
        if (previous.isPresent() && previous.get().expiresAtMillis() - until > 0) {
            // Valid-until never goes backwards: an older REGISTER replayed is refused.
            throw new DirectoryProtocolException(DirectoryStatus.REPLAYED, "a registration valid until "
                    + previous.get().expiresAtMillis() + " is newer than this one (" + until + ")");
        }
        store.register(new RendezvousRegistration(certificate.clientKey(), r.rendezvousMix(), now, until),
                binding.encodeStored());
        return new byte[0];
    }

    private byte[] lookupByKey(DirectoryRequest.LookupByKey l) throws DirectoryProtocolException {
        if (!l.zone().equals(zone)) {
            throw new DirectoryProtocolException(DirectoryStatus.UNKNOWN_ZONE,
                    "this is the directory of " + zone + ", not " + l.zone());
        }
        return answer(l.client());
    }

    private byte[] lookupByAddress(DirectoryRequest.LookupByAddress l) throws DirectoryProtocolException {
        HerdAddress address;
        try {
            address = HerdAddress.parse(l.address());
        } catch (IllegalArgumentException e) {
            throw new DirectoryProtocolException(DirectoryStatus.BAD_REQUEST, e.getMessage());
        }
        if (!address.zone().equals(zone)) {
            throw new DirectoryProtocolException(DirectoryStatus.UNKNOWN_ZONE,
                    "this is the directory of " + zone + ", not " + address.zone());
        }
        Optional<ClientCertificateRecord> c = store.clientCertificateByAddress(address.toString());
        if (c.isEmpty()) {
            throw new DirectoryProtocolException(DirectoryStatus.UNKNOWN_CLIENT, "no client " + address);
        }
        return answer(c.get().client());
    }

    private byte[] answer(IdentityPublicKey client) throws DirectoryProtocolException {
        long now = clock.epochMillis();
        Optional<RendezvousRegistration> reg = store.lookupRendezvous(client, now);
        if (reg.isEmpty()) {
            if (store.clientCertificate(client).isEmpty()) {
                throw new DirectoryProtocolException(DirectoryStatus.UNKNOWN_CLIENT, "no client " + client + " in " + zone);
            }
            throw new DirectoryProtocolException(DirectoryStatus.NOT_REGISTERED, client + " has no live registration");
        }
        Optional<byte[]> stored = store.rendezvousBinding(client, now);
        Optional<MixDescriptorRecord> mix = store.mixDescriptor(reg.get().rendezvousMix());
        if (stored.isEmpty() || mix.isEmpty() || !mix.get().isValidAt(now)) {
            // Registered by an older version without a binding, or its rendezvous mix has left
            // the zone: the caller could not reach the client through it.
            throw new DirectoryProtocolException(DirectoryStatus.NOT_REGISTERED,
                    client + " is registered at a mix that is no longer valid");
        }
        RendezvousBinding b = RendezvousBinding.decodeStored(zone, client, reg.get().rendezvousMix(), stored.get());
        return new DirectoryResponse.LookupResult(reg.get().rendezvousMix().encoded(), b.cookie(), b.onionKey(),
                b.validUntilMillis(), b.signature(), mix.get().signedDescriptor()).encode();
    }

    // ---------------------------------------------------------------- rates (§3.4.2, §3.4.3)

    private byte[] report(DirectoryRequest.Report r) throws DirectoryProtocolException {
        long now = clock.epochMillis();
        requireZoneMix(r.mix(), now);
        requireSignature(r.mix(), DirectoryMessages.UTILISATION_REPORT, r.encodeBody(), r.signature(),
                "UTILISATION_REPORT");
        UtilisationReport report;
        try {
            report = r.toUtilisationReport();
        } catch (IllegalArgumentException e) {
            throw new DirectoryProtocolException(DirectoryStatus.BAD_REQUEST, e.getMessage());
        }
        replay.checkIncreasing(r.mix(), r.timestampMillis(), now, "UTILISATION_REPORT");
        LinkRateController.ReportOutcome outcome = rates.report(report);
        if (outcome != LinkRateController.ReportOutcome.ACCEPTED) {
            throw new DirectoryProtocolException(DirectoryStatus.REJECTED, "report " + outcome);
        }
        store.putUtilisationReport(report, now);
        return new byte[0];
    }

    private byte[] proposal(DirectoryRequest.Proposal p) throws DirectoryProtocolException {
        long now = clock.epochMillis();
        ZoneCertificate peer;
        try {
            peer = ZoneCertificate.decode(p.zoneCertificate());
            peer.verify(root, clock);
        } catch (CertificateException e) {
            throw certificateRefusal("peer zone certificate", e);
        }
        if (!settings.peerZones().contains(peer.zone()) || !p.scope().involves(zone) || !p.scope().involves(peer.zone())) {
            throw new DirectoryProtocolException(DirectoryStatus.UNKNOWN_ZONE, "proposal from " + peer.zone()
                    + " for " + p.scope() + " is not between " + zone + " and a peer zone");
        }
        requireSignature(peer.directoryKey(), DirectoryMessages.RATE_PROPOSAL, p.encodeBody(), p.signature(),
                "RATE_PROPOSAL");
        replay.checkTimestamp(p.announcedAtMillis(), now, "RATE_PROPOSAL");
        RateAnnouncement a;
        try {
            a = new RateAnnouncement(p.scope(), p.effectiveEpoch(), p.effectiveAtMillis(), p.rateCellsPerTick(),
                    peer.zone(), p.announcedAtMillis());
        } catch (IllegalArgumentException e) {
            throw new DirectoryProtocolException(DirectoryStatus.BAD_REQUEST, e.getMessage());
        }
        LinkRateController.ProposalOutcome outcome = rates.acceptPeerProposal(a);
        if (outcome == LinkRateController.ProposalOutcome.CONFLICT) {
            throw new DirectoryProtocolException(DirectoryStatus.CONFLICT, "proposal " + outcome);
        }
        if (outcome != LinkRateController.ProposalOutcome.ACCEPTED) {
            throw new DirectoryProtocolException(DirectoryStatus.REJECTED, "proposal " + outcome);
        }
        store.putRateAnnouncement(a);
        cachedDocument = null;
        return new byte[0];
    }

    /** A request for a peer directory: where to send it and its bytes. */
    public record PeerRequest(String peerZone, byte[] request) {
    }

    /**
     * Runs the rate controller's epoch step (call about once a second): stores the announcements
     * it decides, and returns the RATE_PROPOSAL requests to send to peer directories.
     */
    public synchronized List<PeerRequest> onEpoch() {
        List<PeerRequest> out = new ArrayList<>();
        for (RateAnnouncement a : rates.onEpoch()) {
            store.putRateAnnouncement(a);
            cachedDocument = null;
            if (a.scope().linkClass() == LinkClass.INTER_ZONE_MIX) {
                DirectoryRequest.Proposal p = DirectoryRequest.Proposal.sign(directoryKey, zoneCertificate.encoded(), a);
                out.add(new PeerRequest(a.scope().otherZone(zone),
                        DirectoryMessages.encodeRequest(random.nextLong(), p)));
            }
        }
        return out;
    }

    /**
     * Deletes what can no longer be used: lapsed registrations, expired client certificates,
     * expired descriptors (of this zone and of peers) and utilisation reports of epochs already decided (older than the previous
     * epoch). Returns how many rows were removed. Call it now and then (the role does, once per
     * epoch); it never removes anything a request could still be answered from.
     */
    public synchronized int purgeExpired() {
        long now = clock.epochMillis();
        long current = schedule.currentEpoch(clock);
        int n = store.purgeExpiredRegistrations(now) + store.purgeExpiredMixDescriptors(now)
                + store.purgeUtilisationReportsBefore(Math.max(0, current - 1))
                + store.purgeExpiredClientCertificates(now);
        if (n > 0) {
            cachedDocument = null;
        }
        return n;
    }

    // ---------------------------------------------------------------- helpers

    private void requireZoneMix(IdentityPublicKey mix, long now) throws DirectoryProtocolException {
        Optional<MixDescriptorRecord> d = store.mixDescriptor(mix);
        if (d.isEmpty() || !d.get().zone().equals(zone) || !d.get().isValidAt(now)) {
            throw new DirectoryProtocolException(DirectoryStatus.NOT_A_ZONE_MIX,
                    mix + " is not a mix of zone " + zone + " with a valid descriptor");
        }
    }

    private void requireSignature(IdentityPublicKey signer, int type, byte[] body, byte[] signature, String what)
            throws DirectoryProtocolException {
        if (!signer.verify(DirectoryMessages.signedMessage(type, zone, body), signature)) {
            throw new DirectoryProtocolException(DirectoryStatus.BAD_SIGNATURE,
                    what + " not signed by " + signer + " for zone " + zone);
        }
    }

    private static DirectoryProtocolException certificateRefusal(String what, CertificateException e) {
        int status = switch (e.reason()) {
            case MALFORMED, WRONG_KIND -> DirectoryStatus.MALFORMED;
            case BAD_SIGNATURE, ADDRESS_MISMATCH -> DirectoryStatus.BAD_SIGNATURE;
            case NOT_YET_VALID, EXPIRED -> DirectoryStatus.STALE;
            case WRONG_ZONE -> DirectoryStatus.UNKNOWN_ZONE;
        };
        return new DirectoryProtocolException(status, what + ": " + e.getMessage());
    }

    /** Responses sent so far with {@code status} (unknown statuses are counted under the last code). */
    public long responses(int status) {
        return responsesByStatus.get(Math.min(Math.max(status, 0), responsesByStatus.length() - 1));
    }
}
