package org.herd.core.directory;

import static org.herd.core.directory.DirectoryServiceFixture.DAY;
import static org.herd.core.directory.DirectoryServiceFixture.T0;
import static org.herd.core.directory.DirectoryServiceFixture.call;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.herd.core.crypto.ClientCertificate;
import org.herd.core.crypto.HerdAddress;
import org.herd.core.crypto.IdentityKeyPair;
import org.herd.core.crypto.IdentityPublicKey;
import org.herd.core.crypto.MixDescriptor;
import org.herd.core.crypto.OnionKeyPair;
import org.herd.core.crypto.ZoneCertificate;
import org.herd.core.time.ManualClock;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Every directory request, accepted and refused, against a real store, root and controller. */
class DirectoryServiceTest {

    @TempDir
    Path dir;

    DirectoryServiceFixture f;
    SecureRandom clientRandom;

    @BeforeEach
    void setUp() throws Exception {
        f = new DirectoryServiceFixture(dir, System.nanoTime());
        clientRandom = SecureRandom.getInstance("SHA1PRNG");
        clientRandom.setSeed(f.seed + 1);
    }

    @AfterEach
    void tearDown() {
        f.close();
    }

    private IdentityKeyPair newClient() {
        return IdentityKeyPair.generate(clientRandom);
    }

    private DirectoryResponse join(IdentityKeyPair client) throws Exception {
        return call(f.alpha, DirectoryRequest.Join.sign(client, "alpha", f.clock.epochMillis(), f.nonce()));
    }

    private static void assertStatus(int expected, DirectoryResponse r) {
        assertEquals(DirectoryStatus.name(expected), DirectoryStatus.name(r.status()), r.toString());
        if (expected != DirectoryStatus.OK) {
            assertFalse(r.reason().isEmpty(), "a refusal says why");
        }
    }

    // ---------------------------------------------------------------- JOIN

    @Test
    void joinIssuesAVerifiableCertificateAddressRedirectAndMixList() throws Exception {
        IdentityKeyPair client = newClient();
        DirectoryResponse r = join(client);
        assertStatus(DirectoryStatus.OK, r);
        DirectoryResponse.JoinResult j = DirectoryResponse.JoinResult.decode(r.body());
        ClientCertificate cert = ClientCertificate.decode(j.clientCertificate());
        cert.verify(f.zone("alpha").certificate(), f.clock);
        assertEquals(client.publicKey(), cert.clientKey());
        assertEquals(HerdAddress.of(client.publicKey(), "alpha").toString(), j.herdAddress());
        HerdAddress.parse(j.herdAddress()).verify(cert);
        MixDescriptor redirect = MixDescriptor.decode(j.mixDescriptor());
        redirect.verify(f.zone("alpha").certificate(), f.clock);
        List<MixDescriptor> listed = DirectoryDocument.decode(j.directoryDocument())
                .verify(f.network.root().publicKey(), f.clock);
        assertEquals(3, listed.size());
        assertTrue(listed.contains(redirect), "the redirect is one of the zone's listed mixes");

        // Joining again (fresh nonce) keeps the client's id and address.
        DirectoryResponse again = join(client);
        assertStatus(DirectoryStatus.OK, again);
        ClientCertificate cert2 = ClientCertificate.decode(DirectoryResponse.JoinResult.decode(again.body()).clientCertificate());
        assertEquals(cert.clientId(), cert2.clientId());
        assertEquals(cert.address(), cert2.address());
    }

    @Test
    void joinRedirectsUniformlyOverTheZonesMixes() throws Exception {
        Map<IdentityPublicKey, Integer> counts = new HashMap<>();
        int n = 300;
        for (int i = 0; i < n; i++) {
            DirectoryResponse r = join(newClient());
            MixDescriptor m = MixDescriptor.decode(DirectoryResponse.JoinResult.decode(r.body()).mixDescriptor());
            counts.merge(m.mixKey(), 1, Integer::sum);
        }
        assertEquals(3, counts.size(), "every mix gets clients");
        // Expected 100 each; a uniform draw falls below 60 or above 140 with probability < 1e-5.
        for (int c : counts.values()) {
            assertTrue(c > 60 && c < 140, "counts " + counts.values() + " (seed " + f.seed + ")");
        }
    }

    @Test
    void joinRefusals() throws Exception {
        IdentityKeyPair client = newClient();
        long now = f.clock.epochMillis();
        // Signature by another key than the one presented.
        DirectoryRequest.Join good = DirectoryRequest.Join.sign(client, "alpha", now, f.nonce());
        DirectoryRequest.Join forged = new DirectoryRequest.Join(newClient().publicKey(), now, good.nonce(), good.signature());
        assertStatus(DirectoryStatus.BAD_SIGNATURE, call(f.alpha, forged));
        // Signed for another zone's directory.
        assertStatus(DirectoryStatus.BAD_SIGNATURE,
                call(f.alpha, DirectoryRequest.Join.sign(client, "beta", now, f.nonce())));
        // Timestamp too old / too far ahead.
        assertStatus(DirectoryStatus.STALE,
                call(f.alpha, DirectoryRequest.Join.sign(client, "alpha", now - 300_001, f.nonce())));
        assertStatus(DirectoryStatus.STALE,
                call(f.alpha, DirectoryRequest.Join.sign(client, "alpha", now + 300_001, f.nonce())));
        // Replay of an accepted JOIN.
        assertStatus(DirectoryStatus.OK, call(f.alpha, good));
        assertStatus(DirectoryStatus.REPLAYED, call(f.alpha, good));
    }

    @Test
    void joinWithoutAnyValidMixIsUnavailable() throws Exception {
        f.clock.setEpochMillis(T0 + 366 * DAY); // every descriptor (and the zone certificate) expired
        DirectoryResponse r = join(newClient());
        assertEquals(DirectoryStatus.UNAVAILABLE, r.status(), r.toString());
    }

    // ---------------------------------------------------------------- MIX_ENROLL

    @Test
    void enrolPublishesADescriptorSignedByThisDirectory() throws Exception {
        IdentityKeyPair directory = f.zone("alpha").directory();
        OnionKeyPair onion = OnionKeyPair.generate(clientRandom);
        ZoneBootstrap.Mix m = f.mix("alpha", 0);
        MixDescriptor newer = MixDescriptor.issue(directory, "alpha", m.keys().identity().publicKey(), onion.publicKey(),
                new InetSocketAddress("127.0.0.1", 7009), T0, T0 + DAY);
        DirectoryResponse r = call(f.alpha, new DirectoryRequest.EnrollDescriptor(newer.encoded()));
        assertStatus(DirectoryStatus.OK, r);
        assertArrayEquals(newer.encoded(), f.alphaStore.mixDescriptor(m.keys().identity().publicKey()).get().signedDescriptor());
        // The original, older descriptor may not roll the publication back.
        assertStatus(DirectoryStatus.REPLAYED, call(f.alpha, new DirectoryRequest.EnrollDescriptor(m.descriptor().encoded())));
    }

    @Test
    void enrolDescriptorRefusals() throws Exception {
        // A beta descriptor presented to alpha.
        assertStatus(DirectoryStatus.UNKNOWN_ZONE,
                call(f.alpha, new DirectoryRequest.EnrollDescriptor(f.mix("beta", 0).descriptor().encoded())));
        // An alpha descriptor signed by a key that is not alpha's directory.
        IdentityKeyPair impostor = newClient();
        MixDescriptor forged = MixDescriptor.issue(impostor, "alpha", newClient().publicKey(),
                OnionKeyPair.generate(clientRandom).publicKey(), new InetSocketAddress("127.0.0.1", 1), T0, T0 + DAY);
        assertStatus(DirectoryStatus.BAD_SIGNATURE, call(f.alpha, new DirectoryRequest.EnrollDescriptor(forged.encoded())));
        // Expired.
        MixDescriptor old = MixDescriptor.issue(f.zone("alpha").directory(), "alpha", newClient().publicKey(),
                OnionKeyPair.generate(clientRandom).publicKey(), new InetSocketAddress("127.0.0.1", 1), T0 - 2 * DAY, T0 - DAY);
        assertStatus(DirectoryStatus.STALE, call(f.alpha, new DirectoryRequest.EnrollDescriptor(old.encoded())));
        // Not a descriptor at all (a zone certificate).
        assertStatus(DirectoryStatus.MALFORMED,
                call(f.alpha, new DirectoryRequest.EnrollDescriptor(f.zone("alpha").certificate().encoded())));
    }

    @Test
    void enrolIssueForAnEnrolledMixAndRefusals() throws Exception {
        ZoneBootstrap.Mix m = f.mix("alpha", 1);
        OnionKeyPair rotated = OnionKeyPair.generate(clientRandom);
        InetSocketAddress at = new InetSocketAddress("127.0.0.1", 7222);
        long now = f.clock.epochMillis();
        DirectoryRequest.EnrollIssue req = DirectoryRequest.EnrollIssue.sign(m.keys().identity(), rotated.publicKey(), at,
                "alpha", now, f.nonce());
        DirectoryResponse r = call(f.alpha, req);
        assertStatus(DirectoryStatus.OK, r);
        MixDescriptor issued = MixDescriptor.decode(new MessageReader(r.body()).blob16("d", 1, 512));
        issued.verify(f.zone("alpha").certificate(), f.clock);
        assertEquals(rotated.publicKey(), issued.onionKey());
        assertEquals(at, issued.address());
        assertStatus(DirectoryStatus.REPLAYED, call(f.alpha, req));
        // A key alpha does not enrol (beta's mix).
        assertStatus(DirectoryStatus.NOT_ENROLLED, call(f.alpha, DirectoryRequest.EnrollIssue.sign(
                f.mix("beta", 0).keys().identity(), rotated.publicKey(), at, "alpha", now, f.nonce())));
        // Signed by another key than the enrolled mix's.
        DirectoryRequest.EnrollIssue byOther = DirectoryRequest.EnrollIssue.sign(newClient(), rotated.publicKey(), at,
                "alpha", now, f.nonce());
        assertStatus(DirectoryStatus.BAD_SIGNATURE, call(f.alpha, new DirectoryRequest.EnrollIssue(m.keys().identity().publicKey(),
                rotated.publicKey(), at, now, byOther.nonce(), byOther.signature())));
        assertStatus(DirectoryStatus.STALE, call(f.alpha, DirectoryRequest.EnrollIssue.sign(m.keys().identity(),
                rotated.publicKey(), at, "alpha", now - 400_000, f.nonce())));
    }

    // ---------------------------------------------------------------- GET_DIRECTORY

    @Test
    void documentVerifiesAgainstTheRootAndTamperingIsDetected() throws Exception {
        DirectoryResponse r = call(f.alpha, new DirectoryRequest.GetDirectory());
        assertStatus(DirectoryStatus.OK, r);
        DirectoryDocument doc = DirectoryDocument.decode(r.body());
        assertArrayEquals(r.body(), doc.encoded(), "canonical");
        assertEquals(3, doc.verify(f.network.root().publicKey(), f.clock).size());
        assertEquals(DirectoryServiceFixture.SCHEDULE, doc.schedule());
        assertEquals(3 * (1 + DirectoryService.DOCUMENT_EPOCHS_AHEAD), doc.rates().size(), "3 scopes x 3 epochs");
        assertTrue(doc.rates().contains(new DirectoryDocument.Rate(RateScope.interZone("alpha", "beta"), 0, 8)));

        byte[] tampered = r.body();
        tampered[tampered.length - 100] ^= 1;
        DirectoryProtocolException e = assertThrows(DirectoryProtocolException.class,
                () -> DirectoryDocument.decode(tampered).verify(f.network.root().publicKey(), f.clock));
        assertTrue(e.status() == DirectoryStatus.BAD_SIGNATURE || e.status() == DirectoryStatus.MALFORMED, e.getMessage());
        e = assertThrows(DirectoryProtocolException.class,
                () -> doc.verify(newClient().publicKey(), f.clock));
        assertEquals(DirectoryStatus.BAD_SIGNATURE, e.status(), "another root");
        ManualClock later = new ManualClock(0, T0 + 2 * 3_600_000L);
        e = assertThrows(DirectoryProtocolException.class, () -> doc.verify(f.network.root().publicKey(), later));
        assertEquals(DirectoryStatus.STALE, e.status());
    }

    @Test
    void peerDocumentsAreImportedAndListed() throws Exception {
        byte[] betaDoc = call(f.beta, new DirectoryRequest.GetDirectory()).body();
        assertEquals(2, f.alpha.importPeerDocument(betaDoc));
        DirectoryDocument alphaDoc = DirectoryDocument.decode(call(f.alpha, new DirectoryRequest.GetDirectory()).body());
        List<MixDescriptor> all = alphaDoc.verify(f.network.root().publicKey(), f.clock);
        assertEquals(5, all.size());
        assertEquals(2, all.stream().filter(m -> m.zone().equals("beta")).count());
        // A document of a zone that is not a configured peer is refused.
        DirectoryProtocolException e = assertThrows(DirectoryProtocolException.class,
                () -> f.alpha.importPeerDocument(call(f.alpha, new DirectoryRequest.GetDirectory()).body()));
        assertEquals(DirectoryStatus.UNKNOWN_ZONE, e.status());
    }

    // ---------------------------------------------------------------- REGISTER / LOOKUP

    private record Joined(IdentityKeyPair key, byte[] certificate, String address) {
    }

    private Joined joined() throws Exception {
        IdentityKeyPair client = newClient();
        DirectoryResponse.JoinResult j = DirectoryResponse.JoinResult.decode(join(client).body());
        return new Joined(client, j.clientCertificate(), j.herdAddress());
    }

    private DirectoryRequest.Register register(Joined c, IdentityPublicKey rendezvous, long until) {
        byte[] cookie = new byte[16];
        clientRandom.nextBytes(cookie);
        RendezvousBinding b = RendezvousBinding.sign(c.key(), "alpha", rendezvous, cookie,
                OnionKeyPair.generate(clientRandom).publicKey(), until);
        return new DirectoryRequest.Register(rendezvous, b.cookie(), b.onionKey(), until, b.signature(), c.certificate());
    }

    @Test
    void registerThenLookupByKeyAndByAddress() throws Exception {
        Joined c = joined();
        IdentityPublicKey r2 = f.mix("alpha", 2).keys().identity().publicKey();
        long until = f.clock.epochMillis() + TimeUnit.HOURS.toMillis(1);
        DirectoryRequest.Register reg = register(c, r2, until);
        assertStatus(DirectoryStatus.OK, call(f.alpha, reg));

        for (DirectoryRequest lookup : List.of(new DirectoryRequest.LookupByKey("alpha", c.key().publicKey()),
                new DirectoryRequest.LookupByAddress(c.address()))) {
            DirectoryResponse r = call(f.alpha, lookup);
            assertStatus(DirectoryStatus.OK, r);
            DirectoryResponse.LookupResult l = DirectoryResponse.LookupResult.decode(r.body());
            assertArrayEquals(r2.encoded(), l.rendezvousMix());
            assertArrayEquals(reg.cookie(), l.cookie());
            assertEquals(until, l.bindingUntilMillis());
            // The caller verifies the binding with the callee's key from its certificate.
            RendezvousBinding b = new RendezvousBinding("alpha", c.key().publicKey(), IdentityPublicKey.of(l.rendezvousMix()),
                    l.cookie(), l.onionKey(), l.bindingUntilMillis(), l.bindingSignature());
            assertTrue(b.verify());
            MixDescriptor d = MixDescriptor.decode(l.rendezvousDescriptor());
            d.verify(f.zone("alpha").certificate(), f.clock);
            assertEquals(r2, d.mixKey());
        }
        // Re-sending the same REGISTER is idempotent; an older one is a replay.
        assertStatus(DirectoryStatus.OK, call(f.alpha, reg));
        assertStatus(DirectoryStatus.REPLAYED, call(f.alpha, register(c, r2, until - 1)));
        // After expiry the client is no longer reachable.
        f.clock.setEpochMillis(until);
        assertStatus(DirectoryStatus.NOT_REGISTERED, call(f.alpha, new DirectoryRequest.LookupByKey("alpha", c.key().publicKey())));
    }

    @Test
    void registerRefusals() throws Exception {
        Joined c = joined();
        long now = f.clock.epochMillis();
        long until = now + TimeUnit.HOURS.toMillis(1);
        IdentityPublicKey r2 = f.mix("alpha", 0).keys().identity().publicKey();
        // A rendezvous mix that is not a mix of this zone (beta's, and a random key).
        assertStatus(DirectoryStatus.NOT_A_ZONE_MIX, call(f.alpha, register(c, f.mix("beta", 0).keys().identity().publicKey(), until)));
        assertStatus(DirectoryStatus.NOT_A_ZONE_MIX, call(f.alpha, register(c, newClient().publicKey(), until)));
        // A binding signed for another rendezvous mix than the one that forwards it (replay through a mix).
        DirectoryRequest.Register forR2 = register(c, r2, until);
        IdentityPublicKey other = f.mix("alpha", 1).keys().identity().publicKey();
        assertStatus(DirectoryStatus.BAD_SIGNATURE, call(f.alpha, new DirectoryRequest.Register(other, forR2.cookie(),
                forR2.onionKey(), until, forR2.bindingSignature(), forR2.certificate())));
        // A binding signed by someone else than the certified client.
        Joined mallory = joined();
        DirectoryRequest.Register byMallory = register(mallory, r2, until);
        assertStatus(DirectoryStatus.BAD_SIGNATURE, call(f.alpha, new DirectoryRequest.Register(r2, byMallory.cookie(),
                byMallory.onionKey(), until, byMallory.bindingSignature(), c.certificate())));
        // Expired and too-long bindings.
        assertStatus(DirectoryStatus.STALE, call(f.alpha, register(c, r2, now)));
        assertStatus(DirectoryStatus.BAD_REQUEST, call(f.alpha, register(c, r2, now + DAY + 1)));
        // A certificate of another zone, one not signed by this directory, and not a certificate.
        ClientCertificate betaCert = ClientCertificate.issue(f.zone("beta").directory(), "beta", 1, c.key().publicKey(), T0, T0 + DAY);
        assertStatus(DirectoryStatus.UNKNOWN_ZONE, call(f.alpha, new DirectoryRequest.Register(r2, forR2.cookie(),
                forR2.onionKey(), until, forR2.bindingSignature(), betaCert.encoded())));
        ClientCertificate forged = ClientCertificate.issue(newClient(), "alpha", 1, c.key().publicKey(), T0, T0 + DAY);
        assertStatus(DirectoryStatus.BAD_SIGNATURE, call(f.alpha, new DirectoryRequest.Register(r2, forR2.cookie(),
                forR2.onionKey(), until, forR2.bindingSignature(), forged.encoded())));
        assertStatus(DirectoryStatus.MALFORMED, call(f.alpha, new DirectoryRequest.Register(r2, forR2.cookie(),
                forR2.onionKey(), until, forR2.bindingSignature(), new byte[] {1, 2, 3})));
        assertEquals(0, f.alphaStore.registrationCount(), "nothing refused was stored");
    }

    @Test
    void lookupRefusals() throws Exception {
        assertStatus(DirectoryStatus.UNKNOWN_CLIENT, call(f.alpha, new DirectoryRequest.LookupByKey("alpha", newClient().publicKey())));
        Joined c = joined();
        assertStatus(DirectoryStatus.NOT_REGISTERED, call(f.alpha, new DirectoryRequest.LookupByKey("alpha", c.key().publicKey())));
        assertStatus(DirectoryStatus.NOT_REGISTERED, call(f.alpha, new DirectoryRequest.LookupByAddress(c.address())));
        assertStatus(DirectoryStatus.UNKNOWN_ZONE, call(f.alpha, new DirectoryRequest.LookupByKey("beta", c.key().publicKey())));
        assertStatus(DirectoryStatus.UNKNOWN_ZONE, call(f.alpha,
                new DirectoryRequest.LookupByAddress(HerdAddress.of(c.key().publicKey(), "beta").toString())));
        assertStatus(DirectoryStatus.UNKNOWN_CLIENT, call(f.alpha,
                new DirectoryRequest.LookupByAddress(HerdAddress.of(newClient().publicKey(), "alpha").toString())));
        assertStatus(DirectoryStatus.BAD_REQUEST, call(f.alpha, new DirectoryRequest.LookupByAddress("nobody@alpha.herd")));
    }

    // ---------------------------------------------------------------- UTILISATION_REPORT

    @Test
    void reportsReachTheControllerAndTheStore() throws Exception {
        ZoneBootstrap.Mix m = f.mix("alpha", 0);
        RateScope scope = RateScope.superpeer("alpha");
        UtilisationReport u = new UtilisationReport(m.keys().identity().publicKey(), scope, 0, 7, 3.5, 8, 31, 4);
        long now = f.clock.epochMillis();
        DirectoryRequest.Report rep = DirectoryRequest.Report.sign(m.keys().identity(), "alpha", u, now);
        assertStatus(DirectoryStatus.OK, call(f.alpha, rep));
        assertEquals(List.of(u), f.alphaStore.utilisationReports(scope, 0));
        // Replayed (same timestamp) and stale.
        assertStatus(DirectoryStatus.REPLAYED, call(f.alpha, rep));
        assertStatus(DirectoryStatus.STALE, call(f.alpha, DirectoryRequest.Report.sign(m.keys().identity(), "alpha", u, now - 400_000)));
        // The peak drives the decision: 7 > 0.8 x 8 raises the rate of epoch 2 (lead 1) after epoch 1's grace.
        f.clock.setEpochMillis(T0 + DirectoryServiceFixture.EPOCH_MS + 2_000);
        f.alpha.onEpoch();
        assertTrue(f.alphaRates.rateAt(scope, 2) > 8, "rate raised: " + f.alphaRates.rateAt(scope, 2));
        assertTrue(f.alphaStore.rateAnnouncementsFrom(2).stream().anyMatch(a -> a.scope().equals(scope)));
    }

    @Test
    void reportRefusals() throws Exception {
        ZoneBootstrap.Mix m = f.mix("alpha", 0);
        long now = f.clock.epochMillis();
        RateScope scope = RateScope.superpeer("alpha");
        UtilisationReport u = new UtilisationReport(m.keys().identity().publicKey(), scope, 0, 1, 0.5, 8, 0, 0);
        // A mix of another zone.
        ZoneBootstrap.Mix b = f.mix("beta", 0);
        assertStatus(DirectoryStatus.NOT_A_ZONE_MIX, call(f.alpha, DirectoryRequest.Report.sign(b.keys().identity(), "alpha",
                new UtilisationReport(b.keys().identity().publicKey(), scope, 0, 1, 0.5, 8, 0, 0), now)));
        // Signed by another key.
        DirectoryRequest.Report byOther = DirectoryRequest.Report.sign(newClient(), "alpha", u, now);
        assertStatus(DirectoryStatus.BAD_SIGNATURE, call(f.alpha, new DirectoryRequest.Report(m.keys().identity().publicKey(),
                scope, 0, 1, 500, 8, 0, 0, now, byOther.signature())));
        // Inconsistent figures (peak above capacity), signed properly.
        DirectoryRequest.Report bad = new DirectoryRequest.Report(m.keys().identity().publicKey(), scope, 0, 9, 500, 8, 0, 0,
                now, new byte[64]);
        byte[] sig = m.keys().identity().sign(DirectoryMessages.signedMessage(DirectoryMessages.UTILISATION_REPORT, "alpha",
                bad.encodeBody()));
        assertStatus(DirectoryStatus.BAD_REQUEST, call(f.alpha, new DirectoryRequest.Report(m.keys().identity().publicKey(),
                scope, 0, 9, 500, 8, 0, 0, now, sig)));
        // A negative client count (the wire carries 4 signed bytes), signed properly.
        DirectoryRequest.Report negative = new DirectoryRequest.Report(m.keys().identity().publicKey(), scope, 0, 1, 500, 8,
                -1, 0, now, new byte[64]);
        byte[] negSig = m.keys().identity().sign(DirectoryMessages.signedMessage(DirectoryMessages.UTILISATION_REPORT, "alpha",
                negative.encodeBody()));
        DirectoryResponse negativeResponse = call(f.alpha, new DirectoryRequest.Report(m.keys().identity().publicKey(),
                scope, 0, 1, 500, 8, -1, 0, now, negSig));
        assertStatus(DirectoryStatus.BAD_REQUEST, negativeResponse);
        assertTrue(negativeResponse.reason().contains("client"), negativeResponse.reason());
        // An epoch that has not begun: the controller refuses it.
        DirectoryResponse future = call(f.alpha, DirectoryRequest.Report.sign(m.keys().identity(), "alpha",
                new UtilisationReport(m.keys().identity().publicKey(), scope, 5, 1, 0.5, 8, 0, 0), now + 1));
        assertStatus(DirectoryStatus.REJECTED, future);
        assertTrue(future.reason().contains("FROM_FUTURE"), future.reason());
    }

    // ---------------------------------------------------------------- RATE_PROPOSAL

    @Test
    void peerDirectoriesAgreeOnInterZoneRatesThroughProposals() throws Exception {
        RateScope pair = RateScope.interZone("alpha", "beta");
        // Both sides see a high peak on epoch 0.
        for (String z : List.of("alpha", "beta")) {
            ZoneBootstrap.Mix m = f.mix(z, 0);
            DirectoryService s = z.equals("alpha") ? f.alpha : f.beta;
            assertStatus(DirectoryStatus.OK, call(s, DirectoryRequest.Report.sign(m.keys().identity(), z,
                    new UtilisationReport(m.keys().identity().publicKey(), pair, 0, 8, 6.0, 8, 0, 0), f.clock.epochMillis())));
        }
        f.clock.setEpochMillis(T0 + DirectoryServiceFixture.EPOCH_MS + 2_000);
        List<DirectoryService.PeerRequest> fromAlpha = f.alpha.onEpoch();
        List<DirectoryService.PeerRequest> fromBeta = f.beta.onEpoch();
        assertEquals(1, fromAlpha.size());
        assertEquals("beta", fromAlpha.get(0).peerZone());
        assertStatus(DirectoryStatus.OK, DirectoryMessages.decodeResponse(f.beta.handle(fromAlpha.get(0).request())));
        assertStatus(DirectoryStatus.OK, DirectoryMessages.decodeResponse(f.alpha.handle(fromBeta.get(0).request())));
        int agreed = f.alphaRates.rateAt(pair, 2);
        assertTrue(agreed > 8, "both proposed the same raise: " + agreed);
        assertEquals(agreed, f.betaRates.rateAt(pair, 2));
        // The same proposal again is harmless; a different one for the same epoch is a conflict.
        assertStatus(DirectoryStatus.OK, DirectoryMessages.decodeResponse(f.beta.handle(fromAlpha.get(0).request())));
        RateAnnouncement other = new RateAnnouncement(pair, 2, DirectoryServiceFixture.SCHEDULE.startMillis(2), agreed + 4,
                "alpha", f.clock.epochMillis());
        assertStatus(DirectoryStatus.CONFLICT, call(f.beta, DirectoryRequest.Proposal.sign(f.zone("alpha").directory(),
                f.zone("alpha").certificate().encoded(), other)));
    }

    @Test
    void proposalRefusals() throws Exception {
        RateScope pair = RateScope.interZone("alpha", "beta");
        long now = f.clock.epochMillis();
        RateAnnouncement a = new RateAnnouncement(pair, 2, DirectoryServiceFixture.SCHEDULE.startMillis(2), 12, "alpha", now);
        ZoneBootstrap.Zone alpha = f.zone("alpha");
        // Signed by a key that is not the one the zone certificate names.
        assertStatus(DirectoryStatus.BAD_SIGNATURE, call(f.beta, DirectoryRequest.Proposal.sign(newClient(),
                alpha.certificate().encoded(), a)));
        // A zone certificate not signed by the root.
        ZoneCertificate selfMade = ZoneCertificate.issue(alpha.directory(), "alpha", alpha.directory().publicKey(), T0, T0 + DAY);
        assertStatus(DirectoryStatus.BAD_SIGNATURE, call(f.beta, DirectoryRequest.Proposal.sign(alpha.directory(),
                selfMade.encoded(), a)));
        // A zone that is not a configured peer of beta (gamma, properly certified by the root).
        ZoneBootstrap.Zone gamma = ZoneBootstrap.zone(f.network.root(), "gamma", List.of(), T0 - DAY, T0 + DAY, clientRandom);
        RateScope gb = RateScope.interZone("beta", "gamma");
        assertStatus(DirectoryStatus.UNKNOWN_ZONE, call(f.beta, DirectoryRequest.Proposal.sign(gamma.directory(),
                gamma.certificate().encoded(), new RateAnnouncement(gb, 2, DirectoryServiceFixture.SCHEDULE.startMillis(2), 12, "gamma", now))));
        // An epoch that has begun.
        f.clock.setEpochMillis(DirectoryServiceFixture.SCHEDULE.startMillis(2) + 10);
        RateAnnouncement late = new RateAnnouncement(pair, 2, DirectoryServiceFixture.SCHEDULE.startMillis(2), 12, "alpha",
                f.clock.epochMillis() - 20);
        DirectoryResponse r = call(f.beta, DirectoryRequest.Proposal.sign(alpha.directory(), alpha.certificate().encoded(), late));
        assertStatus(DirectoryStatus.REJECTED, r);
        assertTrue(r.reason().contains("TOO_LATE"), r.reason());
        // Announced far from our clock.
        RateAnnouncement stale = new RateAnnouncement(pair, 9, DirectoryServiceFixture.SCHEDULE.startMillis(9), 12, "alpha",
                f.clock.epochMillis() - 400_000);
        assertStatus(DirectoryStatus.STALE, call(f.beta, DirectoryRequest.Proposal.sign(alpha.directory(),
                alpha.certificate().encoded(), stale)));
    }

    // ---------------------------------------------------------------- malformed input

    @Test
    void garbageIsAnsweredNeverThrown() throws Exception {
        SplittableRandom r = new SplittableRandom(f.seed);
        Set<Integer> statuses = new HashSet<>();
        byte[] valid = DirectoryMessages.encodeRequest(7, new DirectoryRequest.LookupByKey("alpha", newClient().publicKey()));
        for (int i = 0; i < 2000; i++) {
            byte[] input;
            if (i % 2 == 0) {
                input = new byte[r.nextInt(64)];
                r.nextBytes(input);
            } else {
                input = valid.clone();
                input[r.nextInt(input.length)] ^= (byte) (1 + r.nextInt(255));
            }
            DirectoryResponse resp = DirectoryMessages.decodeResponse(f.alpha.handle(input));
            statuses.add(resp.status());
        }
        assertTrue(statuses.contains(DirectoryStatus.MALFORMED));
        assertFalse(statuses.contains(DirectoryStatus.OK) && statuses.size() == 1);
        assertEquals(0, f.alpha.responses(DirectoryStatus.UNAVAILABLE), "no internal error on garbage");
        assertStatus(DirectoryStatus.UNSUPPORTED, DirectoryMessages.decodeResponse(f.alpha.handle(
                new byte[] {0x48, 0x44, 0x52, 0x51, 1, 99, 0, 0, 0, 0, 0, 0, 0, 5, 0, 0, 0, 0})));
        DirectoryResponse tooLarge = DirectoryMessages.decodeResponse(f.alpha.handle(new byte[DirectoryMessages.MAX_REQUEST_SIZE + 1]));
        assertStatus(DirectoryStatus.MALFORMED, tooLarge);
        assertStatus(DirectoryStatus.MALFORMED, DirectoryMessages.decodeResponse(f.alpha.handle(null)));
    }

    @Test
    void aDirectoryRefusesToStartWithAZoneCertificateTheRootDidNotSign() {
        ZoneBootstrap.Zone alpha = f.zone("alpha");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new DirectoryService(
                DirectoryServiceFixture.settings(Set.of(), "beta"), alpha.directory(), alpha.certificate(),
                newClient().publicKey(), f.alphaStore, f.alphaRates, DirectoryServiceFixture.SCHEDULE, f.clock, clientRandom));
        assertTrue(e.getMessage().contains("root"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> new DirectoryService(
                DirectoryServiceFixture.settings(Set.of(), "beta"), f.zone("beta").directory(), alpha.certificate(),
                f.network.root().publicKey(), f.alphaStore, f.alphaRates, DirectoryServiceFixture.SCHEDULE, f.clock, clientRandom));
        assertNotEquals(-1, e.getMessage().indexOf("not ours"), e.getMessage());
    }

    @Test
    void issuedCertificatesAreListedWhileValidAndPurgedWhenExpired() throws Exception {
        Joined c = joined();
        List<ClientCertificateRecord> listed = f.alpha.validClientCertificates(null, 10);
        assertEquals(1, listed.size());
        assertArrayEquals(c.certificate(), listed.get(0).signedCertificate());
        long expires = ClientCertificate.decode(c.certificate()).validUntil();
        f.clock.setEpochMillis(expires - 1);
        assertEquals(1, f.alpha.validClientCertificates(null, 10).size(), "valid until its expiry (exclusive)");
        f.clock.setEpochMillis(expires);
        assertTrue(f.alpha.validClientCertificates(null, 10).isEmpty(), "an expired certificate is not listed");
        assertTrue(f.alpha.purgeExpired() >= 1);
        assertTrue(f.alphaStore.clientCertificate(c.key().publicKey()).isEmpty(), "and is purged");
    }

    @Test
    void purgeRemovesOnlyWhatCanNoLongerBeUsed() throws Exception {
        Joined c = joined();
        IdentityPublicKey r2 = f.mix("alpha", 0).keys().identity().publicKey();
        long until = f.clock.epochMillis() + TimeUnit.HOURS.toMillis(1);
        assertStatus(DirectoryStatus.OK, call(f.alpha, register(c, r2, until)));
        assertEquals(0, f.alpha.purgeExpired(), "nothing has expired yet");
        assertStatus(DirectoryStatus.OK, call(f.alpha, new DirectoryRequest.LookupByKey("alpha", c.key().publicKey())));
        f.clock.setEpochMillis(until);
        assertEquals(1, f.alpha.purgeExpired());
        assertEquals(0, f.alphaStore.registrationCount());
        assertEquals(3, f.alphaStore.validMixDescriptors("alpha", f.clock.epochMillis()).size(), "descriptors still valid");
    }
}
