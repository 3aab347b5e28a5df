package org.herd.core.link;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * Per-link statistics. Written only by the link's event-loop thread (and, before the link is up,
 * by its handshake thread), readable from any thread.
 */
public final class LinkCounters {

    // One array of counters, not one Counter object each: 13 counters cost 136 bytes instead of
    // 376 per link (a Mix keeps a link per client). Indexes:
    static final int DATAGRAMS_IN = 0;
    static final int BYTES_IN = 1;
    static final int DATAGRAMS_OUT = 2;
    static final int BYTES_OUT = 3;
    static final int CELLS_IN = 4;
    static final int CELLS_OUT = 5;
    static final int MALFORMED_DROPPED = 6;
    static final int AUTHENTICATION_FAILURES = 7;
    static final int REPLAYS_DROPPED = 8;
    static final int WRONG_SIZE_PLAINTEXTS = 9;
    static final int HANDLER_ERRORS = 10;
    static final int CONTROL_RECORDS = 11;
    static final int LATE_CONTROL_DROPPED = 12;
    private static final int COUNT = 13;
    private static final VarHandle VALUES = MethodHandles.arrayElementVarHandle(long[].class);

    /** Written by one thread at a time (see the class comment), read by any. */
    private final long[] values = new long[COUNT];

    LinkCounters() {
    }

    /** Adds one to counter {@code which}; only the thread that owns the link writes. */
    void increment(int which) {
        add(which, 1);
    }

    /** Adds {@code n} to counter {@code which} (single writer, like {@link org.herd.core.metrics.Counter}). */
    void add(int which, long n) {
        VALUES.setRelease(values, which, (long) VALUES.get(values, which) + n);
    }

    private long get(int which) {
        return (long) VALUES.getAcquire(values, which);
    }

    /** Datagrams received from the link's remote address (any content, any state). */
    public long datagramsIn() {
        return get(DATAGRAMS_IN);
    }

    /** Bytes (UDP payload) received from the remote address. */
    public long bytesIn() {
        return get(BYTES_IN);
    }

    /** Datagrams sent to the remote address (handshake and records). */
    public long datagramsOut() {
        return get(DATAGRAMS_OUT);
    }

    /** Bytes (UDP payload) sent to the remote address. */
    public long bytesOut() {
        return get(BYTES_OUT);
    }

    /** Cells delivered to the {@link CellHandler}. */
    public long cellsIn() {
        return get(CELLS_IN);
    }

    /** Cells handed to DTLS by {@link Link#transmit}. */
    public long cellsOut() {
        return get(CELLS_OUT);
    }

    /**
     * Datagrams dropped before record processing: shorter than a record header, unknown content
     * type, not DTLS, not exactly one record, too large, or arriving while the handshake inbox is full.
     */
    public long malformedDropped() {
        return get(MALFORMED_DROPPED);
    }

    /** Well-formed application-data records that failed record protection (bad AEAD tag, unknown epoch). */
    public long authenticationFailures() {
        return get(AUTHENTICATION_FAILURES);
    }

    /** Application-data records dropped by the replay window (a sequence number already seen, or too old). */
    public long replaysDropped() {
        return get(REPLAYS_DROPPED);
    }

    /** Authenticated records whose plaintext was not exactly one cell. */
    public long wrongSizePlaintexts() {
        return get(WRONG_SIZE_PLAINTEXTS);
    }

    /**
     * Well-formed records of other content types (handshake, change_cipher_spec, alert) received
     * once the link is up: retransmissions of the peer's last handshake flight, alerts, or forgeries
     * of those, which DTLS handles or drops. With the other counters this accounts for every
     * datagram received while up: cellsIn + malformedDropped + authenticationFailures +
     * replaysDropped + wrongSizePlaintexts + controlRecords.
     */
    public long controlRecords() {
        return get(CONTROL_RECORDS);
    }

    /**
     * Of {@link #controlRecords()}: records dropped unread because the link no longer holds Bouncy
     * Castle's handshake state (released once the peer's first record was opened): late
     * retransmissions of the peer's handshake messages, alerts of another epoch, or forgeries of
     * those. (Epoch-0 records other than handshake messages are dropped in any case and not
     * counted here.)
     */
    public long lateControlDropped() {
        return get(LATE_CONTROL_DROPPED);
    }

    /** Exceptions thrown by the {@link CellHandler} (caught and counted; the link stays up). */
    public long handlerErrors() {
        return get(HANDLER_ERRORS);
    }

    @Override
    public String toString() {
        return "LinkCounters[in=" + datagramsIn() + "/" + bytesIn() + "B out=" + datagramsOut() + "/" + bytesOut()
                + "B cellsIn=" + cellsIn() + " cellsOut=" + cellsOut() + " malformed=" + malformedDropped()
                + " authFail=" + authenticationFailures() + " replays=" + replaysDropped()
                + " wrongSize=" + wrongSizePlaintexts() + " control=" + controlRecords() + " lateControl=" + lateControlDropped() + "]";
    }
}
