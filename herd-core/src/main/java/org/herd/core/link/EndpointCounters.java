package org.herd.core.link;

import org.herd.core.metrics.Counter;

/**
 * Statistics of a whole {@link LinkEndpoint} (one UDP socket). Per-record drops are also counted
 * here (summed over all links, including links already closed). Readable from any thread.
 */
public final class EndpointCounters {

    final Counter datagramsIn = new Counter();
    final Counter bytesIn = new Counter();
    final Counter datagramsOut = new Counter();
    final Counter bytesOut = new Counter();
    final Counter unknownSenderDropped = new Counter();
    final Counter malformedDropped = new Counter();
    final Counter authenticationFailures = new Counter();
    final Counter replaysDropped = new Counter();
    final Counter wrongSizePlaintexts = new Counter();
    final Counter helloVerifyRequestsSent = new Counter();
    final Counter handshakesStarted = new Counter();
    final Counter handshakeFailures = new Counter();
    final Counter linksUp = new Counter();
    final Counter readPasses = new Counter();
    final Counter polledReads = new Counter();
    final Counter readCatchUps = new Counter();

    /**
     * Passes of the event loop that read the socket (one per Netty read loop: one or more
     * recvmmsg(2) calls). With polled reads a pass follows a slot-driver wake-up, so under load
     * this stays far below {@link #datagramsIn()}.
     */
    public long readPasses() {
        return readPasses.get();
    }

    /** Socket reads asked for by the slot driver ({@link LinkEndpoint} polled-read mode). */
    public long polledReads() {
        return polledReads.get();
    }

    /**
     * Times a polled endpoint found a backlog (a read pass hit {@link LinkEndpoint#DATAGRAMS_PER_PASS})
     * and went back to reading on every arrival until a pass found the socket nearly empty.
     */
    public long readCatchUps() {
        return readCatchUps.get();
    }

    /** One bit per datagram size 0..2048 received: the sizes an observer of this socket saw. */
    private final java.util.concurrent.atomic.AtomicLongArray sizesSeen = new java.util.concurrent.atomic.AtomicLongArray(33);

    EndpointCounters() {
    }

    void sawSize(int size) {
        int word = Math.min(size, 2048) >>> 6;
        long bit = 1L << (size & 63);
        // Event-loop writer; a plain read first keeps the steady state (size already seen) a load.
        if ((sizesSeen.get(word) & bit) == 0) {
            sizesSeen.getAndAccumulate(word, bit, (a, b) -> a | b);
        }
    }

    /** The distinct datagram sizes received since the last {@link #resetSizesSeen} (sizes over 2048 count as 2048). */
    public int[] sizesSeen() {
        java.util.List<Integer> sizes = new java.util.ArrayList<>();
        for (int size = 0; size <= 2048; size++) {
            if ((sizesSeen.get(size >>> 6) & (1L << (size & 63))) != 0) {
                sizes.add(size);
            }
        }
        return sizes.stream().mapToInt(Integer::intValue).toArray();
    }

    /** Forgets the sizes seen so far (e.g. after the handshakes, before a measurement). */
    public void resetSizesSeen() {
        for (int i = 0; i < sizesSeen.length(); i++) {
            sizesSeen.set(i, 0);
        }
    }

    /** Datagrams received on the socket. */
    public long datagramsIn() {
        return datagramsIn.get();
    }

    /** Bytes (UDP payload) received on the socket. */
    public long bytesIn() {
        return bytesIn.get();
    }

    /** Datagrams written to the socket. */
    public long datagramsOut() {
        return datagramsOut.get();
    }

    /** Bytes (UDP payload) written to the socket. */
    public long bytesOut() {
        return bytesOut.get();
    }

    /**
     * Datagrams from an address with no link that were not a ClientHello (or arrived while the
     * endpoint takes no inbound links): garbage from strangers.
     */
    public long unknownSenderDropped() {
        return unknownSenderDropped.get();
    }

    /** Malformed datagrams dropped on links (sum of {@link LinkCounters#malformedDropped()}). */
    public long malformedDropped() {
        return malformedDropped.get();
    }

    /** Sum of {@link LinkCounters#authenticationFailures()}. */
    public long authenticationFailures() {
        return authenticationFailures.get();
    }

    /** Sum of {@link LinkCounters#replaysDropped()}. */
    public long replaysDropped() {
        return replaysDropped.get();
    }

    /** Sum of {@link LinkCounters#wrongSizePlaintexts()}. */
    public long wrongSizePlaintexts() {
        return wrongSizePlaintexts.get();
    }

    /**
     * ClientHellos without a valid cookie answered with a HelloVerifyRequest (RFC 6347 §4.2.1):
     * the verifier's rejections; no state is kept for them.
     */
    public long helloVerifyRequestsSent() {
        return helloVerifyRequestsSent.get();
    }

    /** Handshakes started (outbound connects plus cookie-verified inbound ClientHellos). */
    public long handshakesStarted() {
        return handshakesStarted.get();
    }

    /** Handshakes that failed, whatever the reason. */
    public long handshakeFailures() {
        return handshakeFailures.get();
    }

    /** Links that came up. */
    public long linksUp() {
        return linksUp.get();
    }

    @Override
    public String toString() {
        return "EndpointCounters[in=" + datagramsIn() + " out=" + datagramsOut() + " unknownSender=" + unknownSenderDropped()
                + " malformed=" + malformedDropped() + " authFail=" + authenticationFailures() + " replays=" + replaysDropped()
                + " wrongSize=" + wrongSizePlaintexts() + " hvr=" + helloVerifyRequestsSent() + " hsStarted=" + handshakesStarted()
                + " hsFailed=" + handshakeFailures() + " up=" + linksUp() + "]";
    }
}
