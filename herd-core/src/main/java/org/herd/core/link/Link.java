package org.herd.core.link;

import io.netty.channel.EventLoop;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.concurrent.CompletableFuture;
import org.bouncycastle.tls.DTLSTransport;
import org.bouncycastle.tls.TlsFatalAlertReceived;
import org.herd.core.crypto.IdentityPublicKey;
import org.herd.core.crypto.dtls.DtlsRecordCipher;
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
 * <p><b>Record layer.</b> Bouncy Castle runs the handshake (cookie exchange, retransmissions,
 * certificates). Application data (type 23, the cells) and alerts (type 21: close_notify and
 * fatal alerts, sent by {@link #close} and received from the peer) do not go through Bouncy
 * Castle: they are sealed and opened by {@link DtlsRecordCipher}, with keys taken
 * at handshake completion from the RFC 5705 exporter (label {@code "EXPERIMENTAL herd link
 * records v1"}, 40 bytes: a key and a 4-byte salt per direction; the extended master secret of
 * RFC 7627 is required by both sides), in exactly the format Bouncy Castle would write (AES-128-GCM,
 * epoch 1, 48-bit sequence numbers from 1, explicit nonce = epoch | sequence). The keys differ
 * from Bouncy Castle's, so its records and ours never share a nonce; the only visible trace is
 * that a late alert from Bouncy Castle carries a small epoch-1 sequence number. Received
 * application data goes through our 64-record replay window ({@code RecordReplayWindow}, checked
 * before the tag, moved only by authenticated records).
 *
 * <p><b>Bouncy Castle's state is dropped early.</b> After the handshake Bouncy Castle is needed
 * for one thing only: answering a retransmission of the peer's last flight (the peer lost our
 * final one) with ours again. A peer sends a record under our keys only once its handshake is
 * complete, i.e. once it has our Finished; so the first record of the peer that our record layer
 * opens (a cell or an alert) releases the {@code DTLSTransport} and everything it holds (record
 * layer, security parameters, the parsed peer certificate, the retained flight, its AEAD ciphers:
 * 9.2 of the 11.6 KB an inbound link held, by a JOL walk). Until then, handshake records,
 * change_cipher_spec and alerts our keys do not open go to Bouncy Castle as before; after it,
 * they are dropped and counted ({@link LinkCounters#lateControlDropped()}).
 *
 * <p><b>Allocation and cost.</b> Our code allocates, per record, one Netty {@code DatagramPacket}
 * (socket buffers are pooled) and the {@code GCMParameterSpec} the JCA needs per record; inside
 * SunJCE each {@code Cipher.init} allocates a GHASH table of 928 bytes (JDK 17), so sealing costs
 * 928 B and opening about 1080 B (JMH {@code LinkRecordBenchmark}; Bouncy Castle's record layer
 * took 3.3 KB per round trip). Netty adds a {@code DatagramPacket} and the sender's
 * {@code InetSocketAddress} per received datagram. Records written in one event-loop pass leave in
 * one flush (one sendmmsg(2) on epoll), and epoll reads up to 16 datagrams per recvmmsg(2).
 *
 * <p><b>Drops.</b> Malformed datagrams, records failing authentication, replays and wrong-size
 * plaintexts are dropped and counted in {@link #counters()}; none of them brings the link down.
 * Only a fatal alert from the peer, close_notify, a local close or a socket error do (a forged
 * alert fails the tag and is counted like a forged cell).
 */
public final class Link {

    private static final int APPLICATION_DATA = DtlsRecordCipher.APPLICATION_DATA;
    private static final int ALERT = DtlsRecordCipher.ALERT;
    private static final int HANDSHAKE = 22;
    /** Alert levels and the descriptions we send (RFC 5246 §7.2). */
    static final int ALERT_WARNING = 1;
    static final int ALERT_FATAL = 2;
    static final int CLOSE_NOTIFY = 0;
    static final int INTERNAL_ERROR = 80;

    private final LinkEndpoint endpoint;
    private final InetSocketAddress remote;
    private final boolean initiator;
    private final LinkCounters counters = new LinkCounters();
    /** Until the link is up: what the handshake learnt. Dropped then (the handshake thread is done with it). */
    private HandshakeOutcome outcome = new HandshakeOutcome();
    /** BC's datagram adapter: until BC's state is released (BC holds it too; event loop once up). */
    private LinkTransport transport;
    private final RecordReplayWindow replayWindow = new RecordReplayWindow();
    /** Receive buffer for plaintexts (ours and BC's control records): the endpoint's, shared by its links (event loop only). */
    private final byte[] plaintext;
    /** Send buffer for one sealed record: the endpoint's, shared by its links (event loop only). */
    private final byte[] sealed;
    final CompletableFuture<Link> upFuture = new CompletableFuture<>();

    private volatile LinkState state = LinkState.HANDSHAKING;
    private volatile LinkFailureReason closeReason;
    private volatile IdentityPublicKey peerIdentity;
    private volatile int cipherSuite = -1;
    /**
     * Bouncy Castle's connection state (record layer, security parameters, the peer's parsed
     * certificate, its retained last handshake flight, its own AEAD ciphers), about 9 KB, needed
     * only to answer a retransmission of the peer's last flight (the peer lost our final one).
     * Released at the first record of the peer our record layer opens: the peer only sends
     * with our keys once its handshake is complete, so it has our Finished and will not
     * retransmit. Event loop only.
     */
    private DTLSTransport dtls;
    /** Event loop only, once up: our application-data record protection. */
    private DtlsRecordCipher records;
    /**
     * Event loop only: the next application-data sequence number. Starts at 1, after the
     * Finished message Bouncy Castle sent with sequence number 0 of epoch 1.
     */
    private long sendSequence = 1;
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
        this.plaintext = endpoint.plaintextBuffer();
        this.sealed = endpoint.sealedBuffer();
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
        if (len > LinkTransport.DATA_RECEIVE_LIMIT) {
            throw new IllegalArgumentException("a record of " + len + " bytes would be dropped by the peer");
        }
        if (sendSequence > DtlsRecordCipher.MAX_SEQUENCE) {
            // 2^48 records: 178,000 years at 50 cells/s; a nonce must never repeat, so stop.
            closeOnLoop(LinkFailureReason.PROTOCOL_ERROR);
            return false;
        }
        int n = records.seal(sendSequence++, buf, off, len, sealed, 0);
        sendDatagram(sealed, 0, n, false);
        counters.increment(LinkCounters.CELLS_OUT);
        return true;
    }

    /** Closes the link (sends close_notify, sealed by our record layer, if up). Any thread; idempotent. */
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
                // A protocol error of ours is a fatal alert to the peer (RFC 5246 §7.2.2), any other close a close_notify.
                if (reason == LinkFailureReason.PROTOCOL_ERROR) {
                    sendAlert(ALERT_FATAL, INTERNAL_ERROR);
                } else {
                    sendAlert(ALERT_WARNING, CLOSE_NOTIFY);
                }
                down(reason);
            }
            case CLOSED -> {
            }
        }
    }

    /**
     * Event loop, link up: one alert record, sealed by our record layer in the sequence-number
     * space of the cells (Bouncy Castle's record layer is not used for it, also while we still
     * hold it: the peer opens alerts with our keys first). Flushed at once: a close follows.
     */
    private void sendAlert(int level, int description) {
        if (sendSequence > DtlsRecordCipher.MAX_SEQUENCE) {
            return; // no nonce left to protect it with
        }
        // Not the endpoint's plaintext buffer: a cell handler may close the link while it reads a cell there.
        byte[] alert = {(byte) level, (byte) description};
        int n = records.seal(ALERT, sendSequence++, alert, 0, 2, sealed, 0);
        sendDatagram(sealed, 0, n, true);
    }

    /** True while the link holds Bouncy Castle's connection state (tests: it is released once the peer's first record is opened). */
    boolean holdsDtlsState() {
        return dtls != null;
    }

    private void releaseDtlsState() {
        dtls = null;
        transport = null; // the datagram adapter BC pulled from: nothing reads it any more
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
        byte[] material = outcome.recordKeyMaterial;
        outcome = null;
        // Epoch 1: the first epoch after the handshake (RFC 6347 §4.1), the one BC protects its Finished with.
        this.records = initiator ? DtlsRecordCipher.forClient(material, 1) : DtlsRecordCipher.forServer(material, 1);
        DtlsRecordCipher.wipe(material);
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
        counters.increment(LinkCounters.DATAGRAMS_IN);
        counters.add(LinkCounters.BYTES_IN, length);
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
        if (type == APPLICATION_DATA && epoch != 0) {
            receiveApplicationData(d, length, epoch, seq);
            return;
        }
        if (epoch == 0) {
            // Epoch-0 records are unauthenticated. After the handshake, only handshake records
            // matter: a cookie-verified ClientHello (peer restart), or on the server a
            // retransmission of the client's last flight, which BC's retransmit handler needs
            // complete (epoch-0 messages included) before it resends our lost final flight.
            if (type != HANDSHAKE || endpoint.tryReplaceByNewHandshake(this, d, length)) {
                counters.increment(LinkCounters.CONTROL_RECORDS);
                return;
            }
        } else if (recordLength < minRecordLength) {
            // BC answers a ciphertext shorter than nonce + tag with a fatal decode_error that
            // closes the link: an unauthenticated 13-byte datagram must not do that.
            malformed();
            return;
        } else if (type == ALERT && epoch == records.epoch()) {
            // Our alerts (close_notify, fatal) are sealed by our record layer; only while we
            // still hold BC's state may an alert of BC's own (sent by the peer's BC when its
            // handshake state failed) fail our tag and be BC's to read.
            if (receiveAlert(d, length, seq) || dtls == null) {
                return;
            }
        }
        if (dtls == null) {
            // BC's state is released: the peer has our Finished, so a handshake record here is a
            // late duplicate (or a forgery), an alert of another epoch is not ours; nothing to answer.
            counters.increment(LinkCounters.CONTROL_RECORDS);
            counters.increment(LinkCounters.LATE_CONTROL_DROPPED);
            return;
        }
        // A control record (handshake retransmission, change_cipher_spec, BC's alert): Bouncy Castle's.
        transport.setPending(d, length);
        int n = receiveFromDtls();
        while (n >= 0 && transport.hasPending() && state == LinkState.UP) {
            // BC served a record from its own queue (application data under BC's keys, which our
            // peers never send); ours is still pending.
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
        counters.increment(LinkCounters.CONTROL_RECORDS); // BC handled or dropped it
    }

    /**
     * An alert record of the current epoch: opened with our keys (replay window first, like
     * cells). close_notify closes the link ({@link LinkFailureReason#CLOSED_BY_PEER}), a fatal
     * alert closes it ({@link LinkFailureReason#PEER_FATAL_ALERT}), a warning is counted and
     * ignored (RFC 5246 §7.2). Returns false if the tag did not verify (the caller decides whose
     * record it may still be); every other outcome is handled and counted here.
     */
    private boolean receiveAlert(byte[] d, int length, long seq) {
        int n = records.open(ALERT, d, 0, length, plaintext, 0);
        if (n == DtlsRecordCipher.MALFORMED) {
            malformed();
            return true;
        }
        if (n < 0) {
            if (dtls == null) {
                authenticationFailure();
            }
            return false;
        }
        if (replayWindow.isReplay(seq)) {
            counters.increment(LinkCounters.REPLAYS_DROPPED);
            endpoint.counters().replaysDropped.increment();
            return true;
        }
        replayWindow.accept(seq);
        peerRecordOpened();
        if (n != 2) {
            counters.increment(LinkCounters.WRONG_SIZE_PLAINTEXTS);
            endpoint.counters().wrongSizePlaintexts.increment();
            return true;
        }
        counters.increment(LinkCounters.CONTROL_RECORDS);
        int level = plaintext[0] & 0xFF;
        int description = plaintext[1] & 0xFF;
        if (description == CLOSE_NOTIFY) {
            down(LinkFailureReason.CLOSED_BY_PEER);
        } else if (level == ALERT_FATAL) {
            down(LinkFailureReason.PEER_FATAL_ALERT);
        }
        return true;
    }

    /** An authenticated record of the peer: it completed its handshake, BC's state is no longer needed. */
    private void peerRecordOpened() {
        lastAuthenticNanos = endpoint.config().clock().nanoTime();
        if (dtls != null) {
            releaseDtlsState();
        }
    }

    /**
     * An application-data record: ours, never Bouncy Castle's. The replay window is checked
     * before the tag (a replay costs no AES) and moved only by an authenticated record
     * (RFC 6347 §4.1.2.6).
     */
    private void receiveApplicationData(byte[] d, int length, int epoch, long seq) {
        if (length < DtlsRecordCipher.OVERHEAD) {
            malformed();
            return;
        }
        if (epoch != records.epoch()) {
            authenticationFailure(); // no keys for that epoch: it cannot be authenticated
            return;
        }
        if (replayWindow.isReplay(seq)) {
            counters.increment(LinkCounters.REPLAYS_DROPPED);
            endpoint.counters().replaysDropped.increment();
            return;
        }
        int n = records.open(d, 0, length, plaintext, 0);
        if (n == DtlsRecordCipher.MALFORMED) {
            malformed(); // not DTLS 1.2
            return;
        }
        if (n < 0) {
            authenticationFailure();
            return;
        }
        replayWindow.accept(seq);
        peerRecordOpened();
        deliver(n);
    }

    private void authenticationFailure() {
        counters.increment(LinkCounters.AUTHENTICATION_FAILURES);
        endpoint.counters().authenticationFailures.increment();
    }

    private void deliver(int n) {
        if (n != Cell.SIZE) {
            counters.increment(LinkCounters.WRONG_SIZE_PLAINTEXTS);
            endpoint.counters().wrongSizePlaintexts.increment();
            return;
        }
        counters.increment(LinkCounters.CELLS_IN);
        try {
            cellHandler.onCell(this, plaintext, 0);
        } catch (RuntimeException e) {
            counters.increment(LinkCounters.HANDLER_ERRORS);
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
            // Application data under BC's keys: our peers never send it; not delivered.
            counters.increment(LinkCounters.CONTROL_RECORDS);
        }
    }

    private void malformed() {
        counters.increment(LinkCounters.MALFORMED_DROPPED);
        endpoint.counters().malformedDropped.increment();
    }

    // ---- any thread: datagram out ---------------------------------------------------------

    /**
     * Sends one datagram to the peer: called by BC through {@link LinkTransport#send} (handshake
     * thread or event loop; flushed at once) or by {@link #sendRecord} (event loop; flushed once
     * per event-loop pass with the other records written in it, see {@link LinkEndpoint}).
     */
    void sendDatagram(byte[] buf, int off, int len, boolean flushNow) {
        endpoint.write(buf, off, len, remote, flushNow);
        counters.increment(LinkCounters.DATAGRAMS_OUT);
        counters.add(LinkCounters.BYTES_OUT, len);
        endpoint.counters().datagramsOut.addShared(1);
        endpoint.counters().bytesOut.addShared(len);
    }

    @Override
    public String toString() {
        return "Link[" + (initiator ? "to " : "from ") + remote + " " + peerIdentity + " " + state + "]";
    }
}
