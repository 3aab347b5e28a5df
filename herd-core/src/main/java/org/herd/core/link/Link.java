package org.herd.core.link;

import io.netty.buffer.ByteBuf;
import io.netty.channel.EventLoop;
import io.netty.channel.socket.DatagramPacket;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.concurrent.CompletableFuture;
import org.bouncycastle.tls.DTLSTransport;
import org.bouncycastle.tls.TlsFatalAlertReceived;
import org.herd.core.crypto.IdentityPublicKey;
import org.herd.core.wire.Cell;

/**
 * One DTLS link to one peer (§3.1 of the Herd paper): carries cells, one 256-byte cell per DTLS
 * record and per datagram, in both directions.
 *
 * <p><b>Threading.</b> Everything on an established link runs on its endpoint's event-loop thread
 * ({@link #eventLoop()}): receive, decryption, delivery to the {@link CellHandler}, and
 * {@link #transmit}, which must be called on that thread (the slot scheduler runs there). There
 * are no locks and no per-cell hand-off between threads. Accessors of identity, address, state and
 * counters are safe from any thread.
 *
 * <p><b>Wire format and overhead.</b> A cell travels as one DTLS 1.2 record in one UDP datagram:
 * 13-byte record header (RFC 6347 §4.1) + 8-byte explicit nonce (RFC 5288 §3) + 256-byte cell +
 * 16-byte GCM tag = 293 bytes of UDP payload (checked by the tests). With UDP/IPv4 headers that is 321 bytes per 20 ms tick,
 * 128.4 kbit/s per direction per unit rate, 2.0x the 64 kbit/s of G.711 (160 bytes per 20 ms);
 * over IPv6, 341 bytes, 136.4 kbit/s, 2.1x.
 *
 * <p><b>Allocation.</b> Our code allocates one Netty {@code DatagramPacket} per datagram each way
 * (buffers are pooled). Bouncy Castle 1.84's record layer allocates about 1.5 KB per record sent
 * and 1.8 KB per record received (measured by {@code LinkCostBenchmarkTest}); a zero-allocation
 * path would need our own record protection on keys exported from the handshake (DESIGN §9).
 *
 * <p><b>Drops.</b> Malformed datagrams, records failing authentication, replays and wrong-size
 * plaintexts are dropped and counted in {@link #counters()}; none of them brings the link down.
 * Only a fatal alert from the peer, close_notify, a local close or a socket error do.
 */
public final class Link {

    private static final int APPLICATION_DATA = 23;

    private final LinkEndpoint endpoint;
    private final InetSocketAddress remote;
    private final boolean initiator;
    private final LinkCounters counters = new LinkCounters();
    private final HandshakeOutcome outcome = new HandshakeOutcome();
    private final LinkTransport transport;
    private final ReplayMirror replayMirror = new ReplayMirror();
    /** Receive buffer for plaintexts; BC copies the plaintext here (event loop only). */
    private final byte[] plaintext = new byte[LinkTransport.DATA_RECEIVE_LIMIT];
    final CompletableFuture<Link> upFuture = new CompletableFuture<>();

    private volatile LinkState state = LinkState.HANDSHAKING;
    private volatile LinkFailureReason closeReason;
    private volatile IdentityPublicKey peerIdentity;
    private volatile int cipherSuite = -1;
    private DTLSTransport dtls;
    private CellHandler cellHandler;
    /** Event loop only: the AEAD expansion of the negotiated suite, the shortest protected record body. */
    private int minRecordLength;
    /** Event loop only: when the last authenticated record arrived (or the link came up). */
    private long lastAuthenticNanos;

    Link(LinkEndpoint endpoint, InetSocketAddress remote, boolean initiator, IdentityPublicKey expectedPeer,
            CellHandler cellHandler) {
        this.endpoint = endpoint;
        this.remote = remote;
        this.initiator = initiator;
        this.peerIdentity = expectedPeer;
        this.cellHandler = cellHandler;
        LinkConfig config = endpoint.config();
        this.transport = new LinkTransport(this, config.clock(), config.handshakeTimeoutMillis(),
                config.handshakeDatagramSize());
    }

    /** The peer's identity key: the pinned key (outbound) or the authenticated client key (inbound, once up). */
    public IdentityPublicKey peerIdentity() {
        return peerIdentity;
    }

    /** The peer's UDP address. */
    public InetSocketAddress remoteAddress() {
        return remote;
    }

    /** True if we dialled this link (DTLS client), false if the peer did. */
    public boolean isInitiator() {
        return initiator;
    }

    /** Current state. */
    public LinkState state() {
        return state;
    }

    /** Why the link closed, or null while it is not closed. */
    public LinkFailureReason closeReason() {
        return closeReason;
    }

    /** The negotiated DTLS cipher suite (IANA number), or -1 before the handshake completes. */
    public int cipherSuite() {
        return cipherSuite;
    }

    /** This link's statistics. */
    public LinkCounters counters() {
        return counters;
    }

    /** The endpoint this link belongs to. */
    public LinkEndpoint endpoint() {
        return endpoint;
    }

    /** The event loop that runs this link's data path; {@link #transmit} must be called on it. */
    public EventLoop eventLoop() {
        return endpoint.eventLoop();
    }

    /** Replaces the cell handler of this link (event-loop thread only, e.g. from {@link LinkListener#onLinkUp}). */
    public void cellHandler(CellHandler handler) {
        requireEventLoop();
        this.cellHandler = java.util.Objects.requireNonNull(handler);
    }

    /**
     * Sends the {@link Cell#SIZE} bytes of {@code cell} from {@code off} as one DTLS record.
     * Event-loop thread only.
     *
     * @return true if the record was handed to the socket; false if the link is not up (or failed now)
     * @throws IllegalStateException if called from another thread
     */
    public boolean transmit(byte[] cell, int off) {
        requireEventLoop();
        if (off < 0 || cell.length - off < Cell.SIZE) {
            throw new IllegalArgumentException("a cell needs " + Cell.SIZE + " bytes at offset " + off);
        }
        return sendRecord(cell, off, Cell.SIZE);
    }

    /** Package-private for tests that need an authenticated record of another size. */
    boolean sendRecord(byte[] buf, int off, int len) {
        if (state != LinkState.UP) {
            return false;
        }
        try {
            dtls.send(buf, off, len);
        } catch (IOException e) {
            down(LinkFailureReason.IO_ERROR);
            return false;
        }
        counters.cellsOut.increment();
        return true;
    }

    /** Closes the link (sends close_notify if up). Any thread; idempotent. */
    public void close() {
        if (endpoint.eventLoop().inEventLoop()) {
            closeOnLoop(LinkFailureReason.CLOSED_LOCALLY);
        } else if (!endpoint.eventLoop().isShuttingDown()) {
            endpoint.eventLoop().execute(() -> closeOnLoop(LinkFailureReason.CLOSED_LOCALLY));
        }
    }

    void closeOnLoop(LinkFailureReason reason) {
        switch (state) {
            case HANDSHAKING -> {
                closeReason = reason;
                transport.abortHandshake(); // the handshake thread fails and reports via handshakeFailed
            }
            case UP -> {
                try {
                    dtls.close(); // close_notify
                } catch (IOException e) {
                    // closing anyway
                }
                down(reason);
            }
            case CLOSED -> {
            }
        }
    }

    private void requireEventLoop() {
        if (!endpoint.eventLoop().inEventLoop()) {
            throw new IllegalStateException("link data path must run on its endpoint's event loop");
        }
    }

    /** Event loop: nanoseconds since the last authenticated record (or since the link came up). */
    long silenceNanos() {
        return endpoint.config().clock().nanoTime() - lastAuthenticNanos;
    }

    LinkTransport transport() {
        return transport;
    }

    HandshakeOutcome outcome() {
        return outcome;
    }

    // ---- event loop: handshake completion -------------------------------------------------

    void handshakeDone(DTLSTransport established) {
        if (state != LinkState.HANDSHAKING || closeReason != null) {
            try {
                established.close();
            } catch (IOException e) {
                // nothing to add
            }
            handshakeFailed(closeReason != null ? closeReason : LinkFailureReason.ENDPOINT_CLOSED, null);
            return;
        }
        this.dtls = established;
        this.peerIdentity = outcome.peerIdentity;
        this.cipherSuite = outcome.cipherSuite;
        this.minRecordLength = DtlsSuites.aeadExpansion(cipherSuite);
        this.state = LinkState.UP;
        this.lastAuthenticNanos = endpoint.config().clock().nanoTime();
        java.util.List<byte[]> late = transport.enterDataMode();
        endpoint.linkUp(this);
        upFuture.complete(this);
        // Records BC queued internally (several records in one handshake datagram), then datagrams
        // that reached our inbox after BC's last pull, in arrival order.
        drainDtlsQueue();
        for (byte[] d : late) {
            if (state == LinkState.UP) {
                receiveRecord(d, d.length);
            }
        }
    }

    void handshakeFailed(LinkFailureReason reason, Throwable cause) {
        if (state == LinkState.CLOSED) {
            return;
        }
        state = LinkState.CLOSED;
        if (closeReason == null) {
            closeReason = reason;
        }
        endpoint.handshakeFailed(this, closeReason, cause);
        upFuture.completeExceptionally(new LinkException(closeReason, "handshake with " + remote + " failed", cause));
    }

    private void down(LinkFailureReason reason) {
        if (state == LinkState.CLOSED) {
            return;
        }
        state = LinkState.CLOSED;
        closeReason = reason;
        endpoint.linkDown(this, reason);
    }

    // ---- event loop: data path ------------------------------------------------------------

    /** One datagram from {@link #remote}; {@code d} is the endpoint's scratch buffer. */
    void onDatagram(byte[] d, int length) {
        counters.datagramsIn.increment();
        counters.bytesIn.add(length);
        switch (state) {
            case HANDSHAKING -> {
                if (!transport.offerHandshakeDatagram(java.util.Arrays.copyOf(d, length))) {
                    malformed();
                }
            }
            case UP -> receiveRecord(d, length);
            case CLOSED -> {
            }
        }
    }

    private void receiveRecord(byte[] d, int length) {
        // Cheap structural checks first, so BC only ever sees one plausible record per datagram.
        if (length < LinkTransport.RECORD_HEADER_SIZE || length > LinkTransport.DATA_RECEIVE_LIMIT) {
            malformed();
            return;
        }
        int type = d[0] & 0xFF;
        int recordLength = ((d[11] & 0xFF) << 8) | (d[12] & 0xFF);
        // Content types 20..23 (RFC 5246 §6.2.1); DTLS versions have major byte 0xFE (RFC 6347 §4.1).
        if (type < 20 || type > 23 || (d[1] & 0xFF) != 0xFE || recordLength + LinkTransport.RECORD_HEADER_SIZE != length) {
            malformed();
            return;
        }
        int epoch = ((d[3] & 0xFF) << 8) | (d[4] & 0xFF);
        long seq = 0;
        for (int i = 5; i < 11; i++) {
            seq = (seq << 8) | (d[i] & 0xFF);
        }
        if (epoch == 0) {
            // Epoch-0 records are unauthenticated. After the handshake, only handshake records
            // matter: a cookie-verified ClientHello (peer restart), or on the server a
            // retransmission of the client's last flight, which BC's retransmit handler needs
            // complete (epoch-0 messages included) before it resends our lost final flight.
            if (type != 22 || endpoint.tryReplaceByNewHandshake(this, d, length)) {
                counters.controlRecords.increment();
                return;
            }
        } else if (recordLength < minRecordLength) {
            // BC answers a ciphertext shorter than nonce + tag with a fatal decode_error that
            // closes the link: an unauthenticated 13-byte datagram must not do that.
            malformed();
            return;
        }
        transport.setPending(d, length);
        int n = receiveFromDtls();
        while (n >= 0 && transport.hasPending() && state == LinkState.UP) {
            // BC served a record from its own queue; ours is still pending.
            deliver(n, APPLICATION_DATA, -1, -1);
            n = receiveFromDtls();
        }
        transport.clearPending();
        if (state != LinkState.UP) {
            return;
        }
        if (transport.closedByDtls()) {
            down(LinkFailureReason.CLOSED_BY_PEER);
            return;
        }
        deliver(n, type, epoch, seq);
    }

    private void deliver(int n, int type, int epoch, long seq) {
        if (type != APPLICATION_DATA) {
            counters.controlRecords.increment(); // handshake retransmission, CCS or alert: BC handled or dropped it
            return;
        }
        if (n < 0) {
            if (replayMirror.isReplay(epoch, seq)) {
                counters.replaysDropped.increment();
                endpoint.counters().replaysDropped.increment();
            } else {
                counters.authenticationFailures.increment();
                endpoint.counters().authenticationFailures.increment();
            }
            return;
        }
        if (seq >= 0) {
            replayMirror.accepted(epoch, seq);
        }
        lastAuthenticNanos = endpoint.config().clock().nanoTime();
        if (n != Cell.SIZE) {
            counters.wrongSizePlaintexts.increment();
            endpoint.counters().wrongSizePlaintexts.increment();
            return;
        }
        counters.cellsIn.increment();
        try {
            cellHandler.onCell(this, plaintext, 0);
        } catch (RuntimeException e) {
            counters.handlerErrors.increment();
        }
    }

    private int receiveFromDtls() {
        try {
            return dtls.receive(plaintext, 0, plaintext.length, 1);
        } catch (java.io.InterruptedIOException wouldBlock) {
            return -1;
        } catch (TlsFatalAlertReceived e) {
            down(LinkFailureReason.PEER_FATAL_ALERT);
            return -1;
        } catch (IOException e) {
            down(LinkFailureReason.PROTOCOL_ERROR);
            return -1;
        }
    }

    private void drainDtlsQueue() {
        for (int i = 0; i < 16 && state == LinkState.UP; i++) {
            int n;
            try {
                n = dtls.receivePending(plaintext, 0, plaintext.length);
            } catch (IOException e) {
                down(LinkFailureReason.PROTOCOL_ERROR);
                return;
            }
            if (n < 0) {
                return;
            }
            deliver(n, APPLICATION_DATA, -1, -1);
        }
    }

    private void malformed() {
        counters.malformedDropped.increment();
        endpoint.counters().malformedDropped.increment();
    }

    // ---- any thread: datagram out ---------------------------------------------------------

    /** Called by BC through {@link LinkTransport#send}: on the handshake thread or the event loop. */
    void sendDatagram(byte[] buf, int off, int len) {
        ByteBuf out = endpoint.channel().alloc().directBuffer(len, len);
        out.writeBytes(buf, off, len);
        endpoint.channel().writeAndFlush(new DatagramPacket(out, remote), endpoint.channel().voidPromise());
        counters.datagramsOut.increment();
        counters.bytesOut.add(len);
        endpoint.counters().datagramsOut.addShared(1);
        endpoint.counters().bytesOut.addShared(len);
    }

    @Override
    public String toString() {
        return "Link[" + (initiator ? "to " : "from ") + remote + " " + peerIdentity + " " + state + "]";
    }

    /**
     * Which application-data sequence numbers BC accepted, so a record BC drops can be counted as a
     * replay or as an authentication failure. Same sliding window as BC's (RFC 6347 §4.1.2.6, 64 records).
     */
    static final class ReplayMirror {
        private int epoch = -1;
        private long highest = -1;
        private long bitmap;

        boolean isReplay(int recordEpoch, long seq) {
            if (recordEpoch != epoch || highest < 0 || seq > highest) {
                return false;
            }
            long age = highest - seq;
            return age >= 64 || (bitmap & (1L << age)) != 0;
        }

        void accepted(int recordEpoch, long seq) {
            if (recordEpoch != epoch) {
                epoch = recordEpoch;
                highest = -1;
                bitmap = 0;
            }
            if (seq > highest) {
                long shift = highest < 0 ? 64 : seq - highest;
                bitmap = shift >= 64 ? 1L : (bitmap << shift) | 1L;
                highest = seq;
            } else {
                long age = highest - seq;
                if (age < 64) {
                    bitmap |= 1L << age;
                }
            }
        }
    }
}
