package org.herd.core.crypto;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.management.ManagementFactory;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.SplittableRandom;
import javax.crypto.Cipher;
import javax.crypto.spec.IvParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import org.bouncycastle.crypto.engines.AESEngine;
import org.bouncycastle.crypto.macs.CMac;
import org.bouncycastle.crypto.params.KeyParameter;
import org.herd.core.wire.Bytes;
import org.herd.core.wire.Cell;
import org.herd.core.wire.RelayCell;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Onion layers: originator and relay hops wired back to back in memory. */
class OnionLayersTest {

    private static final int BODY = RelayCell.BODY_OFFSET;
    private static final int NONCE = RelayCell.NONCE_OFFSET;
    /** Bytes an observer of a link sees of the onion: nonce and body. */
    private static final int ONION = RelayCell.NONCE_SIZE + RelayCell.BODY_SIZE;

    private long seed;
    private SplittableRandom rng;

    @BeforeEach
    void seed() {
        seed = new SecureRandom().nextLong();
        System.out.println(getClass().getSimpleName() + " seed = " + seed);
        rng = new SplittableRandom(seed);
    }

    /** A circuit of {@code hops} hops with random keys. */
    private final class Circuit {
        final OnionOriginator client = OnionLayers.originator();
        final OnionRelay[] relays;

        Circuit(int hops) {
            relays = new OnionRelay[hops];
            for (int i = 0; i < hops; i++) {
                byte[] material = new byte[HopKeys.MATERIAL_SIZE];
                rng.nextBytes(material);
                HopKeys keys = HopKeys.fromKeyMaterial(material);
                client.addHop(keys);
                relays[i] = OnionLayers.relay(keys);
            }
        }

        boolean last(int hop) {
            return hop == relays.length - 1;
        }
    }

    /** A RELAY cell whose plaintext fields are random; returns the buffer. */
    private byte[] plaintextCell() {
        byte[] cell = new byte[Cell.SIZE];
        rng.nextBytes(cell);
        return cell;
    }

    /** The plaintext fields the onion must preserve: relay command through the end of data. */
    private static byte[] payload(byte[] cell) {
        return Arrays.copyOfRange(cell, BODY + RelayCell.RELAY_COMMAND_OFFSET, Cell.SIZE);
    }

    @ParameterizedTest
    @ValueSource(ints = {3, 5})
    void forwardRoundTripToEveryHop(int hops) {
        Circuit c = new Circuit(hops);
        for (int round = 0; round < 20; round++) {
            for (int target = 0; target < hops; target++) {
                byte[] cell = plaintextCell();
                byte[] header = Arrays.copyOf(cell, NONCE);
                byte[] expected = payload(cell);
                c.client.encryptForward(cell, 0, target);
                assertNotEquals(Arrays.toString(expected), Arrays.toString(payload(cell)));
                for (int i = 0; i < target; i++) {
                    assertEquals(OnionVerdict.FORWARD, c.relays[i].processForward(cell, 0, c.last(i)));
                }
                assertEquals(OnionVerdict.RECOGNIZED, c.relays[target].processForward(cell, 0, c.last(target)));
                assertArrayEquals(expected, payload(cell));
                assertArrayEquals(header, Arrays.copyOf(cell, NONCE), "cell header is not the onion's business");
            }
        }
        for (OnionRelay r : c.relays) {
            assertEquals(0, r.integrityFailures());
            assertEquals(0, r.replaysDropped());
        }
    }

    @ParameterizedTest
    @ValueSource(ints = {3, 5})
    void backwardRoundTripFromEveryHop(int hops) {
        Circuit c = new Circuit(hops);
        for (int round = 0; round < 20; round++) {
            for (int origin = 0; origin < hops; origin++) {
                byte[] cell = plaintextCell();
                byte[] expected = payload(cell);
                c.relays[origin].originateBackward(cell, 0);
                for (int i = origin - 1; i >= 0; i--) {
                    c.relays[i].processBackward(cell, 0);
                }
                assertEquals(origin, c.client.decryptBackward(cell, 0));
                assertArrayEquals(expected, payload(cell));
            }
        }
        assertEquals(0, c.client.integrityFailures());
    }

    /** One forward cell to the last hop and one backward cell from it, checked end to end. */
    private void roundTripToLastHop(Circuit c) {
        int last = c.relays.length - 1;
        byte[] cell = plaintextCell();
        byte[] expected = payload(cell);
        c.client.encryptForward(cell, 0, last);
        for (int i = 0; i < last; i++) {
            assertEquals(OnionVerdict.FORWARD, c.relays[i].processForward(cell, 0, false));
        }
        assertEquals(OnionVerdict.RECOGNIZED, c.relays[last].processForward(cell, 0, true));
        assertArrayEquals(expected, payload(cell));
        cell = plaintextCell();
        expected = payload(cell);
        c.relays[last].originateBackward(cell, 0);
        for (int i = last - 1; i >= 0; i--) {
            c.relays[i].processBackward(cell, 0);
        }
        assertEquals(last, c.client.decryptBackward(cell, 0));
        assertArrayEquals(expected, payload(cell));
    }

    /**
     * Each hop makes only the AES instances its role uses: an interior hop's backward layer
     * computes no MAC (body and nonce only), the last hop's forward layer no nonce permutation.
     */
    @Test
    void hopsMakeOnlyTheCiphersTheirRoleUses() {
        Circuit c = new Circuit(2);
        for (OnionRelay r : c.relays) {
            assertEquals(0, r.cipherCount(), "nothing before the first cell");
        }
        roundTripToLastHop(c);
        // interior: forward body + MAC (the recognized pre-check) + nonce; backward body + nonce
        assertEquals(5, c.relays[0].cipherCount());
        // last hop: forward body + MAC + seal open; backward body + MAC + seal + nonce
        assertEquals(7, c.relays[1].cipherCount());
    }

    /**
     * A hop whose circuit carried no cell between two upkeep calls drops its AES instances; the
     * next cells make them again and still cross both ways, and the replay window survives the
     * release (a cell recorded before it is still refused after it).
     */
    @Test
    void idleLayersDropTheirCiphersAndKeepWorking() {
        Circuit c = new Circuit(3);
        byte[] recorded = plaintextCell();
        c.client.encryptForward(recorded, 0, 2);
        byte[] replay = recorded.clone();
        for (int i = 0; i < 3; i++) {
            assertEquals(i == 2 ? OnionVerdict.RECOGNIZED : OnionVerdict.FORWARD, c.relays[i].processForward(recorded, 0, i == 2));
        }
        roundTripToLastHop(c);
        for (OnionRelay r : c.relays) {
            int made = r.cipherCount();
            assertTrue(made > 0);
            assertFalse(r.releaseIdleCiphers(), "cells went through since the last upkeep");
            assertEquals(made, r.cipherCount());
        }
        for (OnionRelay r : c.relays) {
            assertTrue(r.releaseIdleCiphers(), "no cell since the last upkeep");
            assertEquals(0, r.cipherCount());
            assertFalse(r.releaseIdleCiphers(), "nothing left to drop");
        }
        roundTripToLastHop(c);
        assertTrue(c.relays[2].cipherCount() > 0);
        for (int i = 0; i < 2; i++) {
            assertEquals(OnionVerdict.FORWARD, c.relays[i].processForward(replay, 0, false));
        }
        assertEquals(OnionVerdict.DROP, c.relays[2].processForward(replay, 0, true));
        assertEquals(1, c.relays[2].replaysDropped());
        assertEquals(0, c.relays[2].integrityFailures());
    }

    /** Snapshots of a forward cell to {@code target} on each link: index l = as hop l receives it. */
    private List<byte[]> forwardLinks(Circuit c, byte[] cell, int target) {
        List<byte[]> links = new ArrayList<>();
        c.client.encryptForward(cell, 0, target);
        for (int i = 0; i <= target; i++) {
            links.add(cell.clone());
            OnionVerdict v = c.relays[i].processForward(cell, 0, c.last(i));
            assertEquals(i == target ? OnionVerdict.RECOGNIZED : OnionVerdict.FORWARD, v);
        }
        return links;
    }

    @ParameterizedTest
    @ValueSource(ints = {3, 5})
    void flippedBitAnywhereOnAnyForwardLinkIsDroppedAndCounted(int hops) {
        Circuit c = new Circuit(hops);
        long flips = 0;
        for (int target : new int[] {hops - 1, hops / 2}) {
            List<byte[]> links = forwardLinks(c, plaintextCell(), target);
            for (int link = 0; link <= target; link++) {
                for (int bit = NONCE * 8; bit < Cell.SIZE * 8; bit++) {
                    byte[] cell = links.get(link).clone();
                    cell[bit / 8] ^= (byte) (1 << (bit % 8));
                    OnionVerdict v = OnionVerdict.FORWARD;
                    for (int i = link; i < hops && v == OnionVerdict.FORWARD; i++) {
                        v = c.relays[i].processForward(cell, 0, c.last(i));
                    }
                    assertEquals(OnionVerdict.DROP, v, "link " + link + " bit " + bit + " target " + target);
                    flips++;
                }
            }
        }
        assertEquals(flips, c.relays[hops - 1].integrityFailures(), "every tampered cell dropped by the last hop");
        assertEquals(0, c.relays[hops - 1].replaysDropped());
    }

    @ParameterizedTest
    @ValueSource(ints = {3, 5})
    void flippedBitAnywhereOnAnyBackwardLinkIsDroppedAndCounted(int hops) {
        Circuit c = new Circuit(hops);
        long flips = 0;
        for (int origin : new int[] {hops - 1, 1}) {
            byte[] cell = plaintextCell();
            c.relays[origin].originateBackward(cell, 0);
            // links.get(k): the cell as it leaves hop origin-k (k = origin: as the client receives it).
            List<byte[]> links = new ArrayList<>();
            links.add(cell.clone());
            for (int i = origin - 1; i >= 0; i--) {
                c.relays[i].processBackward(cell, 0);
                links.add(cell.clone());
            }
            for (int k = 0; k < links.size(); k++) {
                int nextHop = origin - 1 - k; // first hop that handles it after the flip; -1 = client
                for (int bit = NONCE * 8; bit < Cell.SIZE * 8; bit++) {
                    byte[] tampered = links.get(k).clone();
                    tampered[bit / 8] ^= (byte) (1 << (bit % 8));
                    for (int i = nextHop; i >= 0; i--) {
                        c.relays[i].processBackward(tampered, 0);
                    }
                    assertEquals(-1, c.client.decryptBackward(tampered, 0), "origin " + origin + " link " + k
                            + " bit " + bit);
                    flips++;
                }
            }
        }
        assertEquals(flips, c.client.integrityFailures());
        assertEquals(0, c.client.replaysDropped());
    }

    private static int agreeingBytes(byte[] a, byte[] b) {
        int n = 0;
        for (int i = NONCE; i < Cell.SIZE; i++) {
            n += a[i] == b[i] ? 1 : 0;
        }
        return n;
    }

    /**
     * I1: the same cell's bytes on two links (successive or not) agree no more often than two
     * independent random strings would (1/256 per byte). Also holds when every plaintext is equal.
     */
    @Test
    void i1SuccessiveLinksAgreeNoMoreThanChance() {
        int hops = 5;
        int cells = 2000;
        Circuit c = new Circuit(hops);
        long[][] agree = new long[hops][hops];
        long[] agreeBackward = new long[hops];
        byte[] same = plaintextCell();
        for (int n = 0; n < cells; n++) {
            List<byte[]> links = forwardLinks(c, same.clone(), hops - 1);
            for (int a = 0; a < hops; a++) {
                for (int b = a + 1; b < hops; b++) {
                    agree[a][b] += agreeingBytes(links.get(a), links.get(b));
                }
            }
            byte[] cell = same.clone();
            c.relays[hops - 1].originateBackward(cell, 0);
            for (int i = hops - 2; i >= 0; i--) {
                byte[] before = cell.clone();
                c.relays[i].processBackward(cell, 0);
                agreeBackward[i] += agreeingBytes(before, cell);
            }
            assertEquals(hops - 1, c.client.decryptBackward(cell, 0));
        }
        double trials = (double) cells * ONION;
        double mean = trials / 256;
        double sd = Math.sqrt(trials * (1.0 / 256) * (255.0 / 256));
        for (int a = 0; a < hops; a++) {
            for (int b = a + 1; b < hops; b++) {
                assertTrue(Math.abs(agree[a][b] - mean) < 6 * sd,
                        "links " + a + "," + b + ": " + agree[a][b] + " agreeing bytes, chance " + mean);
            }
        }
        for (int i = 0; i < hops - 1; i++) {
            assertTrue(Math.abs(agreeBackward[i] - mean) < 6 * sd,
                    "backward at hop " + i + ": " + agreeBackward[i] + ", chance " + mean);
        }
    }

    /** Nonces as unsigned 128-bit values, sorted; adjacent gaps must exceed the 15 CTR blocks a cell uses. */
    private static void assertNoKeystreamOverlap(List<byte[]> nonces, String where) {
        nonces.sort(Arrays::compareUnsigned);
        for (int i = 1; i < nonces.size(); i++) {
            byte[] a = nonces.get(i - 1);
            byte[] b = nonces.get(i);
            long hiA = Bytes.getLong(a, 0);
            long hiB = Bytes.getLong(b, 0);
            long loA = Bytes.getLong(a, 8);
            long loB = Bytes.getLong(b, 8);
            boolean close = hiA == hiB ? Long.compareUnsigned(loB - loA, 16) < 0
                    : hiB - hiA == 1 && Long.compareUnsigned(loB - loA, 16) < 0;
            assertTrue(!close, where + ": nonces " + i + " repeat or overlap their keystream windows");
        }
    }

    @Test
    void noncesNeverRepeatPerHopAndDirection() {
        int hops = 3;
        int cells = 20_000;
        Circuit c = new Circuit(hops);
        List<List<byte[]>> forward = new ArrayList<>();
        List<List<byte[]>> backward = new ArrayList<>();
        for (int i = 0; i < hops; i++) {
            forward.add(new ArrayList<>());
            backward.add(new ArrayList<>());
        }
        byte[] same = plaintextCell();
        for (int n = 0; n < cells; n++) {
            // Alternate targets, so that the same hop sees nonces of cells for itself and for later hops.
            int target = n % hops;
            byte[] cell = same.clone();
            c.client.encryptForward(cell, 0, target);
            for (int i = 0; i <= target; i++) {
                forward.get(i).add(Arrays.copyOfRange(cell, NONCE, BODY));
                c.relays[i].processForward(cell, 0, c.last(i));
            }
            cell = same.clone();
            c.relays[target].originateBackward(cell, 0);
            backward.get(target).add(Arrays.copyOfRange(cell, NONCE, BODY));
            for (int i = target - 1; i >= 0; i--) {
                byte[] in = Arrays.copyOfRange(cell, NONCE, BODY);
                backward.get(i).add(in);
                c.relays[i].processBackward(cell, 0);
            }
            assertEquals(target, c.client.decryptBackward(cell, 0));
        }
        for (int i = 0; i < hops; i++) {
            assertNoKeystreamOverlap(forward.get(i), "forward hop " + i);
            assertNoKeystreamOverlap(backward.get(i), "backward hop " + i);
        }
        assertEquals(cells, forward.get(0).size());
    }

    @Test
    void reorderedAndLostCellsStillDecryptAndReplaysAreDropped() {
        int hops = 3;
        Circuit c = new Circuit(hops);
        List<byte[]> sent = new ArrayList<>();
        List<byte[]> payloads = new ArrayList<>();
        for (int n = 0; n < 300; n++) {
            byte[] cell = plaintextCell();
            Bytes.putInt(cell, BODY + RelayCell.DATA_OFFSET, n);
            payloads.add(payload(cell));
            c.client.encryptForward(cell, 0, hops - 1);
            sent.add(cell);
        }
        List<Integer> order = new ArrayList<>();
        for (int n = 0; n < sent.size(); n++) {
            if (rng.nextInt(10) >= 3) { // 30 % loss
                order.add(n);
            }
        }
        Collections.shuffle(order, new java.util.Random(seed));
        byte[] replay = null;
        for (int n : order) {
            byte[] cell = sent.get(n).clone();
            if (replay == null) {
                replay = cell.clone();
            }
            for (int i = 0; i < hops - 1; i++) {
                assertEquals(OnionVerdict.FORWARD, c.relays[i].processForward(cell, 0, false));
            }
            assertEquals(OnionVerdict.RECOGNIZED, c.relays[hops - 1].processForward(cell, 0, true));
            assertArrayEquals(payloads.get(n), payload(cell));
        }
        for (int i = 0; i < hops - 1; i++) {
            assertEquals(OnionVerdict.FORWARD, c.relays[i].processForward(replay, 0, false));
        }
        assertEquals(OnionVerdict.DROP, c.relays[hops - 1].processForward(replay, 0, true));
        assertEquals(1, c.relays[hops - 1].replaysDropped());
        assertEquals(0, c.relays[hops - 1].integrityFailures());

        // Backward: the last hop sends 300 cells; the client gets a shuffled 70 % of them.
        List<byte[]> back = new ArrayList<>();
        List<byte[]> backPayloads = new ArrayList<>();
        for (int n = 0; n < 300; n++) {
            byte[] cell = plaintextCell();
            backPayloads.add(payload(cell));
            c.relays[hops - 1].originateBackward(cell, 0);
            for (int i = hops - 2; i >= 0; i--) {
                c.relays[i].processBackward(cell, 0);
            }
            back.add(cell);
        }
        for (int n : order) {
            byte[] cell = back.get(n).clone();
            assertEquals(hops - 1, c.client.decryptBackward(cell, 0));
            assertArrayEquals(backPayloads.get(n), payload(cell));
        }
        assertEquals(-1, c.client.decryptBackward(back.get(order.get(0)).clone(), 0));
        assertEquals(1, c.client.replaysDropped());
        assertEquals(0, c.client.integrityFailures());
    }

    @Test
    void cellsOlderThanTheReplayWindowAreDropped() {
        Circuit c = new Circuit(1);
        byte[] first = plaintextCell();
        c.client.encryptForward(first, 0, 0);
        for (int n = 0; n < ReplayWindow.SIZE; n++) {
            byte[] cell = plaintextCell();
            c.client.encryptForward(cell, 0, 0);
            assertEquals(OnionVerdict.RECOGNIZED, c.relays[0].processForward(cell, 0, true));
        }
        assertEquals(OnionVerdict.DROP, c.relays[0].processForward(first, 0, true));
        assertEquals(1, c.relays[0].replaysDropped());
    }

    @Test
    void hopKeysFromRealNtorHandshakesDriveTheLayers() throws NtorException {
        SecureRandom random = new SecureRandom();
        OnionOriginator client = OnionLayers.originator();
        OnionRelay[] relays = new OnionRelay[3];
        for (int i = 0; i < 3; i++) {
            IdentityKeyPair mix = IdentityKeyPair.generate(random);
            OnionKeyPair onion = OnionKeyPair.generate(random);
            byte[] id = Ntor.herdId(mix.publicKey());
            Ntor.Client hs = Ntor.client(id, onion.publicKey(), random);
            Ntor.ServerResult server = Ntor.server(hs.handshake(), id, List.of(onion), random);
            relays[i] = OnionLayers.relay(server.keys().hopKeys());
            client.addHop(hs.finish(server.reply()).hopKeys());
        }
        byte[] cell = plaintextCell();
        byte[] expected = payload(cell);
        client.encryptForward(cell, 0, 2);
        assertEquals(OnionVerdict.FORWARD, relays[0].processForward(cell, 0, false));
        assertEquals(OnionVerdict.FORWARD, relays[1].processForward(cell, 0, false));
        assertEquals(OnionVerdict.RECOGNIZED, relays[2].processForward(cell, 0, true));
        assertArrayEquals(expected, payload(cell));
    }

    /** The hand-built CTR equals JCA's AES/CTR, including a carry out of the low 64 bits. */
    @Test
    void keystreamIsStandardAesCtr() throws Exception {
        byte[] material = new byte[HopKeys.MATERIAL_SIZE];
        rng.nextBytes(material);
        HopKeys keys = HopKeys.fromKeyMaterial(material);
        LayerCipher layer = new LayerCipher(keys, true, true);
        byte[] nonce = new byte[16];
        rng.nextBytes(nonce);
        Bytes.putLong(nonce, 8, -3L); // the low half wraps inside the 15 blocks
        byte[] body = new byte[RelayCell.BODY_SIZE];
        rng.nextBytes(body);
        byte[] ours = body.clone();
        layer.xorLayer(ours, 0, nonce, 0);
        Cipher ctr = Cipher.getInstance("AES/CTR/NoPadding");
        ctr.init(Cipher.ENCRYPT_MODE, new SecretKeySpec(keys.key(true, 0), "AES"), new IvParameterSpec(nonce));
        assertArrayEquals(ctr.doFinal(body), ours);
    }

    /** The MAC equals Bouncy Castle's independent AES-CMAC over nonce | body[18..235). */
    @Test
    void macIsStandardAesCmac() {
        byte[] material = new byte[HopKeys.MATERIAL_SIZE];
        rng.nextBytes(material);
        HopKeys keys = HopKeys.fromKeyMaterial(material);
        LayerCipher layer = new LayerCipher(keys, false, false);
        byte[] nonce = new byte[16];
        byte[] body = new byte[RelayCell.BODY_SIZE];
        rng.nextBytes(nonce);
        rng.nextBytes(body);
        byte[] ours = new byte[16];
        layer.mac(nonce, 0, body, 0, ours, 0);
        CMac cmac = new CMac(AESEngine.newInstance());
        cmac.init(new KeyParameter(keys.key(false, 2)));
        cmac.update(nonce, 0, 16);
        cmac.update(body, RelayCell.RELAY_COMMAND_OFFSET, RelayCell.BODY_SIZE - RelayCell.RELAY_COMMAND_OFFSET);
        byte[] theirs = new byte[16];
        cmac.doFinal(theirs, 0);
        assertArrayEquals(theirs, ours);
    }

    /** After warm-up, a forward and backward round trip over 3 hops allocates nothing. */
    @Test
    void steadyStateAllocatesNothing() {
        com.sun.management.ThreadMXBean mx = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        Circuit c = new Circuit(3);
        byte[] cell = plaintextCell();
        int[] sink = new int[1];
        Runnable roundTrip = () -> {
            c.client.encryptForward(cell, 0, 2);
            for (int i = 0; i < 3; i++) {
                sink[0] += c.relays[i].processForward(cell, 0, c.last(i)).ordinal();
            }
            c.relays[2].originateBackward(cell, 0);
            c.relays[1].processBackward(cell, 0);
            c.relays[0].processBackward(cell, 0);
            sink[0] += c.client.decryptBackward(cell, 0);
        };
        for (int n = 0; n < 30_000; n++) {
            roundTrip.run();
        }
        long tid = Thread.currentThread().getId();
        long overheadStart = mx.getThreadAllocatedBytes(tid);
        long overhead = mx.getThreadAllocatedBytes(tid) - overheadStart;
        int cells = 20_000;
        long before = mx.getThreadAllocatedBytes(tid);
        for (int n = 0; n < cells; n++) {
            roundTrip.run();
        }
        long allocated = mx.getThreadAllocatedBytes(tid) - before - overhead;
        System.out.println("onion round trips: " + allocated + " bytes allocated over " + cells + " (sink " + sink[0] + ")");
        assertTrue(allocated < 2048, allocated + " bytes allocated over " + cells + " round trips");
        assertEquals(0, c.client.integrityFailures());
    }
}
