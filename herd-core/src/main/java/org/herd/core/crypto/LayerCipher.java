package org.herd.core.crypto;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.security.GeneralSecurityException;
import javax.crypto.Cipher;
import javax.crypto.spec.IvParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import org.herd.core.wire.Bytes;
import org.herd.core.wire.RelayCell;

/**
 * The primitives of one onion layer in one direction of one hop (see {@link OnionLayers} for the
 * scheme): AES-CTR over the body with the nonce as IV, the nonce PRP, AES-CMAC, and the counter
 * seal. Each JCA object is made once per layer, on first use; scratch arrays are per thread; the
 * per-cell methods allocate nothing in steady state and never re-initialise a Cipher (a re-init costs ≈0.7 µs and allocates), which is why
 * CTR is built from an ECB block cipher over precomputed counter blocks. JCA calls always write
 * to an array other than their input: SunJCE copies when input and output share an array.
 * Not thread-safe.
 */
final class LayerCipher {

    private static final int BLOCK = 16;
    /** Big-endian long view of byte arrays: 8 bytes per access instead of 8 single-byte accesses. */
    private static final VarHandle LONGS = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.BIG_ENDIAN);
    /** Keystream blocks needed to cover the 235-byte body. */
    private static final int KS_BLOCKS = (RelayCell.BODY_SIZE + BLOCK - 1) / BLOCK;
    /** MAC input: nonce, then the body after recognized and MAC. */
    private static final int MAC_COVERED_BODY = RelayCell.BODY_SIZE - RelayCell.RELAY_COMMAND_OFFSET;
    private static final int MAC_MESSAGE = BLOCK + MAC_COVERED_BODY;
    private static final int MAC_PADDED = (MAC_MESSAGE / BLOCK + 1) * BLOCK;

    /**
     * Scratch arrays of the per-cell methods, one set per thread: a Mix holds a layer for every
     * circuit through it, and all of them on one event loop need only one set (≈1 KB saved per layer).
     */
    private static final ThreadLocal<Scratch> SCRATCH = ThreadLocal.withInitial(Scratch::new);

    /** Per-thread scratch; no method of this class keeps a reference across calls. */
    private static final class Scratch {
        final byte[] counterBlocks = new byte[KS_BLOCKS * BLOCK];
        final byte[] keystream = new byte[KS_BLOCKS * BLOCK];
        final byte[] macIn = new byte[MAC_PADDED];
        final byte[] macOut = new byte[MAC_PADDED];
        final byte[] block = new byte[BLOCK];
        final byte[] blockOut = new byte[BLOCK];
    }

    private final HopKeys keys;
    private final boolean forward;
    /** True where every cell may need the MAC: the recognizing side (see {@link #bodyEcb()}). */
    private final boolean recognizing;
    /*
     * The JCA objects are made on first use: an idle circuit (a client's pre-built circuit, which
     * carries no cell until a call) then costs its keys, not AES instances of ≈0.7 KB each, and a
     * hop only ever makes the ones its role uses (an interior Mix never opens a sealed counter, and
     * its backward layer never computes a MAC). A layer that carried no cell between two calls of
     * {@link #releaseIfIdle()} drops them again. Steady state allocates nothing: while cells flow,
     * each is made once.
     */
    private Cipher bodyEcb;
    private Cipher nonceEnc;
    private Cipher nonceDec;
    private Cipher macCbc;
    private Cipher sealEnc;
    private Cipher sealDec;
    private byte[] cmacK2;
    /** Set by every cell through this layer (each passes {@link #xorLayer}); cleared by {@link #releaseIfIdle()}. */
    private boolean used;

    /** Made at the first recognized cell; never released while the layer lives (it is what refuses replays). */
    private ReplayWindow window;
    long sendCounter;

    /**
     * A layer with {@code keys} in one direction. {@code recognizing}: this side tests the MAC of
     * cells it receives (a relay's forward layer, an originator's backward one).
     */
    LayerCipher(HopKeys keys, boolean forward, boolean recognizing) {
        this.keys = keys;
        this.forward = forward;
        this.recognizing = recognizing;
    }

    /** The replay window of the sealed counters this layer recognizes. */
    ReplayWindow window() {
        if (window == null) {
            window = new ReplayWindow();
        }
        return window;
    }

    /**
     * Drops the JCA objects if no cell went through this layer since the previous call (they are
     * made again by the next cell), and clears the mark otherwise. Keys, send counter and replay
     * window stay. Returns true if anything was dropped.
     */
    boolean releaseIfIdle() {
        if (used) {
            used = false;
            return false;
        }
        if (bodyEcb == null && nonceEnc == null && nonceDec == null && macCbc == null
                && sealEnc == null && sealDec == null) {
            return false;
        }
        bodyEcb = null;
        nonceEnc = null;
        nonceDec = null;
        macCbc = null;
        cmacK2 = null;
        sealEnc = null;
        sealDec = null;
        return true;
    }

    /** True if a cell went through this layer since the last {@link #releaseIfIdle()}. */
    boolean usedSinceUpkeep() {
        return used;
    }

    /** The AES instances this layer holds now (tests). */
    int cipherCount() {
        int n = 0;
        for (Cipher c : new Cipher[] {bodyEcb, nonceEnc, nonceDec, macCbc, sealEnc, sealDec}) {
            n += c == null ? 0 : 1;
        }
        return n;
    }

    private Cipher bodyEcb() {
        if (bodyEcb == null) {
            bodyEcb = ecb(Cipher.ENCRYPT_MODE, keys.key(forward, 0));
            if (recognizing) {
                // The recognizing side may need the MAC at any cell (the recognized pre-check passes
                // by chance once in 2^16 cells), so it is made with the first cell, not at a random
                // later one. The other side needs it only to originate, which makes it then.
                macCbc();
            }
        }
        return bodyEcb;
    }

    private Cipher nonceEnc() {
        if (nonceEnc == null) {
            nonceEnc = ecb(Cipher.ENCRYPT_MODE, keys.key(forward, 1));
        }
        return nonceEnc;
    }

    private Cipher nonceDec() {
        if (nonceDec == null) {
            nonceDec = ecb(Cipher.DECRYPT_MODE, keys.key(forward, 1));
        }
        return nonceDec;
    }

    private Cipher sealEnc() {
        if (sealEnc == null) {
            sealEnc = ecb(Cipher.ENCRYPT_MODE, keys.key(forward, 3));
        }
        return sealEnc;
    }

    private Cipher sealDec() {
        if (sealDec == null) {
            sealDec = ecb(Cipher.DECRYPT_MODE, keys.key(forward, 3));
        }
        return sealDec;
    }

    private Cipher macCbc() {
        if (macCbc == null) {
            byte[] macKey = keys.key(forward, 2);
            try {
                Cipher c = Cipher.getInstance("AES/CBC/NoPadding");
                c.init(Cipher.ENCRYPT_MODE, new SecretKeySpec(macKey, "AES"), new IvParameterSpec(new byte[BLOCK]));
                cmacK2 = cmacSubkey2(ecb(Cipher.ENCRYPT_MODE, macKey));
                macCbc = c;
            } catch (GeneralSecurityException e) {
                throw new IllegalStateException("AES is not available in this JVM", e);
            }
        }
        return macCbc;
    }

    private static Cipher ecb(int mode, byte[] key) {
        try {
            Cipher c = Cipher.getInstance("AES/ECB/NoPadding");
            c.init(mode, new SecretKeySpec(key, "AES"));
            return c;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES is not available in this JVM", e);
        }
    }

    /** RFC 4493 §2.3: L = AES(K, 0); K1 = dbl(L); K2 = dbl(K1). */
    private static byte[] cmacSubkey2(Cipher ecb) throws GeneralSecurityException {
        byte[] l = ecb.doFinal(new byte[BLOCK]);
        return dbl(dbl(l));
    }

    private static byte[] dbl(byte[] in) {
        byte[] out = new byte[BLOCK];
        int carry = 0;
        for (int i = BLOCK - 1; i >= 0; i--) {
            int v = (in[i] & 0xFF) << 1 | carry;
            out[i] = (byte) v;
            carry = v >>> 8;
        }
        if ((in[0] & 0x80) != 0) {
            out[BLOCK - 1] ^= (byte) 0x87;
        }
        return out;
    }

    /** XORs {@code AES-CTR(k_c, IV = nonce)} into the 235-byte body at {@code bodyOff}. */
    void xorLayer(byte[] cell, int bodyOff, byte[] nonce, int nonceOff) {
        // Counter blocks N, N+1, ..., N+14 as 128-bit big-endian integers (mod 2^128).
        Scratch t = SCRATCH.get();
        byte[] counterBlocks = t.counterBlocks;
        byte[] keystream = t.keystream;
        long hi = (long) LONGS.get(nonce, nonceOff);
        long lo = (long) LONGS.get(nonce, nonceOff + 8);
        for (int i = 0; i < KS_BLOCKS * BLOCK; i += BLOCK) {
            LONGS.set(counterBlocks, i, hi);
            LONGS.set(counterBlocks, i + 8, lo);
            lo++;
            if (lo == 0) {
                hi++;
            }
        }
        used = true;
        update(bodyEcb(), counterBlocks, keystream);
        int i = 0;
        for (; i + 8 <= RelayCell.BODY_SIZE; i += 8) {
            LONGS.set(cell, bodyOff + i, (long) LONGS.get(cell, bodyOff + i) ^ (long) LONGS.get(keystream, i));
        }
        for (; i < RelayCell.BODY_SIZE; i++) {
            cell[bodyOff + i] ^= keystream[i];
        }
    }

    /** {@code out = E(k_n, in)}: the nonce on the next link. {@code in} and {@code out} may alias. */
    void permute(byte[] in, int inOff, byte[] out, int outOff) {
        blockOp(nonceEnc(), SCRATCH.get(), in, inOff, out, outOff);
    }

    /** {@code out = D(k_n, in)}: the nonce on the previous link. */
    void unpermute(byte[] in, int inOff, byte[] out, int outOff) {
        blockOp(nonceDec(), SCRATCH.get(), in, inOff, out, outOff);
    }

    /** Writes the sealed counter {@code E(k_s, 0^64 | counter)} — a fresh nonce — to {@code out}. */
    void sealCounter(long counter, byte[] out, int outOff) {
        Scratch t = SCRATCH.get();
        Bytes.putLong(t.block, 0, 0L);
        Bytes.putLong(t.block, 8, counter);
        blockOp(sealEnc(), t, t.block, 0, out, outOff);
    }

    /** The counter sealed in {@code nonce}, or -1 if it is not a sealed counter. */
    long openCounter(byte[] nonce, int nonceOff) {
        Scratch t = SCRATCH.get();
        byte[] block = t.block;
        blockOp(sealDec(), t, nonce, nonceOff, block, 0);
        if (Bytes.getLong(block, 0) != 0L) {
            return -1;
        }
        long c = Bytes.getLong(block, 8);
        return c < 0 ? -1 : c;
    }

    /** Writes the 16-byte AES-CMAC of {@code nonce | body[18..235)} to {@code out}. */
    void mac(byte[] nonce, int nonceOff, byte[] cell, int bodyOff, byte[] out, int outOff) {
        byte[] macOut = cmac(nonce, nonceOff, cell, bodyOff);
        System.arraycopy(macOut, MAC_PADDED - BLOCK, out, outOff, BLOCK);
    }

    /** True if the body's recognized field is zero and its MAC field is the MAC under {@code nonce}. */
    boolean recognizes(byte[] nonce, int nonceOff, byte[] cell, int bodyOff) {
        if (cell[bodyOff + RelayCell.RECOGNIZED_OFFSET] != 0 || cell[bodyOff + RelayCell.RECOGNIZED_OFFSET + 1] != 0) {
            return false; // the cheap pre-check: a cell for a later hop passes it with probability 2^-16
        }
        byte[] macOut = cmac(nonce, nonceOff, cell, bodyOff);
        int diff = 0;
        for (int i = 0; i < BLOCK; i++) {
            diff |= macOut[MAC_PADDED - BLOCK + i] ^ cell[bodyOff + RelayCell.MAC_OFFSET + i];
        }
        return diff == 0;
    }

    /** Computes the CMAC into the thread's scratch and returns that array (the tag is its last block). */
    private byte[] cmac(byte[] nonce, int nonceOff, byte[] cell, int bodyOff) {
        Cipher cbc = macCbc();
        Scratch t = SCRATCH.get();
        byte[] macIn = t.macIn;
        byte[] macOut = t.macOut;
        // The message has a fixed length of 233 bytes, so the last block is partial: pad 10*, XOR K2.
        System.arraycopy(nonce, nonceOff, macIn, 0, BLOCK);
        System.arraycopy(cell, bodyOff + RelayCell.RELAY_COMMAND_OFFSET, macIn, BLOCK, MAC_COVERED_BODY);
        macIn[MAC_MESSAGE] = (byte) 0x80;
        for (int i = MAC_MESSAGE + 1; i < MAC_PADDED; i++) {
            macIn[i] = 0;
        }
        for (int i = 0; i < BLOCK; i++) {
            macIn[MAC_PADDED - BLOCK + i] ^= cmacK2[i];
        }
        try {
            // doFinal resets CBC to the zero IV given at init, so the next call starts afresh.
            cbc.doFinal(macIn, 0, MAC_PADDED, macOut, 0);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
        return macOut;
    }

    /** {@code out = c(in)} for one block, through {@code t}'s block buffers ({@code in} and {@code out} may be them). */
    private static void blockOp(Cipher c, Scratch t, byte[] in, int inOff, byte[] out, int outOff) {
        byte[] block = t.block;
        byte[] blockOut = t.blockOut;
        System.arraycopy(in, inOff, block, 0, BLOCK);
        try {
            c.update(block, 0, BLOCK, blockOut, 0);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
        System.arraycopy(blockOut, 0, out, outOff, BLOCK);
    }

    private static void update(Cipher c, byte[] in, byte[] out) {
        try {
            c.update(in, 0, in.length, out, 0);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }
}
