package org.herd.core.call;

import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import org.herd.core.crypto.CertificateException;
import org.herd.core.crypto.ClientCertificate;
import org.herd.core.crypto.IdentityPublicKey;
import org.herd.core.crypto.OnionPublicKey;
import org.herd.core.crypto.ZoneCertificate;
import org.herd.core.time.Clock;
import org.herd.core.wire.ControlMessages;

/**
 * A zone directory's rendezvous registrations (§3.3 of the Herd paper: "each zone directory server
 * stores the rendezvous mixes of all the clients attached to that zone"), as pure logic over an
 * in-memory map: the directory role backs the same decisions with its database.
 *
 * <p>A REGISTER is accepted only if the certificate was issued by this zone's directory and is
 * valid now, and the onion-key binding is signed by the certified key and not expired; a
 * registration replaces the client's previous one. A LOOKUP answers {@code UNKNOWN_CLIENT} for a
 * key that never joined the zone, {@code NOT_REGISTERED} for a member without a live registration.
 */
public final class RendezvousRegistry {

    private record Registration(IdentityPublicKey rendezvous, byte[] cookie, byte[] onionKey, long until,
            byte[] signature) {
    }

    private final ZoneCertificate zone;
    private final Clock clock;
    private final Set<IdentityPublicKey> members = new HashSet<>();
    private final Map<IdentityPublicKey, Registration> registrations = new HashMap<>();

    /** The registry of the zone certified by {@code zone} (already verified against the root). */
    public RendezvousRegistry(ZoneCertificate zone, Clock clock) {
        this.zone = Objects.requireNonNull(zone);
        this.clock = Objects.requireNonNull(clock);
    }

    /** The zone's name. */
    public String zone() {
        return zone.zone();
    }

    /** Records that the directory issued a certificate to {@code client} (on join, §3.5). */
    public void admit(IdentityPublicKey client) {
        members.add(client);
    }

    /** Handles a REGISTER forwarded by {@code rendezvous}. */
    public ControlMessages.Registered register(IdentityPublicKey rendezvous, ControlMessages.Register request) {
        ClientCertificate cert;
        try {
            cert = ClientCertificate.decode(request.certificate());
            cert.verify(zone, clock);
        } catch (CertificateException e) {
            return new ControlMessages.Registered(ControlMessages.STATUS_BAD_REQUEST);
        }
        OnionPublicKey onion = OnionPublicKey.of(request.onionKey());
        if (request.bindingUntil() - clock.epochMillis() <= 0
                || !OnionKeyBinding.verify(cert.clientKey(), onion, request.bindingUntil(), request.bindingSignature())) {
            return new ControlMessages.Registered(ControlMessages.STATUS_BAD_REQUEST);
        }
        members.add(cert.clientKey());
        registrations.put(cert.clientKey(), new Registration(rendezvous, request.cookie().clone(),
                request.onionKey().clone(), request.bindingUntil(), request.bindingSignature().clone()));
        return new ControlMessages.Registered(ControlMessages.STATUS_OK);
    }

    /** Answers a LOOKUP. */
    public ControlMessages.Answer lookup(ControlMessages.Lookup request) {
        if (!request.zone().equals(zone.zone())) {
            return ControlMessages.Answer.refused(ControlMessages.STATUS_UNKNOWN_ZONE);
        }
        IdentityPublicKey key = IdentityPublicKey.of(request.clientKey());
        Registration r = registrations.get(key);
        if (r == null || r.until() - clock.epochMillis() <= 0) {
            return ControlMessages.Answer.refused(members.contains(key)
                    ? ControlMessages.STATUS_NOT_REGISTERED : ControlMessages.STATUS_UNKNOWN_CLIENT);
        }
        return new ControlMessages.Answer(ControlMessages.STATUS_OK, r.rendezvous().encoded(), r.cookie().clone(),
                r.onionKey().clone(), r.until(), r.signature().clone());
    }

    /** Removes {@code client}'s registration (it left, or its rendezvous Mix reported the circuit gone). */
    public void unregister(IdentityPublicKey client) {
        registrations.remove(client);
    }

    /** The rendezvous Mix {@code client} is registered at, or null (tests, status). */
    public IdentityPublicKey rendezvousOf(IdentityPublicKey client) {
        Registration r = registrations.get(client);
        return r == null ? null : r.rendezvous();
    }
}
