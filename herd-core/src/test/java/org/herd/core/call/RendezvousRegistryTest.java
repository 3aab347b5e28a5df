package org.herd.core.call;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.security.SecureRandom;
import org.herd.core.crypto.ClientCertificate;
import org.herd.core.crypto.IdentityKeyPair;
import org.herd.core.crypto.OnionKeyPair;
import org.herd.core.crypto.ZoneCertificate;
import org.herd.core.time.ManualClock;
import org.herd.core.wire.ControlMessages;
import org.junit.jupiter.api.Test;

/** The directory-side decisions on REGISTER and LOOKUP. */
class RendezvousRegistryTest {

    private static final long NOW = TestNet.NOW_MS;

    @Test
    void acceptsOnlyCertifiedBoundRegistrationsAndAnswersByStatus() {
        long seed = new SecureRandom().nextLong();
        System.out.println("RendezvousRegistryTest seed = " + seed);
        SecureRandom random = TestNet.seeded(seed);
        ManualClock clock = new ManualClock(0, NOW);
        IdentityKeyPair root = IdentityKeyPair.generate(random);
        IdentityKeyPair dir = IdentityKeyPair.generate(random);
        IdentityKeyPair otherDir = IdentityKeyPair.generate(random);
        ZoneCertificate zone = ZoneCertificate.issue(root, "beta", dir.publicKey(), NOW - 1000, NOW + 1_000_000);
        RendezvousRegistry reg = new RendezvousRegistry(zone, clock);
        IdentityKeyPair bob = IdentityKeyPair.generate(random);
        OnionKeyPair onion = OnionKeyPair.generate(random);
        IdentityKeyPair mix = IdentityKeyPair.generate(random);
        ClientCertificate cert = ClientCertificate.issue(dir, "beta", 42, bob.publicKey(), NOW - 1000, NOW + 500_000);
        ClientCertificate forged = ClientCertificate.issue(otherDir, "beta", 42, bob.publicKey(), NOW - 1000, NOW + 500_000);
        long until = NOW + 100_000;
        byte[] sig = OnionKeyBinding.sign(bob, onion.publicKey(), until);
        byte[] cookie = new byte[16];
        random.nextBytes(cookie);
        var lookup = new ControlMessages.Lookup("beta", bob.publicKey().encoded());

        assertEquals(ControlMessages.STATUS_UNKNOWN_CLIENT, reg.lookup(lookup).status());
        reg.admit(bob.publicKey());
        assertEquals(ControlMessages.STATUS_NOT_REGISTERED, reg.lookup(lookup).status());
        assertEquals(ControlMessages.STATUS_UNKNOWN_ZONE,
                reg.lookup(new ControlMessages.Lookup("alpha", bob.publicKey().encoded())).status());

        // A certificate from another directory, a binding by another key, a binding for another onion key.
        assertEquals(ControlMessages.STATUS_BAD_REQUEST, reg.register(mix.publicKey(),
                new ControlMessages.Register(cookie, onion.publicKey().encoded(), until, sig, forged.encoded())).status());
        assertEquals(ControlMessages.STATUS_BAD_REQUEST, reg.register(mix.publicKey(), new ControlMessages.Register(cookie,
                onion.publicKey().encoded(), until, OnionKeyBinding.sign(mix, onion.publicKey(), until),
                cert.encoded())).status());
        assertEquals(ControlMessages.STATUS_BAD_REQUEST, reg.register(mix.publicKey(), new ControlMessages.Register(cookie,
                OnionKeyPair.generate(random).publicKey().encoded(), until, sig, cert.encoded())).status());
        assertEquals(ControlMessages.STATUS_NOT_REGISTERED, reg.lookup(lookup).status());

        assertEquals(ControlMessages.STATUS_OK, reg.register(mix.publicKey(),
                new ControlMessages.Register(cookie, onion.publicKey().encoded(), until, sig, cert.encoded())).status());
        var answer = reg.lookup(lookup);
        assertEquals(ControlMessages.STATUS_OK, answer.status());
        assertArrayEquals(mix.publicKey().encoded(), answer.rendezvous());
        assertArrayEquals(cookie, answer.cookie());
        assertEquals(true, OnionKeyBinding.verify(bob.publicKey(), onion.publicKey(), answer.bindingUntil(),
                answer.bindingSignature()));
        // The binding expires: the registration is no longer answered.
        clock.setEpochMillis(until);
        assertEquals(ControlMessages.STATUS_NOT_REGISTERED, reg.lookup(lookup).status());
        // The certificate expires: a new registration is refused.
        clock.setEpochMillis(NOW + 600_000);
        assertEquals(ControlMessages.STATUS_BAD_REQUEST, reg.register(mix.publicKey(), new ControlMessages.Register(cookie,
                onion.publicKey().encoded(), NOW + 900_000, OnionKeyBinding.sign(bob, onion.publicKey(), NOW + 900_000),
                cert.encoded())).status());
    }
}
