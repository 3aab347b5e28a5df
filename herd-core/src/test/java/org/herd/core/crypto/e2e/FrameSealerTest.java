package org.herd.core.crypto.e2e;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.management.ManagementFactory;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** End-to-end frame sealing: round trip, tamper, replay window, direction separation, no allocation. */
class FrameSealerTest {

    private static byte[] material(long seed) {
        System.out.println("FrameSealerTest seed = " + seed);
        byte[] m = new byte[FrameSealer.KEY_MATERIAL_SIZE];
        new Random(seed).nextBytes(m);
        return m;
    }

    @Test
    void framesRoundTripBothWaysAndCiphertextHidesThePlaintext() {
        byte[] k = material(System.nanoTime());
        FrameSealer caller = FrameSealer.caller(k);
        FrameSealer callee = FrameSealer.callee(k);
        byte[] frame = new byte[160];
        byte[] sealed = new byte[212];
        byte[] out = new byte[212];
        for (int n = 0; n < 100; n++) {
            Arrays.fill(frame, (byte) n);
            assertEquals(180, caller.seal(frame, 0, 160, sealed, 0));
            assertEquals(n, (sealed[3] & 0xFF));
            int zeros = 0;
            for (int i = 4; i < 164; i++) {
                zeros += sealed[i] == (byte) n ? 1 : 0;
            }
            assertTrue(zeros < 10, "ciphertext looks like plaintext");
            assertEquals(160, callee.open(sealed, 0, 180, out, 0));
            assertArrayEquals(frame, Arrays.copyOf(out, 160));
            assertEquals(n, callee.lastFrameOpened());
            assertEquals(10, callee.seal(frame, 0, 10, sealed, 0) - 20);
            assertEquals(10, caller.open(sealed, 0, 30, out, 0));
        }
        // A sealer cannot open its own direction: the keys differ per direction.
        caller.seal(frame, 0, 160, sealed, 0);
        assertEquals(FrameSealer.TAMPERED, caller.open(sealed, 0, 180, out, 0));
    }

    @Test
    void tamperedReplayedAndStaleFramesAreDroppedAndCounted() {
        byte[] k = material(System.nanoTime());
        FrameSealer caller = FrameSealer.caller(k);
        FrameSealer callee = FrameSealer.callee(k);
        byte[] frame = new byte[160];
        byte[][] sealed = new byte[100][212];
        for (int n = 0; n < 100; n++) {
            caller.seal(frame, 0, 160, sealed[n], 0);
        }
        byte[] out = new byte[212];
        for (int pos : new int[] {0, 3, 50, 163, 170, 179}) {
            byte[] t = sealed[1].clone();
            t[pos] ^= 1;
            assertEquals(FrameSealer.TAMPERED, callee.open(t, 0, 180, out, 0), "flip at " + pos);
        }
        assertEquals(6, callee.tamperedFrames());
        assertEquals(FrameSealer.MALFORMED, callee.open(sealed[1], 0, 19, out, 0));
        // Out of order within the window: accepted once each.
        assertEquals(160, callee.open(sealed[70], 0, 180, out, 0));
        assertEquals(160, callee.open(sealed[69], 0, 180, out, 0));
        assertEquals(FrameSealer.REPLAYED, callee.open(sealed[69], 0, 180, out, 0));
        assertEquals(160, callee.open(sealed[7], 0, 180, out, 0)); // 63 behind: inside the window
        assertEquals(FrameSealer.REPLAYED, callee.open(sealed[6], 0, 180, out, 0)); // 64 behind: too old
        assertEquals(2, callee.replayedFrames());
        assertEquals(70, callee.highestFrameOpened());
    }

    @Test
    void sealingAndOpeningAllocateNothing() {
        byte[] k = material(System.nanoTime());
        FrameSealer caller = FrameSealer.caller(k);
        FrameSealer callee = FrameSealer.callee(k);
        byte[] frame = new byte[160];
        byte[] sealed = new byte[212];
        byte[] out = new byte[212];
        com.sun.management.ThreadMXBean mx = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        long tid = Thread.currentThread().getId();
        for (int i = 0; i < 20_000; i++) {
            caller.seal(frame, 0, 160, sealed, 0);
            callee.open(sealed, 0, 180, out, 0);
        }
        int frames = 50_000;
        long before = mx.getThreadAllocatedBytes(tid);
        for (int i = 0; i < frames; i++) {
            caller.seal(frame, 0, 160, sealed, 0);
            callee.open(sealed, 0, 180, out, 0);
        }
        long allocated = mx.getThreadAllocatedBytes(tid) - before;
        System.out.println("FrameSealer: " + allocated + " bytes allocated for " + frames + " seal+open");
        assertTrue(allocated < frames / 10, allocated + " bytes");
    }
}
