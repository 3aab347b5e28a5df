package org.herd.core.mix;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.security.SecureRandom;
import org.herd.core.call.OnionKeyBinding;
import org.herd.core.call.RendezvousRegistry;
import org.herd.core.crypto.ClientCertificate;
import org.herd.core.crypto.IdentityKeyPair;
import org.herd.core.crypto.OnionKeyPair;
import org.herd.core.crypto.ZoneCertificate;
import org.herd.core.time.ManualClock;
import org.herd.core.wire.ControlMessages;
import org.junit.jupiter.api.Test;

/** The directory's end of a directory link, answering from a real {@link RendezvousRegistry}. */
class DirectoryLinkServiceTest {

    private static final long NOW = 1_800_000_000_000L;
    private static final long DAY = 86_400_000L;

    @Test
    void registerThenLookupAcrossTheCodecAndMalformedRequestsAreCounted() throws Exception {
        long seed = new SecureRandom().nextLong();
        System.out.println("seed = " + seed);
        SecureRandom random = SecureRandom.getInstance("SHA1PRNG");
        random.setSeed(seed);
        ManualClock clock = new ManualClock(0, NOW);
        IdentityKeyPair root = IdentityKeyPair.generate(random);
        IdentityKeyPair dir = IdentityKeyPair.generate(random);
        ZoneCertificate zc = ZoneCertificate.issue(root, "alpha", dir.publicKey(), NOW - DAY, NOW + DAY);
        RendezvousRegistry registry = new RendezvousRegistry(zc, clock);
        DirectoryLinkService service = new DirectoryLinkService(new DirectoryLinkService.Handler() {
            @Override
            public ControlMessages.Registered register(org.herd.core.crypto.IdentityPublicKey rv, ControlMessages.Register r) {
                return registry.register(rv, r);
            }

            @Override
            public ControlMessages.Answer lookup(ControlMessages.Lookup l) {
                return registry.lookup(l);
            }
        });
        IdentityKeyPair client = IdentityKeyPair.generate(random);
        IdentityKeyPair rendezvous = IdentityKeyPair.generate(random);
        ClientCertificate cert = ClientCertificate.issue(dir, "alpha", 1, client.publicKey(), NOW - DAY, NOW + DAY);
        OnionKeyPair onion = OnionKeyPair.generate(random);
        long until = NOW + 3_600_000;
        byte[] cookie = new byte[16];
        random.nextBytes(cookie);
        ControlMessages.Register reg = new ControlMessages.Register(cookie, onion.publicKey().encoded(), until,
                OnionKeyBinding.sign(client, onion.publicKey(), until), cert.encoded());

        // The Mix side builds the request as RemoteDirectory does and ships it as cells.
        byte[] rv = rendezvous.publicKey().encoded();
        byte[] body = reg.encode();
        byte[] both = new byte[rv.length + body.length];
        System.arraycopy(rv, 0, both, 0, rv.length);
        System.arraycopy(body, 0, both, rv.length, body.length);
        byte[] reply = service.serve(viaCells(DirectoryLinkCodec.message(DirectoryLinkCodec.REGISTER, 77, both)));
        DirectoryLinkCodec.Message m = DirectoryLinkCodec.parse(viaCells(reply));
        assertEquals(DirectoryLinkCodec.REGISTERED, m.type());
        assertEquals(77, m.requestId());
        assertEquals(ControlMessages.STATUS_OK, ControlMessages.Registered.decode(m.body()).status());
        assertEquals(rendezvous.publicKey(), registry.rendezvousOf(client.publicKey()));

        byte[] lookup = DirectoryLinkCodec.message(DirectoryLinkCodec.LOOKUP, 78,
                new ControlMessages.Lookup("alpha", client.publicKey().encoded()).encode());
        m = DirectoryLinkCodec.parse(viaCells(service.serve(viaCells(lookup))));
        assertEquals(DirectoryLinkCodec.ANSWER, m.type());
        assertEquals(78, m.requestId());
        ControlMessages.Answer answer = ControlMessages.Answer.decode(m.body());
        assertEquals(ControlMessages.STATUS_OK, answer.status());
        assertArrayEquals(rv, answer.rendezvous());
        assertArrayEquals(cookie, answer.cookie());
        assertEquals(2, service.served());

        // Unknown type, a REGISTER too short for the rendezvous key, a truncated LOOKUP: dropped, counted.
        assertNull(service.serve(DirectoryLinkCodec.message(9, 1, new byte[4])));
        assertNull(service.serve(DirectoryLinkCodec.message(DirectoryLinkCodec.REGISTER, 2, new byte[10])));
        assertNull(service.serve(DirectoryLinkCodec.message(DirectoryLinkCodec.LOOKUP, 3, new byte[1])));
        assertEquals(3, service.malformed());
        assertEquals(2, service.served());
    }

    private static byte[] viaCells(byte[] message) {
        DirectoryLinkCodec.Assembler a = new DirectoryLinkCodec.Assembler();
        byte[] out = null;
        for (byte[] c : DirectoryLinkCodec.cells(3, message)) {
            out = a.accept(c, 0);
        }
        return out;
    }
}
