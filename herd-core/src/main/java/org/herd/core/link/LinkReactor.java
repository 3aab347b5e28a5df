package org.herd.core.link;

import io.netty.channel.EventLoop;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.nio.NioIoHandler;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * The threads behind {@link LinkEndpoint}s: a Netty event-loop group (each endpoint is pinned
 * to one of its loops, which then runs all of that endpoint's data path) and a pool for Bouncy
 * Castle's blocking DTLS handshakes.
 *
 * <p>An endpoint bound without a reactor makes a private one with a single loop. Processes with
 * many endpoints (the link benchmark's hundreds of client sockets, a client simulator) share one
 * reactor, so the thread count stays at the number of cores, not the number of sockets.
 */
public final class LinkReactor implements AutoCloseable {

    private final MultiThreadIoEventLoopGroup group;
    private final ExecutorService handshakes;
    private final boolean epoll;

    private LinkReactor(int eventLoops, boolean preferEpoll) {
        if (eventLoops < 1) {
            throw new IllegalArgumentException("a reactor needs at least one event loop");
        }
        this.epoll = preferEpoll && Epoll.isAvailable();
        IoHandlerFactory io = epoll ? EpollIoHandler.newFactory() : NioIoHandler.newFactory();
        this.group = new MultiThreadIoEventLoopGroup(eventLoops, new DefaultThreadFactory("herd-link", true), io);
        // Bouncy Castle's handshakes block a thread each, for their whole duration. A fixed pool
        // deadlocks as soon as the endpoints sharing it dial each other (every thread waits in a
        // client handshake whose server side cannot get a thread), so the pool grows on demand;
        // each endpoint bounds its own concurrent handshakes (LinkConfig.maxHandshakes).
        this.handshakes = new ThreadPoolExecutor(0, Integer.MAX_VALUE, 30, TimeUnit.SECONDS, new SynchronousQueue<>(),
                new DefaultThreadFactory("herd-link-hs", true));
    }

    /** A reactor with {@code eventLoops} event loops (epoll if asked for and available). */
    public static LinkReactor create(int eventLoops, boolean preferEpoll) {
        return new LinkReactor(eventLoops, preferEpoll);
    }

    /** The next event loop, round robin: the one a new endpoint is pinned to. */
    EventLoop nextEventLoop() {
        return group.next();
    }

    ExecutorService handshakes() {
        return handshakes;
    }

    /** True if the loops use Linux epoll, false for Java NIO. */
    public boolean epoll() {
        return epoll;
    }

    /** Stops the threads; endpoints using this reactor must be closed first. */
    @Override
    public void close() {
        handshakes.shutdownNow();
        group.shutdownGracefully(0, 2, TimeUnit.SECONDS);
    }
}
