package org.herd.core.crypto;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import java.util.Arrays;
import javax.crypto.Cipher;
import javax.crypto.spec.IvParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import org.bouncycastle.crypto.engines.AESEngine;
import org.bouncycastle.crypto.macs.CMac;
import org.bouncycastle.crypto.params.KeyParameter;
import org.herd.core.wire.Cell;
import org.herd.core.wire.RelayCell;
import org.junit.jupiter.api.Test;

/**
 * Recomputes the onion scheme documented on {@link OnionLayers} from standard primitives (JCA
 * AES/ECB and AES/CTR, Bouncy Castle's CMac) and compares the cells byte for byte, so the
 * javadoc is the specification the code follows. Keys are fixed: material byte i = i + 64·hop.
 */
class OnionSchemeConformanceTest {

    private static final int BODY = RelayCell.BODY_OFFSET;
    private static final int NONCE = RelayCell.NONCE_OFFSET;

    private static HopKeys keys(int hop) {
        byte[] m = new byte[HopKeys.MATERIAL_SIZE];
        for (int i = 0; i < m.length; i++) {
            m[i] = (byte) (i + 64 * hop);
        }
        return HopKeys.fromKeyMaterial(m);
    }

    private static byte[] aes(int mode, byte[] key, byte[] block) throws Exception {
        Cipher c = Cipher.getInstance("AES/ECB/NoPadding");
        c.init(mode, new SecretKeySpec(key, "AES"));
        return c.doFinal(block);
    }

    private static void xorCtr(byte[] cell, byte[] key, byte[] iv) throws Exception {
        Cipher c = Cipher.getInstance("AES/CTR/NoPadding");
        c.init(Cipher.ENCRYPT_MODE, new SecretKeySpec(key, "AES"), new IvParameterSpec(iv));
        byte[] ks = c.doFinal(new byte[RelayCell.BODY_SIZE]);
        for (int i = 0; i < ks.length; i++) {
            cell[BODY + i] ^= ks[i];
        }
    }

    private static void writeMac(byte[] cell, byte[] key, byte[] nonce) {
        CMac mac = new CMac(AESEngine.newInstance());
        mac.init(new KeyParameter(key));
        mac.update(nonce, 0, 16);
        mac.update(cell, BODY + RelayCell.RELAY_COMMAND_OFFSET, RelayCell.BODY_SIZE - RelayCell.RELAY_COMMAND_OFFSET);
        mac.doFinal(cell, BODY + RelayCell.MAC_OFFSET);
    }

    private static byte[] sealed(long counter) {
        byte[] b = new byte[16];
        org.herd.core.wire.Bytes.putLong(b, 8, counter);
        return b;
    }

    private static byte[] plaintext() {
        byte[] cell = new byte[Cell.SIZE];
        for (int i = 0; i < cell.length; i++) {
            cell[i] = (byte) (i * 7 + 3);
        }
        return cell;
    }

    @Test
    void forwardCellToTheSecondOfTwoHopsIsTheDocumentedOne() throws Exception {
        HopKeys k0 = keys(0);
        HopKeys k1 = keys(1);
        OnionOriginator o = OnionLayers.originator();
        o.addHop(k0);
        o.addHop(k1);
        byte[] ours = plaintext();
        o.encryptForward(ours, 0, 1); // counter 0 of hop 1
        o.encryptForward(ours = plaintext(), 0, 1); // counter 1 of hop 1

        byte[] expected = plaintext();
        byte[] n1 = aes(Cipher.ENCRYPT_MODE, k1.key(true, 3), sealed(1));
        byte[] n0 = aes(Cipher.DECRYPT_MODE, k0.key(true, 1), n1);
        expected[BODY] = 0;
        expected[BODY + 1] = 0;
        writeMac(expected, k1.key(true, 2), n1);
        xorCtr(expected, k1.key(true, 0), n1);
        xorCtr(expected, k0.key(true, 0), n0);
        System.arraycopy(n0, 0, expected, NONCE, 16);
        assertArrayEquals(expected, ours);
    }

    @Test
    void backwardCellFromTheSecondOfTwoHopsIsTheDocumentedOne() throws Exception {
        HopKeys k0 = keys(0);
        HopKeys k1 = keys(1);
        byte[] ours = plaintext();
        OnionLayers.relay(k1).originateBackward(ours, 0); // counter 0
        OnionLayers.relay(k0).processBackward(ours, 0);

        byte[] expected = plaintext();
        byte[] n = aes(Cipher.ENCRYPT_MODE, k1.key(false, 3), sealed(0));
        expected[BODY] = 0;
        expected[BODY + 1] = 0;
        writeMac(expected, k1.key(false, 2), n);
        xorCtr(expected, k1.key(false, 0), n);
        n = aes(Cipher.ENCRYPT_MODE, k1.key(false, 1), n);
        xorCtr(expected, k0.key(false, 0), n);
        n = aes(Cipher.ENCRYPT_MODE, k0.key(false, 1), n);
        System.arraycopy(n, 0, expected, NONCE, 16);
        assertArrayEquals(expected, ours);
        assertArrayEquals(Arrays.copyOf(plaintext(), NONCE), Arrays.copyOf(ours, NONCE));
    }
}
