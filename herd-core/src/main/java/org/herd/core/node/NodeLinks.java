package org.herd.core.node;

import io.netty.channel.EventLoop;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.function.Predicate;
import org.herd.core.crypto.IdentityKeyPair;
import org.herd.core.crypto.IdentityPublicKey;
import org.herd.core.link.Link;
import org.herd.core.link.LinkConfig;
import org.herd.core.link.LinkEndpoint;
import org.herd.core.link.LinkException;
import org.herd.core.link.LinkFailureReason;
import org.herd.core.link.LinkListener;
import org.herd.core.link.PacedLinks;
import org.herd.core.sched.RateClass;
import org.herd.core.sched.SlotDriver;
import org.herd.core.sched.SlotScheduler;
import org.herd.core.time.Clock;

/**
 * The links of one Herd node process (§3.1, §3.4.1 of the Herd paper): one {@link LinkEndpoint}
 * and one {@link PacedLinks} on one event loop, every authenticated link sent at the constant
 * rate of the {@link RateClass} its {@link Handler} picks, each peer named by a small
 * non-negative handle, stable across its re-links (one link per peer), (the {@code peer} of the circuit layer's {@code onCell}/{@code CellOutlet}).
 * Links this node must hold ({@link #keep}) are dialled, and re-dialled every
 * {@link #REDIAL_MILLIS} while down, so processes may start in any order; a link silent for
 * {@link #SILENCE_MILLIS} (a new one: {@link #FIRST_DATAGRAM_MILLIS}) is closed (constant rate makes a dead peer visible).
 *
 * <p>Threading: the handler, {@link #send}, {@link #peerOf} and {@link #newRateClass} run on the
 * event loop; {@link #execute} and {@link #call} hand work to it from other threads. Many nodes of
 * one process may share a few loops and their pacing ({@link SharedLoops}).
 */
public final class NodeLinks implements AutoCloseable {

    /** Re-dial period of a kept link that is down, in milliseconds. */
    public static final long REDIAL_MILLIS = 1000;
    /**
     * A link from which no datagram arrived for this long is closed. Every Herd link runs at a
     * constant rate of at least one cell per 20 ms tick, so 3 s of silence is 150 missing cells:
     * the peer is gone (killed, or cut off), and the role must hear of it (a Mix tears down the
     * circuits through it; a kept link is re-dialled). A new link gets {@link #FIRST_DATAGRAM_MILLIS}
     * instead until its first datagram: a peer process that is still starting up on a loaded
     * machine may take seconds to start its slots.
     */
    public static final long SILENCE_MILLIS = 3000;
    /** Silence allowed on a new link before its first datagram after the handshake. */
    public static final long FIRST_DATAGRAM_MILLIS = 10_000;
    private static final long SILENCE_CHECK_MILLIS = 250;
    /** Period of the payload-ring upkeep: a ring idle for 5–10 s is dropped. */
    public static final long QUEUE_UPKEEP_MILLIS = 5000;

    /** What the node does with its links; every method on the event loop. */
    public interface Handler {
        /** The rate class of a link to {@code peer}, or null to refuse (close) the link. */
        RateClass rateClass(IdentityPublicKey peer);

        /** A link came up as handle {@code peer}. */
        void linkUp(int peer, IdentityPublicKey identity);

        /** The link of handle {@code peer} went down (a later link to the same peer gets the same handle). */
        void linkDown(int peer, IdentityPublicKey identity, LinkFailureReason reason);

        /** A payload cell (Chaff is already filtered) arrived on {@code peer}'s link; 256 bytes at {@code off}. */
        void onCell(int peer, byte[] buffer, int offset);
    }

    private record Kept(InetSocketAddress address, IdentityPublicKey key, boolean[] dialling) {
    }

    private final LinkEndpoint endpoint;
    private final PacedLinks paced;
    private final Map<Link, Integer> handles = new IdentityHashMap<>();
    private final Map<IdentityPublicKey, Integer> handleOf = new java.util.HashMap<>();
    private final List<Kept> kept = new ArrayList<>();
    private volatile Handler handler;
    private PacedLinks.Paced[] byPeer = new PacedLinks.Paced[16];
    private IdentityPublicKey[] identities = new IdentityPublicKey[16];
    private long[] lastDatagramsIn = new long[16];
    private long[] lastHeardNanos = new long[16];
    private boolean[] heardSinceUp = new boolean[16];
    private final Clock clock;
    /** Null: this node owns its loop and pacing; else they are shared and outlive this node. */
    private final SharedLoops shared;
    /** Periodic tasks, cancelled on close (a shared loop keeps running). */
    private final List<ScheduledFuture<?>> tasks = new CopyOnWriteArrayList<>();
    private long silentLinks;
    private long queuesReleased;
    private int nextPeer;
    private long sendDrops;
    private long dialFailures;

    private NodeLinks(LinkConfig config, IdentityKeyPair identity, InetSocketAddress listen,
            Predicate<IdentityPublicKey> accept, Clock clock, SharedLoops shared) throws LinkException {
        this.clock = clock;
        this.shared = shared;
        LinkListener listener = new LinkListener() {
            @Override
            public void onLinkUp(Link link) {
                up(link);
            }

            @Override
            public void onLinkDown(Link link, LinkFailureReason reason) {
                down(link, reason);
            }
        };
        this.endpoint = LinkEndpoint.bind(config, identity, listen, accept, listener, (l, b, o) -> { },
                shared == null ? null : shared.reactor());
        this.paced = shared != null ? shared.pacedFor(endpoint.eventLoop())
                : new PacedLinks(endpoint.eventLoop(), clock, SlotScheduler.Config.alignedToWallClock(clock),
                        SlotDriver.Tuning.defaults());
    }

    /**
     * Binds {@code listen} (inbound links from identities {@code accept} admits; null: none) and
     * installs the handler that {@code handlerFactory} builds on the event loop (it may create
     * rate classes there).
     *
     * @throws LinkException if the socket cannot be bound
     */
    public static NodeLinks start(LinkConfig config, IdentityKeyPair identity, InetSocketAddress listen,
            Predicate<IdentityPublicKey> accept, Clock clock, Function<NodeLinks, Handler> handlerFactory)
            throws LinkException {
        return start(config, identity, listen, accept, clock, handlerFactory, null);
    }

    /**
     * As {@link #start(LinkConfig, IdentityKeyPair, InetSocketAddress, Predicate, Clock, Function)},
     * but on one event loop of {@code shared} (null: a loop of its own), whose slot scheduler paces
     * this node's links together with those of the other nodes on that loop. Many nodes in one
     * process (a client simulator) then share a few threads; each still has its own socket.
     *
     * @throws LinkException if the socket cannot be bound
     */
    public static NodeLinks start(LinkConfig config, IdentityKeyPair identity, InetSocketAddress listen,
            Predicate<IdentityPublicKey> accept, Clock clock, Function<NodeLinks, Handler> handlerFactory,
            SharedLoops shared) throws LinkException {
        NodeLinks links = new NodeLinks(config, identity, listen, accept, clock, shared);
        try {
            links.call(() -> {
                links.handler = Objects.requireNonNull(handlerFactory.apply(links));
                return null;
            });
        } catch (RuntimeException e) {
            links.close();
            throw e;
        }
        links.tasks.add(links.loop().scheduleAtFixedRate(links::redial, 0, REDIAL_MILLIS, TimeUnit.MILLISECONDS));
        links.every(SILENCE_CHECK_MILLIS, links::closeSilentLinks);
        links.every(QUEUE_UPKEEP_MILLIS, links::releaseIdleQueues);
        return links;
    }

    private void up(Link link) {
        Handler h = handler;
        RateClass rc = h == null ? null : h.rateClass(link.peerIdentity());
        if (rc == null) {
            link.close();
            return;
        }
        IdentityPublicKey id = link.peerIdentity();
        Integer existing = handleOf.get(id);
        int peer;
        if (existing != null) {
            // A peer keeps its handle across re-links, so a role that stored it (a client's Mix
            // link in CallClient.Zone) stays valid after the link is rebuilt.
            peer = existing;
            PacedLinks.Paced old = byPeer[peer];
            if (old != null) {
                // A second link to the same peer replaces the first (one link per peer).
                handles.remove(old.link());
                paced.detach(old);
                byPeer[peer] = null;
                h.linkDown(peer, id, LinkFailureReason.REPLACED_BY_NEW_HANDSHAKE);
                old.link().close();
            }
        } else {
            peer = nextPeer++;
            handleOf.put(id, peer);
            if (peer == byPeer.length) {
                byPeer = Arrays.copyOf(byPeer, peer * 2);
                identities = Arrays.copyOf(identities, peer * 2);
                lastDatagramsIn = Arrays.copyOf(lastDatagramsIn, peer * 2);
                lastHeardNanos = Arrays.copyOf(lastHeardNanos, peer * 2);
                heardSinceUp = Arrays.copyOf(heardSinceUp, peer * 2);
            }
        }
        heardSinceUp[peer] = false;
        lastDatagramsIn[peer] = link.counters().datagramsIn();
        lastHeardNanos[peer] = clock.nanoTime();
        handles.put(link, peer);
        identities[peer] = id;
        // Attach first so that cells the handler sends from linkUp (a client's CREATEs) are
        // queued, not dropped; no cell can be delivered before linkUp, which runs in this same
        // event-loop task.
        byPeer[peer] = paced.attach(link, rc, (l, buf, off) -> h.onCell(peer, buf, off));
        h.linkUp(peer, link.peerIdentity());
    }

    private void down(Link link, LinkFailureReason reason) {
        Integer peer = handles.remove(link);
        if (peer == null) {
            return;
        }
        paced.detach(byPeer[peer]);
        byPeer[peer] = null;
        handler.linkDown(peer, identities[peer], reason);
    }

    /**
     * Drops the payload ring of every link that carried no payload since the previous call
     * ({@link org.herd.core.sched.LinkSender#releaseIdleQueue}; this loop is the links' producer).
     */
    private void releaseIdleQueues() {
        for (int p = 0; p < nextPeer; p++) {
            PacedLinks.Paced paced = byPeer[p];
            if (paced != null && paced.sender().releaseIdleQueue()) {
                queuesReleased++;
            }
        }
    }

    /** This node's links up whose peer satisfies {@code which} (loop only; a shared loop's other nodes are not counted). */
    public int countLinks(java.util.function.Predicate<IdentityPublicKey> which) {
        int n = 0;
        for (int p = 0; p < nextPeer; p++) {
            PacedLinks.Paced paced = byPeer[p];
            if (paced != null && which.test(paced.link().peerIdentity())) {
                n++;
            }
        }
        return n;
    }

    /** Payload rings dropped by the memory upkeep ({@link #QUEUE_UPKEEP_MILLIS}). */
    public long queuesReleased() {
        return queuesReleased;
    }

    /** Closes every link silent for {@link #SILENCE_MILLIS}; its down event follows. */
    private void closeSilentLinks() {
        long now = clock.nanoTime();
        for (int p = 0; p < nextPeer; p++) {
            PacedLinks.Paced paced = byPeer[p];
            if (paced == null) {
                continue;
            }
            long in = paced.link().counters().datagramsIn();
            if (in != lastDatagramsIn[p]) {
                lastDatagramsIn[p] = in;
                lastHeardNanos[p] = now;
                heardSinceUp[p] = true;
            } else if (now - lastHeardNanos[p]
                    - TimeUnit.MILLISECONDS.toNanos(heardSinceUp[p] ? SILENCE_MILLIS : FIRST_DATAGRAM_MILLIS) >= 0) {
                silentLinks++;
                paced.link().close();
            }
        }
    }

    /** Links closed because the peer fell silent. */
    public long silentLinks() {
        return silentLinks;
    }

    /** Holds a link to {@code key} at {@code address}: dialled now and re-dialled while down (any thread). */
    public void keep(InetSocketAddress address, IdentityPublicKey key) {
        execute(() -> kept.add(new Kept(address, key, new boolean[1])));
        execute(this::redial);
    }

    private void redial() {
        for (Kept k : kept) {
            if (k.dialling()[0] || peerOf(k.key()) >= 0) {
                continue;
            }
            k.dialling()[0] = true;
            endpoint.connect(k.address(), k.key()).whenComplete((link, error) -> loop().execute(() -> {
                k.dialling()[0] = false;
                if (error != null) {
                    dialFailures++;
                }
            }));
        }
    }

    /** The handle of the link up to {@code key}, or -1 (event loop). */
    public int peerOf(IdentityPublicKey key) {
        Integer p = handleOf.get(key);
        return p != null && byPeer[p] != null ? p : -1;
    }

    /** The identity of handle {@code peer}, or null if that link is down (event loop). */
    public IdentityPublicKey identityOf(int peer) {
        return peer >= 0 && peer < nextPeer && byPeer[peer] != null ? identities[peer] : null;
    }

    /**
     * Copies the cell into {@code peer}'s slot queue (event loop); false if there is no such link
     * or its queue is full — the cell is dropped and counted, never delayed.
     */
    public boolean send(int peer, byte[] buffer, int offset) {
        PacedLinks.Paced p = peer >= 0 && peer < nextPeer ? byPeer[peer] : null;
        if (p == null || !p.send(buffer, offset)) {
            sendDrops++;
            return false;
        }
        return true;
    }

    /**
     * Payload cells {@code peer}'s slot queue can take now without dropping (its bound at the
     * current rate minus the cells waiting); 0 if there is no such link (event loop).
     */
    public int queueRoom(int peer) {
        PacedLinks.Paced p = peer >= 0 && peer < nextPeer ? byPeer[peer] : null;
        return p == null ? 0 : Math.max(0, p.sender().queueCapacity() - p.sender().queuedCells());
    }

    /** The most payload cells {@code peer}'s slot queue holds at its current rate; 0 if there is no such link (event loop). */
    public int queueBound(int peer) {
        PacedLinks.Paced p = peer >= 0 && peer < nextPeer ? byPeer[peer] : null;
        return p == null ? 0 : p.sender().queueCapacity();
    }

    /** A new rate class of {@code m} cells per tick (event loop). */
    public RateClass newRateClass(String name, int m) {
        return paced.newRateClass(name, m);
    }

    /** As {@link #newRateClass(String, int)}, queueing up to {@code queueCapacity} cells per link. */
    public RateClass newRateClass(String name, int m, int queueCapacity) {
        return paced.newRateClass(name, m, queueCapacity);
    }

    /** Runs {@code command} on the event loop. */
    public void execute(Runnable command) {
        paced.execute(command);
    }

    /** Runs {@code task} on the event loop and waits for its result. */
    public <T> T call(java.util.concurrent.Callable<T> task) {
        try {
            return loop().submit(task).get(10, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            throw e.getCause() instanceof RuntimeException r ? r : new IllegalStateException(e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        } catch (java.util.concurrent.TimeoutException e) {
            throw new IllegalStateException("event loop did not answer in 10 s", e);
        }
    }

    /** Runs {@code task} on the event loop every {@code millis} ms. */
    public void every(long millis, Runnable task) {
        tasks.add(loop().scheduleAtFixedRate(task, millis, millis, TimeUnit.MILLISECONDS));
    }

    /** The event loop. */
    public EventLoop loop() {
        return endpoint.eventLoop();
    }

    /** The bound address. */
    public InetSocketAddress localAddress() {
        return endpoint.localAddress();
    }

    /** The endpoint (counters). */
    public LinkEndpoint endpoint() {
        return endpoint;
    }

    /** The paced links (scheduler counters; on {@link SharedLoops}, of every node on this loop). */
    public PacedLinks paced() {
        return paced;
    }

    /** Links up now (event loop). */
    public int linksUp() {
        return handles.size();
    }

    /** Cells dropped at {@link #send} (no link, or queue full). */
    public long sendDrops() {
        return sendDrops;
    }

    /** Dials that failed (each is retried). */
    public long dialFailures() {
        return dialFailures;
    }

    /**
     * Stops pacing and closes every link and the socket. On {@link SharedLoops} the loop and its
     * pacing keep running for the other nodes: this node's periodic tasks are cancelled, and its
     * links leave the shared scheduler through their down events.
     */
    @Override
    public void close() {
        for (ScheduledFuture<?> t : tasks) {
            t.cancel(false);
        }
        if (shared == null) {
            paced.close();
        }
        endpoint.close();
    }
}
