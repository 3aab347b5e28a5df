package org.herd.core.call;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.herd.core.wire.ControlMessages;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** End-to-end calls over real Mixes and clients wired back to back in memory. */
class CallTest {

    @TempDir
    static java.nio.file.Path tmp;

    static byte[] frame(int n, int who) {
        byte[] f = new byte[160];
        for (int i = 0; i < f.length; i++) {
            f[i] = (byte) (n * 31 + i * 7 + who);
        }
        return f;
    }


    @Test
    void callAcrossTwoZonesCarriesFramesBothWaysIntactAndInOrder() throws Exception {
        TestNet t = TestNet.twoZones(tmp, "callAcrossTwoZones", 3);
        TestNet.ClientNode alice = t.client("alice", "alpha", 0);
        TestNet.ClientNode bob = t.client("bob", "beta", 1);
        t.settle();
        assertTrue(alice.client.ready() && bob.client.ready());
        assertEquals(ControlMessages.STATUS_OK, bob.registered.get("beta"));
        assertTrue(bob.client.isRegistered("beta"));

        Call call = alice.client.call(bob.certificate());
        t.net.run();
        assertEquals(Call.State.ACTIVE, call.state());
        assertEquals(1, bob.incoming.size());
        Call answer = bob.incoming.get(0);
        assertEquals(Call.State.ACTIVE, answer.state());

        int frames = 200;
        for (int n = 0; n < frames; n++) {
            assertTrue(call.sendFrame(frame(n, 1), 0, 160));
            assertTrue(answer.sendFrame(frame(n, 2), 0, 160));
            t.net.run();
        }
        assertEquals(frames, bob.frames.size());
        assertEquals(frames, alice.frames.size());
        for (int n = 0; n < frames; n++) {
            assertArrayEquals(frame(n, 1), bob.frames.get(n));
            assertArrayEquals(frame(n, 2), alice.frames.get(n));
            assertEquals(n, bob.frameNumbers.get(n));
        }

        call.hangUp();
        t.net.run();
        assertEquals(Call.State.ENDED, call.state());
        assertEquals(Call.State.ENDED, answer.state());
        assertEquals(List.of(ControlMessages.END_HANGUP), bob.ended);
        assertEquals(0, t.splices(), "splices left after the hang-up");
        // The callee is still registered and can take the next call.
        t.settle();
        Call again = alice.client.call(bob.certificate());
        t.net.run();
        assertEquals(Call.State.ACTIVE, again.state());
    }
}
