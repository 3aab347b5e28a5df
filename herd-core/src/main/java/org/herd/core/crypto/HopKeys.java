package org.herd.core.crypto;

import java.util.Arrays;

/**
 * The symmetric keys one hop of a circuit shares with the originator, derived from the ntor
 * output ({@link Ntor.NtorKeys#hopKeys()}). Each direction has four independent AES-128 keys:
 *
 * <pre>
 *  material offset  size  key                     (forward at 0, backward at 64)
 *              +0    16   body key   k_c: AES-CTR keystream over the onion body
 *             +16    16   nonce key  k_n: AES block (PRP) that maps the onion nonce to the next link's
 *             +32    16   MAC key    k_m: AES-CMAC over nonce and body, checked by the recognising hop
 *             +48    16   seal key   k_s: AES block that hides the per-hop cell counter in the nonce
 * </pre>
 *
 * Immutable; the arrays are private copies.
 */
public final class HopKeys {

    /** Size of one AES-128 key. */
    public static final int KEY_SIZE = 16;
    /** Bytes of key material one direction needs. */
    public static final int DIRECTION_SIZE = 4 * KEY_SIZE;
    /** Bytes of ntor key material a hop needs (both directions). */
    public static final int MATERIAL_SIZE = 2 * DIRECTION_SIZE;

    private final byte[] material;

    private HopKeys(byte[] material) {
        this.material = material;
    }

    /** Keys from {@link #MATERIAL_SIZE} bytes of KDF output. */
    public static HopKeys fromKeyMaterial(byte[] material) {
        if (material.length != MATERIAL_SIZE) {
            throw new IllegalArgumentException("hop keys need " + MATERIAL_SIZE + " bytes, not " + material.length);
        }
        return new HopKeys(material.clone());
    }

    /** A copy of key {@code index} (0..3, see the table) of the forward or backward direction. */
    byte[] key(boolean forward, int index) {
        int off = (forward ? 0 : DIRECTION_SIZE) + index * KEY_SIZE;
        return Arrays.copyOfRange(material, off, off + KEY_SIZE);
    }

    @Override
    public String toString() {
        return "HopKeys[…]";
    }
}
