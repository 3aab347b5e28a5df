package org.herd.core.link;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import org.bouncycastle.tls.DatagramTransport;
import org.bouncycastle.tls.TlsTimeoutException;
import org.herd.core.time.Clock;

/**
 * The {@link DatagramTransport} Bouncy Castle's DTLS sees for one link: a queue adapter between
 * the endpoint's event loop and BC's blocking, pull-style API. It has two modes.
 *
 * <p><b>Handshake mode.</b> BC's {@code connect}/{@code accept} run on a handshake thread and pull
 * datagrams with {@link #receive}, which blocks on a small bounded queue that the event loop fills
 * ({@link #offerHandshakeDatagram}); the overall handshake deadline is enforced here too (with the
 * injected {@link Clock}), in addition to BC's own handshake timeout.
 *
 * <p><b>Data mode</b> (after the handshake, event-loop thread only, until {@link Link} releases
 * Bouncy Castle's state at the peer's first record), for control records only: application data
 * and our alerts never reach Bouncy Castle once the link is up ({@link Link} seals and opens them
 * itself). A record of content type 20..22 (a handshake retransmission, change_cipher_spec or
 * an alert of Bouncy Castle's own) is put in a one-slot inbox ({@link #setPending}) and the event
 * loop calls {@code DTLSTransport.receive(buf, off, len, 1)}; BC pulls the datagram through
 * {@link #receive}, handles it and asks for another: the inbox is empty, so we throw
 * {@link #WOULD_BLOCK}, a preallocated {@link InterruptedIOException}. That is the one exception
 * type {@code DTLSTransport.receive} rethrows without failing the connection (BC 1.84
 * DTLSTransport/DTLSRecordLayer: {@code catch (InterruptedIOException e) { throw e; }}), whereas
 * {@code SocketTimeoutException} would be swallowed and BC would spin until the wait expires, and
 * a wait of 0 means "forever" to BC. So the control path never blocks and never spins.
 */
final class LinkTransport implements DatagramTransport {

    /** DTLS record header: type 1, version 2, epoch 2, sequence number 6, length 2 (RFC 6347 §4.1). */
    static final int RECORD_HEADER_SIZE = 13;
    /**
     * Largest datagram accepted once the link is up: one cell record is 293 bytes; the slack lets
     * an authenticated record of the wrong size be decrypted and counted as such. BC allocates a
     * receive buffer of this size for every control record it reads, so it is kept small (DESIGN §9).
     */
    static final int DATA_RECEIVE_LIMIT = 512;

    /** "No datagram queued": thrown by {@link #receive} in data mode; preallocated, no stack trace. */
    static final InterruptedIOException WOULD_BLOCK = new InterruptedIOException("no datagram queued") {
        private static final long serialVersionUID = 1L;

        @Override
        public synchronized Throwable fillInStackTrace() {
            return this;
        }
    };

    private static final byte[] WAKE_UP = new byte[0];

    private final Link link;
    private final Clock clock;
    private final long deadlineNanos;
    private final int handshakeDatagramSize;
    /** Handshake mode only; dropped when the link enters data mode (it is the largest object a link kept). */
    private volatile BlockingQueue<byte[]> handshakeInbox = new ArrayBlockingQueue<>(64);

    private volatile boolean dataMode;
    private volatile boolean aborted;
    private volatile boolean closedByDtls;

    // Data mode, event loop only.
    private byte[] pending;
    private int pendingLength;

    LinkTransport(Link link, Clock clock, int handshakeTimeoutMillis, int handshakeDatagramSize) {
        this.link = link;
        this.clock = clock;
        this.deadlineNanos = clock.nanoTime() + TimeUnit.MILLISECONDS.toNanos(handshakeTimeoutMillis);
        this.handshakeDatagramSize = handshakeDatagramSize;
    }

    /** Event loop, handshake mode: queue a copy for the handshake thread; false if the inbox is full. */
    boolean offerHandshakeDatagram(byte[] copy) {
        BlockingQueue<byte[]> inbox = handshakeInbox;
        return inbox != null && inbox.offer(copy);
    }

    /** Any thread: make a blocked handshake receive fail now. */
    void abortHandshake() {
        aborted = true;
        BlockingQueue<byte[]> inbox = handshakeInbox;
        if (inbox != null) {
            inbox.offer(WAKE_UP);
        }
    }

    /** Event loop: switch to data mode; returns the datagrams that arrived after BC's last pull. */
    java.util.List<byte[]> enterDataMode() {
        dataMode = true;
        java.util.List<byte[]> rest = new java.util.ArrayList<>();
        handshakeInbox.drainTo(rest);
        handshakeInbox = null; // BC's handshake has returned: nothing pulls from it any more
        rest.removeIf(d -> d == WAKE_UP);
        return rest;
    }

    /** Event loop, data mode: the one datagram the next receive will return. */
    void setPending(byte[] datagram, int length) {
        pending = datagram;
        pendingLength = length;
    }

    /** True if the pending datagram was not consumed by BC (BC served an internally queued record). */
    boolean hasPending() {
        return pending != null;
    }

    void clearPending() {
        pending = null;
    }

    /** True once BC closed the transport (it got or sent close_notify, or failed). */
    boolean closedByDtls() {
        return closedByDtls;
    }

    @Override
    public int getReceiveLimit() {
        return dataMode ? DATA_RECEIVE_LIMIT : handshakeDatagramSize;
    }

    @Override
    public int getSendLimit() {
        return handshakeDatagramSize;
    }

    @Override
    public int receive(byte[] buf, int off, int len, int waitMillis) throws IOException {
        if (dataMode) {
            byte[] d = pending;
            if (d == null) {
                throw WOULD_BLOCK;
            }
            pending = null;
            if (pendingLength > len) {
                return -1; // cannot happen: the event loop checks the size against DATA_RECEIVE_LIMIT
            }
            System.arraycopy(d, 0, buf, off, pendingLength);
            return pendingLength;
        }
        return receiveHandshake(buf, off, len, waitMillis);
    }

    private int receiveHandshake(byte[] buf, int off, int len, int waitMillis) throws IOException {
        if (aborted) {
            throw new IOException("link closed during handshake");
        }
        long remainingNanos = deadlineNanos - clock.nanoTime();
        if (remainingNanos <= 0) {
            throw new TlsTimeoutException("handshake deadline passed");
        }
        long waitNanos = waitMillis <= 0 ? remainingNanos : Math.min(remainingNanos, TimeUnit.MILLISECONDS.toNanos(waitMillis));
        BlockingQueue<byte[]> inbox = handshakeInbox;
        if (inbox == null) {
            throw new IOException("handshake already over");
        }
        byte[] d;
        try {
            d = inbox.poll(waitNanos, TimeUnit.NANOSECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("handshake interrupted", e);
        }
        if (d == null) {
            return -1; // BC reads this as a timeout and retransmits its flight
        }
        if (d == WAKE_UP || aborted) {
            throw new IOException("link closed during handshake");
        }
        int n = Math.min(d.length, len);
        System.arraycopy(d, 0, buf, off, n);
        return n;
    }

    @Override
    public void send(byte[] buf, int off, int len) throws IOException {
        link.sendDatagram(buf, off, len, true);
    }

    @Override
    public void close() {
        closedByDtls = true;
    }
}
