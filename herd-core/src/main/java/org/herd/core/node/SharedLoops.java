package org.herd.core.node;

import io.netty.channel.EventLoop;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import org.herd.core.link.LinkReactor;
import org.herd.core.link.PacedLinks;
import org.herd.core.sched.SlotDriver;
import org.herd.core.sched.SlotScheduler;
import org.herd.core.time.Clock;

/**
 * Event loops shared by many {@link NodeLinks} of one process (§3.4.1 of the Herd paper: every
 * client link is sent at a constant rate, whichever process hosts the client). A node started
 * with {@link NodeLinks#start(org.herd.core.link.LinkConfig, org.herd.core.crypto.IdentityKeyPair,
 * java.net.InetSocketAddress, java.util.function.Predicate, Clock, java.util.function.Function, SharedLoops)}
 * gets its own UDP socket and DTLS endpoint, pinned round robin to one loop of this
 * {@link LinkReactor}, and its links are paced by that loop's one {@link PacedLinks} (one slot
 * scheduler per loop, not per node). So a thousand clients (a client simulator, a load test)
 * cost a few threads, not a thousand, and every one of them still runs the production path.
 *
 * <p>Closing a node leaves the loops running; {@link #close()} stops them after its nodes are closed.
 */
public final class SharedLoops implements AutoCloseable {

    private final LinkReactor reactor;
    private final Clock clock;
    private final Map<EventLoop, PacedLinks> paced = new ConcurrentHashMap<>();

    private SharedLoops(int loops, boolean preferEpoll, Clock clock) {
        this.reactor = LinkReactor.create(loops, preferEpoll);
        this.clock = Objects.requireNonNull(clock);
    }

    /** {@code loops} event loops (epoll if asked for and available), slot times from {@code clock}. */
    public static SharedLoops create(int loops, boolean preferEpoll, Clock clock) {
        return new SharedLoops(loops, preferEpoll, clock);
    }

    /** The reactor the nodes' endpoints are bound on. */
    public LinkReactor reactor() {
        return reactor;
    }

    /** The pacing of {@code loop}'s links, made on first use (any thread). */
    PacedLinks pacedFor(EventLoop loop) {
        return paced.computeIfAbsent(loop, l -> new PacedLinks(l, clock, SlotScheduler.Config.alignedToWallClock(clock),
                SlotDriver.Tuning.defaults()));
    }

    /** The pacing of every loop used so far (counters: late slots, slots fired). */
    public List<PacedLinks> paced() {
        return new ArrayList<>(paced.values());
    }

    /** Stops pacing and the loops; close the nodes first. */
    @Override
    public void close() {
        for (PacedLinks p : paced.values()) {
            p.close();
        }
        reactor.close();
    }
}
