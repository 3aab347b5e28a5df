package org.herd.core.link;

import org.herd.core.metrics.Counter;

/**
 * Per-link statistics. Written only by the link's event-loop thread (and, before the link is up,
 * by its handshake thread), readable from any thread.
 */
public final class LinkCounters {

    final Counter datagramsIn = new Counter();
    final Counter bytesIn = new Counter();
    final Counter datagramsOut = new Counter();
    final Counter bytesOut = new Counter();
    final Counter cellsIn = new Counter();
    final Counter cellsOut = new Counter();
    final Counter malformedDropped = new Counter();
    final Counter authenticationFailures = new Counter();
    final Counter replaysDropped = new Counter();
    final Counter wrongSizePlaintexts = new Counter();
    final Counter handlerErrors = new Counter();
    final Counter controlRecords = new Counter();
    final Counter lateControlDropped = new Counter();

    LinkCounters() {
    }

    /** Datagrams received from the link's remote address (any content, any state). */
    public long datagramsIn() {
        return datagramsIn.get();
    }

    /** Bytes (UDP payload) received from the remote address. */
    public long bytesIn() {
        return bytesIn.get();
    }

    /** Datagrams sent to the remote address (handshake and records). */
    public long datagramsOut() {
        return datagramsOut.get();
    }

    /** Bytes (UDP payload) sent to the remote address. */
    public long bytesOut() {
        return bytesOut.get();
    }

    /** Cells delivered to the {@link CellHandler}. */
    public long cellsIn() {
        return cellsIn.get();
    }

    /** Cells handed to DTLS by {@link Link#transmit}. */
    public long cellsOut() {
        return cellsOut.get();
    }

    /**
     * Datagrams dropped before record processing: shorter than a record header, unknown content
     * type, not DTLS, not exactly one record, too large, or arriving while the handshake inbox is full.
     */
    public long malformedDropped() {
        return malformedDropped.get();
    }

    /** Well-formed application-data records that failed record protection (bad AEAD tag, unknown epoch). */
    public long authenticationFailures() {
        return authenticationFailures.get();
    }

    /** Application-data records dropped by the replay window (a sequence number already seen, or too old). */
    public long replaysDropped() {
        return replaysDropped.get();
    }

    /** Authenticated records whose plaintext was not exactly one cell. */
    public long wrongSizePlaintexts() {
        return wrongSizePlaintexts.get();
    }

    /**
     * Well-formed records of other content types (handshake, change_cipher_spec, alert) received
     * once the link is up: retransmissions of the peer's last handshake flight, alerts, or forgeries
     * of those, which DTLS handles or drops. With the other counters this accounts for every
     * datagram received while up: cellsIn + malformedDropped + authenticationFailures +
     * replaysDropped + wrongSizePlaintexts + controlRecords.
     */
    public long controlRecords() {
        return controlRecords.get();
    }

    /**
     * Of {@link #controlRecords()}: records dropped unread because the link no longer holds Bouncy
     * Castle's handshake state (released once the peer's first record was opened): late
     * retransmissions of the peer's handshake messages, alerts of another epoch, or forgeries of
     * those. (Epoch-0 records other than handshake messages are dropped in any case and not
     * counted here.)
     */
    public long lateControlDropped() {
        return lateControlDropped.get();
    }

    /** Exceptions thrown by the {@link CellHandler} (caught and counted; the link stays up). */
    public long handlerErrors() {
        return handlerErrors.get();
    }

    @Override
    public String toString() {
        return "LinkCounters[in=" + datagramsIn() + "/" + bytesIn() + "B out=" + datagramsOut() + "/" + bytesOut()
                + "B cellsIn=" + cellsIn() + " cellsOut=" + cellsOut() + " malformed=" + malformedDropped()
                + " authFail=" + authenticationFailures() + " replays=" + replaysDropped()
                + " wrongSize=" + wrongSizePlaintexts() + " control=" + controlRecords() + " lateControl=" + lateControlDropped() + "]";
    }
}
