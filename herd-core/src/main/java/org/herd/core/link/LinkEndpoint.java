package org.herd.core.link;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.epoll.EpollChannelOption;
import io.netty.channel.epoll.EpollDatagramChannel;
import io.netty.channel.socket.DatagramChannel;
import io.netty.channel.socket.DatagramPacket;
import io.netty.channel.socket.nio.NioDatagramChannel;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.bouncycastle.tls.AlertDescription;
import org.bouncycastle.tls.DTLSClientProtocol;
import org.bouncycastle.tls.DTLSRequest;
import org.bouncycastle.tls.DTLSServerProtocol;
import org.bouncycastle.tls.DTLSTransport;
import org.bouncycastle.tls.DTLSVerifier;
import org.bouncycastle.tls.DatagramSender;
import org.bouncycastle.tls.TlsFatalAlert;
import org.bouncycastle.tls.TlsFatalAlertReceived;
import org.bouncycastle.tls.TlsTimeoutException;
import org.bouncycastle.tls.crypto.impl.jcajce.JcaTlsCrypto;
import org.bouncycastle.tls.crypto.impl.jcajce.JcaTlsCryptoProvider;
import org.herd.core.crypto.IdentityKeyPair;
import org.herd.core.crypto.IdentityPublicKey;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One UDP socket carrying DTLS links to many peers (§3.1 of the Herd paper: every node keeps links
 * to its neighbours; a mix keeps one to every other mix).
 *
 * <p><b>Threading design.</b> The endpoint owns one Netty event loop (one thread; native epoll when
 * available, else NIO) that does all data-path work of all its links: receive, demultiplexing by
 * remote address, DTLS record decryption, delivery to the {@link CellHandler}, and
 * {@link Link#transmit}. Keeping one thread per socket means no locks, no queue per cell and no
 * cross-core cache traffic on the hot path; a node scales by running several endpoints. The
 * constant-rate scheduler is meant to run on {@link #eventLoop()} too ({@code scheduleAtFixedRate}
 * or its own timer wheel driven from there).
 *
 * <p>Bouncy Castle's handshake API is blocking and pull-style, so handshakes run on a small
 * handshake executor fed through a per-link queue ({@link LinkTransport}); once up, the link's
 * {@code DTLSTransport} is handed to the event loop and driven without blocking (see
 * {@link LinkTransport} for how). Cookie exchange (RFC 6347 §4.2.1) runs on the event loop with
 * BC's stateless {@link DTLSVerifier}: no link, no thread and no memory is spent on a ClientHello
 * until it returns with a valid cookie from its claimed address.
 */
public final class LinkEndpoint implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(LinkEndpoint.class);
    /** Scratch buffer for one received datagram; larger datagrams are dropped. */
    private static final int MAX_DATAGRAM = 2048;
    /**
     * Datagrams one epoll read may take with one recvmmsg(2) call: Netty slices them out of one
     * receive buffer of this many {@link #MAX_DATAGRAM}-byte slots
     * ({@code EpollChannelOption.MAX_DATAGRAM_PAYLOAD_SIZE}).
     */
    private static final int DATAGRAMS_PER_READ = 16;
    /**
     * Datagrams one read pass takes at most (several recvmmsg calls) before the loop turns to
     * its other work; a pass otherwise reads until the socket is empty ({@link DrainingRecvAllocator}).
     */
    static final int DATAGRAMS_PER_PASS = 64;

    private final LinkConfig config;
    private final IdentityPublicKey identity;
    private final Predicate<IdentityPublicKey> acceptPolicy;
    private final LinkListener listener;
    private final CellHandler defaultCellHandler;
    private final EndpointCounters counters = new EndpointCounters();
    private final JcaTlsCrypto crypto;
    private final DtlsIdentity dtlsIdentity;
    private final DTLSVerifier verifier;
    private final LinkReactor reactor;
    private final boolean ownsReactor;
    private final EventLoop eventLoop;
    private final ExecutorService handshakes;
    private final boolean epoll;
    private final byte[] scratch = new byte[MAX_DATAGRAM];
    /**
     * Record buffers shared by all links of this endpoint (their data path runs on this one
     * event loop, one record at a time), so a link holds none of its own.
     */
    private final byte[] plaintext = new byte[LinkTransport.DATA_RECEIVE_LIMIT];
    private final byte[] sealed = new byte[LinkTransport.DATA_RECEIVE_LIMIT + org.herd.core.crypto.dtls.DtlsRecordCipher.OVERHEAD];
    /**
     * Records written but not flushed are flushed at once when this many are waiting, so a
     * record waits for its flush no longer than it takes to seal this many more (a few tens of
     * microseconds): slot timing stays what the scheduler recorded, also in a long pass.
     */
    private static final int FLUSH_AFTER_RECORDS = 32;
    /** Event loop only: a flush of the records written in this pass is queued. */
    private boolean flushQueued;
    /** Event loop only: records written since the last flush. */
    private int unflushed;
    private final Runnable flush = this::flushWrites;
    /** Event loop only. */
    private final Map<InetSocketAddress, Link> links = new HashMap<>();
    private volatile int handshaking;
    private volatile int linkCount;
    private volatile boolean closed;
    private DatagramChannel channel;
    /** Event loop only: reads are asked for by {@link #pollReads} (autoRead off), not by every arrival. */
    private boolean polledReads;
    /**
     * Event loop only: a polled endpoint that found a backlog reads on every arrival (autoRead
     * on) until a pass finds the socket nearly empty; see {@link #onReadPassEnd}.
     */
    private boolean catchingUp;
    /** Event loop only: datagrams of the read pass under way. */
    private int passDatagrams;
    private final java.util.function.BooleanSupplier poller = this::pollReads;
    /** Event loop only: whether the last {@link #verify} answered with a HelloVerifyRequest. */
    private boolean lastVerifyReplied;

    private LinkEndpoint(LinkConfig config, IdentityKeyPair identity, Predicate<IdentityPublicKey> acceptPolicy,
            LinkListener listener, CellHandler cellHandler, LinkReactor shared) throws IOException {
        this.config = config;
        this.identity = identity.publicKey();
        this.acceptPolicy = acceptPolicy;
        this.listener = listener;
        this.defaultCellHandler = cellHandler;
        // JCA crypto: SunJCE AES-GCM is about 5x faster per record than BC's own (DESIGN §9).
        this.crypto = new HerdTlsCryptoProvider().create(config.random());
        this.dtlsIdentity = new DtlsIdentity(crypto, identity, config.clock());
        this.verifier = new DTLSVerifier(crypto);
        this.ownsReactor = shared == null;
        this.reactor = ownsReactor ? LinkReactor.create(1, config.preferEpoll()) : shared;
        this.epoll = reactor.epoll();
        this.eventLoop = reactor.nextEventLoop();
        this.handshakes = reactor.handshakes();
    }

    /**
     * Binds a UDP socket at {@code local} and starts its event loop.
     *
     * @param acceptPolicy which client identities may open inbound links (evaluated on a handshake
     *     thread); null to refuse every inbound link (cookie requests are then not even answered)
     * @param listener link events, on the event loop
     * @param cellHandler default handler of every link's cells (a link may get its own)
     * @throws LinkException with {@link LinkFailureReason#IO_ERROR} if the socket cannot be bound
     */
    public static LinkEndpoint bind(LinkConfig config, IdentityKeyPair identity, InetSocketAddress local,
            Predicate<IdentityPublicKey> acceptPolicy, LinkListener listener, CellHandler cellHandler) throws LinkException {
        return bind(config, identity, local, acceptPolicy, listener, cellHandler, null);
    }

    /**
     * As {@link #bind(LinkConfig, IdentityKeyPair, InetSocketAddress, Predicate, LinkListener, CellHandler)},
     * on one of the event loops of a shared {@code reactor} (null: a private single-loop reactor,
     * closed with the endpoint). A shared reactor outlives its endpoints and is closed by its owner.
     */
    public static LinkEndpoint bind(LinkConfig config, IdentityKeyPair identity, InetSocketAddress local,
            Predicate<IdentityPublicKey> acceptPolicy, LinkListener listener, CellHandler cellHandler,
            LinkReactor reactor) throws LinkException {
        Objects.requireNonNull(local);
        LinkEndpoint endpoint;
        try {
            endpoint = new LinkEndpoint(Objects.requireNonNull(config), Objects.requireNonNull(identity), acceptPolicy,
                    Objects.requireNonNull(listener), Objects.requireNonNull(cellHandler), reactor);
        } catch (IOException e) {
            throw new LinkException(LinkFailureReason.IO_ERROR, "cannot set up DTLS credentials", e);
        }
        try {
            endpoint.start(local);
        } catch (Exception e) {
            endpoint.close();
            throw new LinkException(LinkFailureReason.IO_ERROR, "cannot bind " + local, e);
        }
        return endpoint;
    }

    private void start(InetSocketAddress local) throws InterruptedException {
        Bootstrap b = new Bootstrap().group(eventLoop)
                .channel(epoll ? EpollDatagramChannel.class : NioDatagramChannel.class)
                .handler(new Inbound());
        if (epoll) {
            // recvmmsg(2): up to DATAGRAMS_PER_READ datagrams per system call.
            b.option(ChannelOption.RCVBUF_ALLOCATOR, new DrainingRecvAllocator(MAX_DATAGRAM * DATAGRAMS_PER_READ, DATAGRAMS_PER_PASS))
                    .option(EpollChannelOption.MAX_DATAGRAM_PAYLOAD_SIZE, MAX_DATAGRAM);
        } else {
            b.option(ChannelOption.RCVBUF_ALLOCATOR, new DrainingRecvAllocator(MAX_DATAGRAM, DATAGRAMS_PER_PASS));
        }
        if (config.socketBufferBytes() > 0) {
            b.option(ChannelOption.SO_RCVBUF, config.socketBufferBytes()).option(ChannelOption.SO_SNDBUF, config.socketBufferBytes());
        }
        channel = (DatagramChannel) b.bind(local).sync().channel();
    }

    /** The event loop running every link of this endpoint; drive {@link Link#transmit} from here. */
    public EventLoop eventLoop() {
        return eventLoop;
    }

    /** The bound socket address (with the real port if 0 was asked). */
    public InetSocketAddress localAddress() {
        return (InetSocketAddress) channel.localAddress();
    }

    /** This node's identity key, as presented in its DTLS certificate. */
    public IdentityPublicKey identity() {
        return identity;
    }

    /** "epoll" or "nio". */
    public String transportName() {
        return epoll ? "epoll" : "nio";
    }

    /** Endpoint statistics. */
    public EndpointCounters counters() {
        return counters;
    }

    /** Links currently handshaking or up. */
    public int linkCount() {
        return linkCount;
    }

    LinkConfig config() {
        return config;
    }

    /** Event loop only: where links decrypt a record (the cell handler reads it during its callback). */
    byte[] plaintextBuffer() {
        return plaintext;
    }

    /** Event loop only: where links seal a record before it is copied into a socket buffer. */
    byte[] sealedBuffer() {
        return sealed;
    }

    DatagramChannel channel() {
        return channel;
    }

    /**
     * Sends one datagram to {@code to}. With {@code flushNow} false (event loop only: the records
     * of {@link Link#transmit}) it is only written, and one flush is queued behind the current
     * event-loop task, so the records written in one pass of the loop (one slot-driver wake-up,
     * or one batch of received datagrams) leave together, in batches of at most
     * {@link #FLUSH_AFTER_RECORDS}: on epoll one sendmmsg(2) call per batch. The flush runs
     * before the loop next waits, so no record waits for I/O or a timer.
     */
    void write(byte[] buf, int off, int len, InetSocketAddress to, boolean flushNow) {
        if (!eventLoop.inEventLoop()) {
            // A handshake thread: hand Netty a heap copy, which the event loop moves into a pooled
            // direct buffer. Allocating from the pool here would give every (short-lived)
            // handshake thread a pool thread cache of its own.
            ByteBuf copy = io.netty.buffer.Unpooled.wrappedBuffer(java.util.Arrays.copyOfRange(buf, off, off + len));
            channel.writeAndFlush(new DatagramPacket(copy, to), channel.voidPromise());
            return;
        }
        ByteBuf out = channel.alloc().directBuffer(len, len);
        out.writeBytes(buf, off, len);
        DatagramPacket packet = new DatagramPacket(out, to);
        if (flushNow) {
            channel.writeAndFlush(packet, channel.voidPromise());
            return;
        }
        channel.write(packet, channel.voidPromise());
        if (++unflushed >= FLUSH_AFTER_RECORDS) {
            flushWrites();
            return;
        }
        if (!flushQueued) {
            flushQueued = true;
            try {
                eventLoop.execute(flush);
            } catch (java.util.concurrent.RejectedExecutionException e) {
                flushWrites(); // the loop is shutting down: no later pass to flush in
            }
        }
    }

    private void flushWrites() {
        // A queued flush may find nothing left (flushed at FLUSH_AFTER_RECORDS): harmless.
        flushQueued = false;
        unflushed = 0;
        channel.flush();
    }

    /**
     * Switches this endpoint to polled reads (event loop only): Netty's autoRead is turned off,
     * so an arriving datagram no longer wakes the loop by itself; the socket is read (every
     * queued datagram, recvmmsg(2) on epoll) when {@link #pollReads} asks, which a slot driver
     * on this loop does at each of its wake-ups and at least every
     * {@link org.herd.core.sched.SlotDriver.Tuning#pollIntervalNanos()} (see {@link PacedLinks}).
     * One wake-up then handles the arrivals of many links and the sends of the slots due.
     * Returns false (and changes nothing) if the endpoint is closed.
     */
    boolean enablePolledReads() {
        if (closed || channel == null || !channel.isActive()) {
            return false;
        }
        if (!polledReads) {
            polledReads = true;
            channel.config().setAutoRead(false);
        }
        return true;
    }

    /**
     * One polled read (event loop only): asks the channel to read what is queued on the socket
     * once this loop task ends. Returns false, after turning autoRead back on, once the endpoint
     * has no link left (up or handshaking) or is closed: then arrivals wake the loop again and
     * the caller stops polling (the next {@link PacedLinks#attach} resumes it).
     *
     * <p>Netty 4.2 epoll: {@code read()} with autoRead off sets EPOLLIN (one epoll_ctl) if it is
     * not set, the loop reads the socket dry (up to {@link #DATAGRAMS_PER_PASS}; Netty's own receive
     * handle would stop after one recvmmsg batch with autoRead off, see
     * {@link DrainingRecvAllocator}), and clears EPOLLIN again (one epoll_ctl) if it got
     * data. If the socket was empty, EPOLLIN stays set and the next datagram wakes the loop
     * once, as before; so at most one wake-up per arrival remains per poll, not per datagram.
     */
    boolean pollReads() {
        if (!polledReads) {
            return false;
        }
        if (closed || linkCount == 0 || !channel.isActive()) {
            disablePolledReads();
            return false;
        }
        if (!catchingUp) {
            counters.polledReads.increment();
            channel.read();
        }
        return true;
    }

    /**
     * The end of a read pass (event loop only). Polled reads read at most
     * {@link #DATAGRAMS_PER_PASS} per slot-driver wake-up; when a pass hits that bound the socket
     * holds a backlog (the loop was late, or arrivals outran the polls), and waiting for the next
     * wake-ups would let it grow until the kernel drops datagrams, while the driver spends its
     * turns catching up late slots. So the endpoint reads on every arrival again (Netty's level
     * triggered reads keep going while data is queued, between the loop's other tasks) until a
     * pass takes less than a quarter of the bound, then goes back to polled reads.
     */
    private void onReadPassEnd() {
        int n = passDatagrams;
        passDatagrams = 0;
        if (!polledReads || !channel.isActive()) {
            return;
        }
        if (!catchingUp && n >= DATAGRAMS_PER_PASS) {
            catchingUp = true;
            counters.readCatchUps.increment();
            channel.config().setAutoRead(true);
        } else if (catchingUp && n < DATAGRAMS_PER_PASS / 4) {
            catchingUp = false;
            channel.config().setAutoRead(false);
        }
    }

    /** Whether a polled endpoint is reading on every arrival to clear a backlog (event loop only; tests). */
    boolean catchingUp() {
        return catchingUp;
    }

    /** Back to reading on every arrival (autoRead on; event loop only). */
    void disablePolledReads() {
        if (polledReads) {
            polledReads = false;
            catchingUp = false;
            if (channel.isActive()) {
                channel.config().setAutoRead(true);
            }
        }
    }

    /** The one poller of this endpoint a slot driver registers ({@link #pollReads}). */
    java.util.function.BooleanSupplier poller() {
        return poller;
    }

    /** Whether reads are polled (event loop only; tests). */
    boolean polledReads() {
        return polledReads;
    }

    /**
     * Opens a link to {@code peer}, which must prove it holds {@code expected}. The future completes
     * on the event loop with the link once up, or exceptionally with a {@link LinkException}
     * ({@link LinkFailureReason#WRONG_PEER_IDENTITY}, {@link LinkFailureReason#HANDSHAKE_TIMEOUT}, ...).
     */
    public CompletableFuture<Link> connect(InetSocketAddress peer, IdentityPublicKey expected) {
        Objects.requireNonNull(peer);
        Objects.requireNonNull(expected);
        CompletableFuture<Link> result = new CompletableFuture<>();
        if (closed) {
            result.completeExceptionally(new LinkException(LinkFailureReason.ENDPOINT_CLOSED, "endpoint closed", null));
            return result;
        }
        eventLoop.execute(() -> {
            InetSocketAddress key = normalize(peer);
            if (closed) {
                result.completeExceptionally(new LinkException(LinkFailureReason.ENDPOINT_CLOSED, "endpoint closed", null));
            } else if (links.containsKey(key)) {
                result.completeExceptionally(new LinkException(LinkFailureReason.ALREADY_CONNECTED, "link to " + key + " exists", null));
            } else if (handshaking >= config.maxHandshakes()) {
                counters.handshakeFailures.increment();
                result.completeExceptionally(new LinkException(LinkFailureReason.TOO_MANY_HANDSHAKES, "limit " + config.maxHandshakes(), null));
            } else {
                Link link = new Link(this, key, true, expected, defaultCellHandler);
                link.upFuture.whenComplete((l, e) -> {
                    if (e != null) {
                        result.completeExceptionally(e);
                    } else {
                        result.complete(l);
                    }
                });
                startHandshake(link, null);
            }
        });
        return result;
    }

    private void startHandshake(Link link, DTLSRequest request) {
        links.put(link.remoteAddress(), link);
        linkCount = links.size();
        handshaking++;
        counters.handshakesStarted.increment();
        try {
            handshakes.execute(() -> runHandshake(link, request));
        } catch (java.util.concurrent.RejectedExecutionException e) {
            link.handshakeFailed(LinkFailureReason.ENDPOINT_CLOSED, e);
        }
    }

    /** Handshake thread. */
    private void runHandshake(Link link, DTLSRequest request) {
        HandshakeOutcome outcome = link.outcome();
        try {
            DTLSTransport t;
            if (link.isInitiator()) {
                t = new DTLSClientProtocol().connect(
                        new HerdDtlsClient(crypto, dtlsIdentity, link.peerIdentity(), config, outcome), link.transport());
            } else {
                t = new DTLSServerProtocol().accept(
                        new HerdDtlsServer(crypto, dtlsIdentity, acceptPolicy, config, outcome), link.transport(), request);
            }
            if (!onLoop(() -> link.handshakeDone(t), link, null)) {
                t.close();
            }
        } catch (Throwable e) {
            LinkFailureReason reason = classify(outcome, e);
            onLoop(() -> link.handshakeFailed(reason, e), link, e);
        }
    }

    /** Hands {@code task} to the event loop; if the endpoint is shutting down, fails the link's future instead. */
    private boolean onLoop(Runnable task, Link link, Throwable cause) {
        try {
            eventLoop.execute(task);
            return true;
        } catch (java.util.concurrent.RejectedExecutionException e) {
            link.upFuture.completeExceptionally(new LinkException(LinkFailureReason.ENDPOINT_CLOSED, "endpoint closed", cause));
            return false;
        }
    }

    /** Maps what BC threw to a reason the caller can act on. */
    static LinkFailureReason classify(HandshakeOutcome outcome, Throwable e) {
        if (outcome.refusal != null) {
            return outcome.refusal;
        }
        for (Throwable c = e; c != null; c = c.getCause()) {
            if (c instanceof TlsTimeoutException) {
                return LinkFailureReason.HANDSHAKE_TIMEOUT;
            }
        }
        if (e instanceof TlsFatalAlertReceived) {
            return LinkFailureReason.REFUSED_BY_PEER;
        }
        if (e instanceof TlsFatalAlert alert) {
            return switch (alert.getAlertDescription()) {
                case AlertDescription.handshake_failure, AlertDescription.insufficient_security,
                        AlertDescription.protocol_version -> LinkFailureReason.NEGOTIATION_FAILED;
                default -> LinkFailureReason.PROTOCOL_ERROR;
            };
        }
        return LinkFailureReason.PROTOCOL_ERROR;
    }

    // ---- event loop callbacks from Link ------------------------------------------------------

    void linkUp(Link link) {
        handshaking--;
        counters.linksUp.increment();
        try {
            listener.onLinkUp(link);
        } catch (RuntimeException e) {
            LOG.warn("link listener failed on {}", link, e);
        }
    }

    void handshakeFailed(Link link, LinkFailureReason reason, Throwable cause) {
        handshaking--;
        counters.handshakeFailures.increment();
        links.remove(link.remoteAddress(), link);
        linkCount = links.size();
        LOG.debug("handshake with {} failed: {}", link.remoteAddress(), reason, cause);
        try {
            listener.onHandshakeFailed(link.remoteAddress(), reason, cause);
        } catch (RuntimeException e) {
            LOG.warn("link listener failed on {}", link, e);
        }
    }

    void linkDown(Link link, LinkFailureReason reason) {
        links.remove(link.remoteAddress(), link);
        linkCount = links.size();
        try {
            listener.onLinkDown(link, reason);
        } catch (RuntimeException e) {
            LOG.warn("link listener failed on {}", link, e);
        }
    }

    /**
     * An epoch-0 handshake record on an established inbound link: if it is a ClientHello with a
     * valid cookie and the link has been silent for {@link LinkConfig#restartSilenceMillis()}, the
     * peer restarted and lost its state, so the old link is replaced by a new inbound handshake.
     * A cookieless ClientHello gets its HelloVerifyRequest; with a valid cookie on a link that is
     * still talking, nothing happens (a replayed old ClientHello must not kill a working link).
     * Returns true if the link was replaced.
     */
    boolean tryReplaceByNewHandshake(Link old, byte[] d, int length) {
        if (acceptPolicy == null || old.isInitiator()) {
            return false;
        }
        DTLSRequest request = verify(old.remoteAddress(), d, length);
        if (request == null) {
            return false;
        }
        if (old.silenceNanos() < TimeUnit.MILLISECONDS.toNanos(config.restartSilenceMillis())) {
            return false;
        }
        old.closeOnLoop(LinkFailureReason.REPLACED_BY_NEW_HANDSHAKE);
        acceptVerified(old.remoteAddress(), request);
        return true;
    }

    private DTLSRequest verify(InetSocketAddress sender, byte[] d, int length) {
        boolean[] sent = new boolean[1];
        DatagramSender reply = new DatagramSender() {
            @Override
            public int getSendLimit() {
                return config.handshakeDatagramSize();
            }

            @Override
            public void send(byte[] buf, int off, int len) {
                sent[0] = true;
                counters.helloVerifyRequestsSent.increment(); // before the send, so a peer that sees the reply sees the count
                ByteBuf out = channel.alloc().directBuffer(len, len);
                out.writeBytes(buf, off, len);
                channel.writeAndFlush(new DatagramPacket(out, sender), channel.voidPromise());
                counters.datagramsOut.addShared(1);
                counters.bytesOut.addShared(len);
            }
        };
        DTLSRequest request;
        try {
            request = verifier.verifyRequest(clientId(sender), d, 0, length, reply);
        } catch (RuntimeException e) {
            request = null;
        }
        lastVerifyReplied = sent[0];
        return request;
    }

    private void acceptVerified(InetSocketAddress sender, DTLSRequest request) {
        if (handshaking >= config.maxHandshakes()) {
            counters.handshakeFailures.increment();
            listener.onHandshakeFailed(sender, LinkFailureReason.TOO_MANY_HANDSHAKES, null);
            return;
        }
        startHandshake(new Link(this, sender, false, null, defaultCellHandler), request);
    }

    private static byte[] clientId(InetSocketAddress a) {
        byte[] ip = a.getAddress().getAddress();
        byte[] id = java.util.Arrays.copyOf(ip, ip.length + 2);
        id[ip.length] = (byte) (a.getPort() >>> 8);
        id[ip.length + 1] = (byte) a.getPort();
        return id;
    }

    /** IPv4-mapped IPv6 addresses (from dual-stack sockets) become plain IPv4, so one peer has one key. */
    static InetSocketAddress normalize(InetSocketAddress a) {
        InetAddress ip = a.getAddress();
        if (ip != null && ip.getAddress().length == 16) {
            byte[] b = ip.getAddress();
            boolean mapped = b[10] == (byte) 0xFF && b[11] == (byte) 0xFF;
            for (int i = 0; i < 10 && mapped; i++) {
                mapped = b[i] == 0;
            }
            if (mapped) {
                try {
                    return new InetSocketAddress(InetAddress.getByAddress(java.util.Arrays.copyOfRange(b, 12, 16)), a.getPort());
                } catch (java.net.UnknownHostException e) {
                    throw new AssertionError(e);
                }
            }
        }
        return a;
    }

    private void onDatagram(InetSocketAddress sender, ByteBuf content) {
        int length = content.readableBytes();
        counters.datagramsIn.increment();
        counters.bytesIn.add(length);
        counters.sawSize(length);
        Link link = links.get(sender);
        if (link == null) {
            InetSocketAddress normalized = normalize(sender);
            if (normalized != sender) {
                link = links.get(normalized);
                sender = normalized;
            }
        }
        if (length > MAX_DATAGRAM) {
            if (link != null) {
                link.counters().increment(LinkCounters.MALFORMED_DROPPED);
                counters.malformedDropped.increment();
            } else {
                counters.unknownSenderDropped.increment();
            }
            return;
        }
        content.getBytes(content.readerIndex(), scratch, 0, length);
        if (link != null) {
            link.onDatagram(scratch, length);
            return;
        }
        // A stranger: only a ClientHello may start something, and only with a valid cookie.
        if (acceptPolicy == null || closed) {
            counters.unknownSenderDropped.increment();
            return;
        }
        DTLSRequest request = verify(sender, scratch, length);
        if (request != null) {
            acceptVerified(sender, request);
        } else if (!lastVerifyReplied) {
            counters.unknownSenderDropped.increment();
        }
    }

    /** Closes every link (close_notify), the socket, the event loop and the handshake threads. Blocks briefly. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        if (channel != null) {
            Runnable closeLinks = () -> {
                for (Link link : new java.util.ArrayList<>(links.values())) {
                    link.closeOnLoop(LinkFailureReason.ENDPOINT_CLOSED);
                }
            };
            if (eventLoop.inEventLoop()) {
                closeLinks.run(); // e.g. from a listener: the close_notify writes are queued before the close
                channel.close();
            } else {
                try {
                    eventLoop.submit(closeLinks).await(2, TimeUnit.SECONDS);
                    channel.close().await(2, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
        }
        if (ownsReactor) {
            reactor.close();
        }
    }

    @Override
    public String toString() {
        return "LinkEndpoint[" + (channel != null ? localAddress() : "unbound") + " " + identity + " " + transportName() + "]";
    }

    private final class Inbound extends SimpleChannelInboundHandler<DatagramPacket> {
        @Override
        protected void channelRead0(ChannelHandlerContext ctx, DatagramPacket packet) {
            passDatagrams++;
            onDatagram(packet.sender(), packet.content());
        }

        @Override
        public void channelReadComplete(ChannelHandlerContext ctx) {
            counters.readPasses.increment();
            onReadPassEnd();
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            // A send or receive error of one datagram (e.g. ICMP unreachable): count-free, keep going.
            LOG.debug("socket error on {}", LinkEndpoint.this, cause);
        }
    }
}
