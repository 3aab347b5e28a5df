package org.herd.core.call;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.herd.core.crypto.OnionKeyPair;
import org.herd.core.directory.DirectoryStatus;
import org.herd.core.directory.RendezvousBinding;
import org.herd.core.directory.RendezvousDirectoryEndpoint;
import org.herd.core.wire.ControlMessages;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The one rendezvous registration format end to end: a REGISTER the client signed for rendezvous
 * Mix A is accepted by the real {@link org.herd.core.directory.DirectoryService} when A forwards
 * it through {@link RendezvousDirectoryEndpoint}, and refused when another Mix B replays it to
 * point the client's calls at itself.
 */
class RendezvousBindingTest {

    @TempDir
    static Path tmp;

    @Test
    void aRegisterIsAcceptedFromTheMixItNamesAndRefusedFromAnyOther() {
        TestNet t = TestNet.twoZones(tmp, "bindingNamesTheMix", 2);
        TestNet.ClientNode bob = t.client("bob", "beta", 0);
        t.settle();
        TestNet.MixNode a = t.mixes("beta").get(0);
        TestNet.MixNode b = t.mixes("beta").get(1);
        byte[] cookie = new byte[ControlMessages.COOKIE_SIZE];
        t.random.nextBytes(cookie);
        OnionKeyPair onion = OnionKeyPair.generate(t.random);
        long until = t.clock.epochMillis() + CallClient.REGISTRATION_LIFETIME_MS;
        RendezvousBinding binding = RendezvousBinding.sign(bob.key, "beta", a.ref().identity(), cookie,
                onion.publicKey(), until);
        ControlMessages.Register register = new ControlMessages.Register(cookie, onion.publicKey().encoded(), until,
                binding.signature(), bob.certificate().encoded());
        List<Runnable> replies = new ArrayList<>();

        long refusedBefore = t.directory("beta").responses(DirectoryStatus.BAD_SIGNATURE);
        RendezvousDirectoryEndpoint atB = new RendezvousDirectoryEndpoint("beta", z -> t.directory(z)::handle,
                replies::add);
        atB.attach(b.mix());
        atB.register(1, b.ref().identity(), register);
        assertEquals(refusedBefore + 1, t.directory("beta").responses(DirectoryStatus.BAD_SIGNATURE));
        assertEquals(1, replies.size(), "the refusal is delivered to the Mix");

        RendezvousDirectoryEndpoint atA = new RendezvousDirectoryEndpoint("beta", z -> t.directory(z)::handle,
                replies::add);
        atA.attach(a.mix());
        atA.register(2, a.ref().identity(), register);
        assertEquals(a.ref().identity(), t.rendezvousOf("beta", bob.key.publicKey()));
        ControlMessages.Answer answer = t.lookup("beta", bob.key.publicKey());
        assertEquals(ControlMessages.STATUS_OK, answer.status());
        RendezvousBinding seen = new RendezvousBinding("beta", bob.key.publicKey(),
                org.herd.core.crypto.IdentityPublicKey.of(answer.rendezvous()), answer.cookie(), answer.onionKey(),
                answer.bindingUntil(), answer.bindingSignature());
        assertEquals(true, seen.verify(), "the ANSWER verifies at a caller against bob's certified key");
        assertEquals(binding, seen);
    }
}
