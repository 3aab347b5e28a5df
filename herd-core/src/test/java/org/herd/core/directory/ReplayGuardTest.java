package org.herd.core.directory;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.herd.core.crypto.IdentityPublicKey;
import org.junit.jupiter.api.Test;

/** The replay guard's windows and its bound. */
class ReplayGuardTest {

    private static final IdentityPublicKey A = TestKeys.key(3, 0);
    private static final IdentityPublicKey B = TestKeys.key(3, 1);

    private static byte[] nonce(int i) {
        byte[] n = new byte[16];
        n[15] = (byte) i;
        return n;
    }

    private static int status(ThrowingRunnable r) {
        return assertThrows(DirectoryProtocolException.class, r::run).status();
    }

    private interface ThrowingRunnable {
        void run() throws DirectoryProtocolException;
    }

    @Test
    void aNonceIsAcceptedOncePerSignerWhileItsTimestampIsFresh() throws Exception {
        ReplayGuard g = new ReplayGuard(1000, 10);
        g.checkFresh(A, nonce(1), 5000, 5000, "t");
        assertEquals(DirectoryStatus.REPLAYED, status(() -> g.checkFresh(A, nonce(1), 5000, 5500, "t")));
        g.checkFresh(B, nonce(1), 5000, 5000, "t"); // another signer may use the same nonce
        // Once the timestamp is out of the window, the timestamp check refuses it anyway.
        assertEquals(DirectoryStatus.STALE, status(() -> g.checkFresh(A, nonce(1), 5000, 6001, "t")));
        // Boundaries of the skew: exactly +-1000 passes, one more does not.
        g.checkTimestamp(4000, 5000, "t");
        g.checkTimestamp(6000, 5000, "t");
        assertEquals(DirectoryStatus.STALE, status(() -> g.checkTimestamp(3999, 5000, "t")));
        assertEquals(DirectoryStatus.STALE, status(() -> g.checkTimestamp(6001, 5000, "t")));
    }

    @Test
    void whenFullNewNoncesAreRefusedUntilOldOnesExpire() throws Exception {
        ReplayGuard g = new ReplayGuard(1000, 3);
        for (int i = 0; i < 3; i++) {
            g.checkFresh(A, nonce(i), 5000, 5000, "t");
        }
        assertEquals(DirectoryStatus.UNAVAILABLE, status(() -> g.checkFresh(A, nonce(9), 5000, 5000, "t")));
        assertEquals(3, g.rememberedNonces(), "no unexpired nonce was forgotten");
        // After the remembered ones can no longer pass the timestamp check they are dropped.
        g.checkFresh(A, nonce(9), 6001, 6002, "t");
        assertEquals(1, g.rememberedNonces());
    }

    @Test
    void reportTimestampsMustIncreasePerSigner() throws Exception {
        ReplayGuard g = new ReplayGuard(1000, 3);
        g.checkIncreasing(A, 5000, 5000, "r");
        assertEquals(DirectoryStatus.REPLAYED, status(() -> g.checkIncreasing(A, 5000, 5000, "r")));
        assertEquals(DirectoryStatus.REPLAYED, status(() -> g.checkIncreasing(A, 4999, 5000, "r")));
        g.checkIncreasing(B, 4999, 5000, "r");
        g.checkIncreasing(A, 5001, 5000, "r");
    }
}
