package org.herd.core.directory;

import java.nio.ByteBuffer;
import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;
import org.herd.core.crypto.IdentityPublicKey;

/**
 * Refuses replays of signed directory requests: a timestamp must be within {@code maxSkewMillis}
 * of the directory's clock, and a (signer, nonce) pair is accepted once while its timestamp could
 * still pass that check. Requests without a nonce (utilisation reports) must carry a timestamp
 * strictly above the last one accepted from the same signer.
 *
 * <p>Bounded: at most {@code capacity} nonces are remembered; when full after dropping the
 * expired ones, new nonces are refused ({@code UNAVAILABLE}) rather than forgetting an unexpired
 * one, which would re-open a replay window. Memory only: after a restart a request seen in the
 * last {@code maxSkewMillis} can be replayed once — harmless for JOIN (same key, same address) and
 * MIX_ENROLL (same descriptor), which are idempotent. Not thread-safe (the service serialises).
 */
final class ReplayGuard {

    private final long maxSkewMillis;
    private final int capacity;
    private final Map<ByteBuffer, Long> nonces = new HashMap<>();
    private final Map<IdentityPublicKey, Long> lastTimestamp = new HashMap<>();

    ReplayGuard(long maxSkewMillis, int capacity) {
        if (maxSkewMillis <= 0 || capacity <= 0) {
            throw new IllegalArgumentException("skew and capacity must be positive");
        }
        this.maxSkewMillis = maxSkewMillis;
        this.capacity = capacity;
    }

    /** Throws STALE unless {@code timestamp} is within the skew of {@code now}. */
    void checkTimestamp(long timestamp, long now, String what) throws DirectoryProtocolException {
        long d = timestamp - now;
        if (d > maxSkewMillis || d < -maxSkewMillis) {
            throw new DirectoryProtocolException(DirectoryStatus.STALE, what + " timestamp " + timestamp + " is "
                    + d + " ms from the directory's clock " + now + " (allowed +-" + maxSkewMillis + ")");
        }
    }

    /** Checks the timestamp, then remembers the nonce or throws REPLAYED if it was seen. */
    void checkFresh(IdentityPublicKey signer, byte[] nonce, long timestamp, long now, String what)
            throws DirectoryProtocolException {
        checkTimestamp(timestamp, now, what);
        ByteBuffer key = ByteBuffer.allocate(IdentityPublicKey.SIZE + nonce.length).put(signer.encoded()).put(nonce).flip();
        Long seenUntil = nonces.get(key);
        if (seenUntil != null && seenUntil - now > 0) {
            throw new DirectoryProtocolException(DirectoryStatus.REPLAYED, what + " nonce already used");
        }
        if (nonces.size() >= capacity) {
            purge(now);
            if (nonces.size() >= capacity) {
                throw new DirectoryProtocolException(DirectoryStatus.UNAVAILABLE,
                        "too many recent signed requests; retry later");
            }
        }
        // The timestamp passes the skew check until timestamp + skew: remember the nonce that long.
        nonces.put(key, timestamp + maxSkewMillis + 1);
    }

    /** Checks the timestamp and that it is above the last accepted from {@code signer}; records it. */
    void checkIncreasing(IdentityPublicKey signer, long timestamp, long now, String what)
            throws DirectoryProtocolException {
        checkTimestamp(timestamp, now, what);
        Long last = lastTimestamp.get(signer);
        if (last != null && timestamp - last <= 0) {
            throw new DirectoryProtocolException(DirectoryStatus.REPLAYED, what + " timestamp " + timestamp
                    + " is not after the last accepted " + last);
        }
        lastTimestamp.put(signer, timestamp);
    }

    private void purge(long now) {
        for (Iterator<Long> it = nonces.values().iterator(); it.hasNext(); ) {
            if (it.next() - now <= 0) {
                it.remove();
            }
        }
    }

    /** Nonces remembered now (for tests of the bound). */
    int rememberedNonces() {
        return nonces.size();
    }
}
