package org.herd.core.crypto.e2e;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.management.ManagementFactory;
import java.util.Arrays;
import java.util.Random;
import java.util.HexFormat;
import javax.crypto.Cipher;
import javax.crypto.spec.IvParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import org.bouncycastle.crypto.engines.AESEngine;
import org.bouncycastle.crypto.macs.CMac;
import org.bouncycastle.crypto.params.KeyParameter;
import org.junit.jupiter.api.Test;

/** End-to-end frame sealing: round trip, tamper, replay window, direction separation, no allocation. */
class FrameSealerTest {

    /** A caller's and a callee's sealer over the same random keys. */
    private static FrameSealer[] pair() {
        byte[] k = material(System.nanoTime());
        return new FrameSealer[] {FrameSealer.caller(k), FrameSealer.callee(k)};
    }

    private static byte[] material(long seed) {
        System.out.println("FrameSealerTest seed = " + seed);
        byte[] m = new byte[FrameSealer.KEY_MATERIAL_SIZE];
        new Random(seed).nextBytes(m);
        return m;
    }

    @Test
    void framesRoundTripBothWaysAndCiphertextHidesThePlaintext() {
        FrameSealer[] p = pair();
        FrameSealer caller = p[0];
        FrameSealer callee = p[1];
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
        FrameSealer[] p = pair();
        FrameSealer caller = p[0];
        FrameSealer callee = p[1];
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
        FrameSealer[] p = pair();
        FrameSealer caller = p[0];
        FrameSealer callee = p[1];
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

    private static byte[] cmac(byte[] key, byte[] message) throws Exception {
        Cipher cbc = Cipher.getInstance("AES/CBC/NoPadding");
        cbc.init(Cipher.ENCRYPT_MODE, new SecretKeySpec(key, "AES"), new IvParameterSpec(new byte[16]));
        Cipher ecb = Cipher.getInstance("AES/ECB/NoPadding");
        ecb.init(Cipher.ENCRYPT_MODE, new SecretKeySpec(key, "AES"));
        var m = FrameSealer.class.getDeclaredMethod("subkey1", Cipher.class);
        m.setAccessible(true);
        byte[] k1 = (byte[]) m.invoke(null, ecb);
        byte[] out = new byte[message.length];
        FrameSealer.cmacBlocks(cbc, k1, message.clone(), message.length, out);
        return Arrays.copyOfRange(out, out.length - 16, out.length);
    }

    @Test
    void cmacMatchesRfc4493AndBouncyCastle() throws Exception {
        HexFormat hex = HexFormat.of();
        // RFC 4493 §4, AES-128 key and examples 2 (16 bytes) and 4 (64 bytes).
        byte[] key = hex.parseHex("2b7e151628aed2a6abf7158809cf4f3c");
        byte[] m64 = hex.parseHex("6bc1bee22e409f96e93d7e117393172aae2d8a571e03ac9c9eb76fac45af8e51"
                + "30c81c46a35ce411e5fbc1191a0a52eff69f2445df4f9b17ad2b417be66c3710");
        assertEquals("070a16b46b4d4144f79bdd9dd04a287c", hex.formatHex(cmac(key, Arrays.copyOf(m64, 16))));
        assertEquals("51f0bebf7e3b9d92fc49741779363cfe", hex.formatHex(cmac(key, m64)));
        // And Bouncy Castle's CMAC agrees on random keys and block-aligned messages.
        Random r = new Random(7);
        for (int i = 0; i < 50; i++) {
            byte[] k = new byte[16];
            byte[] msg = new byte[16 * (1 + r.nextInt(14))];
            r.nextBytes(k);
            r.nextBytes(msg);
            CMac bc = new CMac(AESEngine.newInstance());
            bc.init(new KeyParameter(k));
            bc.update(msg, 0, msg.length);
            byte[] expected = new byte[16];
            bc.doFinal(expected, 0);
            assertArrayEquals(expected, cmac(k, msg));
        }
    }
}
