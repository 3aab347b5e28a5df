package org.herd.core.circuit;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.security.SecureRandom;
import java.util.List;
import org.herd.core.call.TestNet;
import org.herd.core.crypto.IdentityKeyPair;
import org.herd.core.crypto.OnionKeyPair;
import org.herd.core.time.ManualClock;
import org.herd.core.wire.Bytes;
import org.herd.core.wire.Cell;

/**
 * Fuzz target for a Mix's receive path: any 256 bytes from any linked peer — with circuit ids
 * steered towards live circuits half of the time — are handled without an exception escaping
 * (bad cells are dropped and counted). Bounded run in the {@code fuzz} surefire execution.
 */
class MixFuzzTest {

    private static Mix mix;
    private static int[] liveIds;
    private static final byte[] CELL = new byte[Cell.SIZE];

    private static synchronized void setUp() {
        if (mix != null) {
            return;
        }
        SecureRandom random = TestNet.seeded(1);
        ManualClock clock = new ManualClock();
        IdentityKeyPair self = IdentityKeyPair.generate(random);
        mix = new Mix(self.publicKey(), List.of(OnionKeyPair.generate(random)), (p, b, o) -> { }, clock, random,
                new CircuitTest.NoDirectory(), Mix.Config.defaults());
        for (int peer = 0; peer < 3; peer++) {
            mix.linkUp(peer, IdentityKeyPair.generate(random).publicKey());
        }
        // Live circuits from peer 0, built with real handshakes.
        MixRef ref = new MixRef(self.publicKey(), OnionKeyPair.generate(random).publicKey(), "z");
        liveIds = new int[4];
        for (int i = 0; i < liveIds.length; i++) {
            Circuit c = new Circuit((p, b, o) -> {
                byte[] copy = java.util.Arrays.copyOfRange(b, o, o + Cell.SIZE);
                mix.onCell(0, copy, 0);
            }, 0, 0x4000_0000 + i, List.of(ref), random, 1);
            liveIds[i] = c.circuitId();
            c.start(0);
        }
    }

    @FuzzTest(maxDuration = "3s")
    void anyCellIsHandledWithoutThrowing(byte[] input) {
        setUp();
        java.util.Arrays.fill(CELL, (byte) 0);
        System.arraycopy(input, 0, CELL, 0, Math.min(input.length, Cell.SIZE));
        int peer = input.length > 0 ? (input[0] & 0xFF) % 3 : 0;
        if (input.length > 1 && (input[1] & 1) == 0) {
            Bytes.putInt(CELL, 0, liveIds[(input[1] >>> 1 & 0xFF) % liveIds.length]);
        }
        mix.onCell(peer, CELL, 0);
        mix.poll();
    }
}
