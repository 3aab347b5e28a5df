package org.herd.core.mix;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.security.SecureRandom;
import org.herd.core.crypto.ClientCertificate;
import org.herd.core.crypto.IdentityKeyPair;
import org.herd.core.crypto.MixDescriptor;
import org.herd.core.crypto.NodeKeys;
import org.herd.core.crypto.OnionKeyPair;
import org.herd.core.crypto.ZoneCertificate;
import org.herd.core.directory.RendezvousBinding;
import org.herd.core.time.ManualClock;
import org.herd.core.wire.ControlMessages;
import org.junit.jupiter.api.Test;

/** The directory's end of a directory link, answering from a real DirectoryService over SQLite ({@link EmbeddedDirectory}). */
class DirectoryLinkServiceTest {

    private static final long NOW = 1_800_000_000_000L;
    private static final long DAY = 86_400_000L;

    @Test
    void registerThenLookupAcrossTheCodecAndMalformedRequestsAreCounted(@org.junit.jupiter.api.io.TempDir java.nio.file.Path tmp)
            throws Exception {
        long seed = new SecureRandom().nextLong();
        System.out.println("seed = " + seed);
        SecureRandom random = SecureRandom.getInstance("SHA1PRNG");
        random.setSeed(seed);
        ManualClock clock = new ManualClock(0, NOW);
        IdentityKeyPair root = IdentityKeyPair.generate(random);
        IdentityKeyPair dir = IdentityKeyPair.generate(random);
        ZoneCertificate zc = ZoneCertificate.issue(root, "alpha", dir.publicKey(), NOW - DAY, NOW + DAY);
        NodeKeys rendezvousKeys = NodeKeys.generate(random);
        IdentityKeyPair rendezvous = rendezvousKeys.identity();
        MixDescriptor d = MixDescriptor.issue(dir, "alpha", rendezvous.publicKey(), rendezvousKeys.onion().publicKey(),
                new java.net.InetSocketAddress("127.0.0.1", 7000), NOW - DAY, NOW + DAY);
        EmbeddedDirectory directory = EmbeddedDirectory.open(dir, zc, root.publicKey(), java.util.List.of(d),
                tmp.resolve("alpha.db"), clock, random);
        DirectoryLinkService service = new DirectoryLinkService(directory.handler());
        IdentityKeyPair client = IdentityKeyPair.generate(random);
        ClientCertificate cert = ClientCertificate.issue(dir, "alpha", 1, client.publicKey(), NOW - DAY, NOW + DAY);
        OnionKeyPair onion = OnionKeyPair.generate(random);
        long until = NOW + 3_600_000;
        byte[] cookie = new byte[16];
        random.nextBytes(cookie);
        ControlMessages.Register reg = new ControlMessages.Register(cookie, onion.publicKey().encoded(), until,
                RendezvousBinding.sign(client, "alpha", rendezvous.publicKey(), cookie, onion.publicKey(), until).signature(),
                cert.encoded());

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

        byte[] lookup = DirectoryLinkCodec.message(DirectoryLinkCodec.LOOKUP, 78,
                new ControlMessages.Lookup(0x1122334455667788L, "alpha", client.publicKey().encoded()).encode());
        m = DirectoryLinkCodec.parse(viaCells(service.serve(viaCells(lookup))));
        assertEquals(DirectoryLinkCodec.ANSWER, m.type());
        assertEquals(78, m.requestId());
        ControlMessages.Answer answer = ControlMessages.Answer.decode(m.body());
        assertEquals(ControlMessages.STATUS_OK, answer.status());
        assertEquals(0x1122334455667788L, answer.requestId(), "the caller's LOOKUP id is echoed");
        assertArrayEquals(rv, answer.rendezvous());
        assertArrayEquals(cookie, answer.cookie());
        assertEquals(2, service.served());
        // A LOOKUP for another zone is not this directory's: refused, not served from here.
        byte[] foreign = DirectoryLinkCodec.message(DirectoryLinkCodec.LOOKUP, 79,
                new ControlMessages.Lookup(-2, "beta", client.publicKey().encoded()).encode());
        ControlMessages.Answer refusal = ControlMessages.Answer.decode(DirectoryLinkCodec.parse(service.serve(foreign)).body());
        assertEquals(ControlMessages.STATUS_UNKNOWN_ZONE, refusal.status());
        assertEquals(-2, refusal.requestId(), "a refusal echoes the LOOKUP id too");
        directory.close();

        // Unknown type, a REGISTER too short for the rendezvous key, a truncated LOOKUP: dropped, counted.
        assertNull(service.serve(DirectoryLinkCodec.message(9, 1, new byte[4])));
        assertNull(service.serve(DirectoryLinkCodec.message(DirectoryLinkCodec.REGISTER, 2, new byte[10])));
        assertNull(service.serve(DirectoryLinkCodec.message(DirectoryLinkCodec.LOOKUP, 3, new byte[1])));
        assertEquals(3, service.malformed());
        assertEquals(3, service.served());
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
