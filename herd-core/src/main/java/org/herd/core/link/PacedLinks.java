package org.herd.core.link;

import io.netty.channel.EventLoop;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.herd.core.sched.ChaffFilter;
import org.herd.core.sched.EventLoopSlotDriver;
import org.herd.core.sched.LinkSender;
import org.herd.core.sched.RateClass;
import org.herd.core.sched.SlotDriver;
import org.herd.core.sched.SlotScheduler;
import org.herd.core.time.Clock;

/**
 * The links of one event loop, sent at a constant rate (§3.4.1 of the Herd paper): every link
 * attached here gets a {@link LinkSender} in one {@link SlotScheduler}, driven on the links' own
 * event loop so each slot's cell goes straight into {@link Link#transmit} with no hand-off, and
 * a {@link ChaffFilter} on its receive side so Chaff is discarded and only payload reaches the
 * node's handler.
 *
 * <p>Threading: {@link #attach}, {@link #newRateClass} and the senders' {@code offer} run on the
 * event loop (from a {@link LinkListener} callback, or through {@link #execute}). Endpoints whose
 * links are attached here must be pinned to the same loop (share a {@link LinkReactor} with a
 * single loop, or keep one {@code PacedLinks} per loop).
 */
public final class PacedLinks implements AutoCloseable {

    /** One attached link. */
    public static final class Paced {
        private final Link link;
        private final LinkSender sender;
        private final ChaffFilter filter = new ChaffFilter();
        private final Clock clock;

        private Paced(Link link, LinkSender sender, Clock clock) {
            this.link = link;
            this.sender = sender;
            this.clock = clock;
        }

        /** The DTLS link. */
        public Link link() {
            return link;
        }

        /** Its slot sender (queue, counters of payload, chaff, late slots). */
        public LinkSender sender() {
            return sender;
        }

        /** Its receive-side Chaff filter (counters of payload, chaff, malformed). */
        public ChaffFilter filter() {
            return filter;
        }

        /**
         * Queues one payload cell for the next free slot (event loop only). Returns false if the
         * queue is full: the cell is dropped and counted, never queued into delay.
         */
        public boolean send(byte[] cell, int off) {
            return sender.offer(cell, off, clock.nanoTime());
        }
    }

    private final EventLoop loop;
    private final Clock clock;
    private final SlotScheduler scheduler;
    private final EventLoopSlotDriver driver;
    private final List<Paced> attached = new ArrayList<>();
    /** Loop only: endpoints whose reads the driver polls (autoRead given back on close). */
    private final List<LinkEndpoint> polled = new ArrayList<>();

    /**
     * Constant-rate sending for the links of {@code loop}; tick boundaries follow
     * {@code config} (in production {@link SlotScheduler.Config#alignedToWallClock}).
     */
    public PacedLinks(EventLoop loop, Clock clock, SlotScheduler.Config config, SlotDriver.Tuning tuning) {
        this.loop = Objects.requireNonNull(loop);
        this.clock = Objects.requireNonNull(clock);
        this.scheduler = new SlotScheduler(clock, config);
        this.driver = new EventLoopSlotDriver(scheduler, loop, tuning);
        driver.start();
    }

    /** The scheduler (counters and jitter histograms are readable from any thread). */
    public SlotScheduler scheduler() {
        return scheduler;
    }

    /** The event loop all attached links run on. */
    public EventLoop eventLoop() {
        return loop;
    }

    /** Runs {@code command} on the loop and re-plans the next slot wake-up afterwards. */
    public void execute(Runnable command) {
        driver.submit(command);
    }

    /** A new rate class of {@code m} cells per tick (event loop only). */
    public RateClass newRateClass(String name, int m) {
        requireLoop();
        return scheduler.newRateClass(name, m);
    }

    /**
     * A new rate class of {@code m} cells per tick whose links may queue up to
     * {@code queueCapacity} cells, one tick's worth at the current rate (event loop only; see
     * {@link SlotScheduler#newRateClass(String, int, int)}).
     */
    public RateClass newRateClass(String name, int m, int queueCapacity) {
        requireLoop();
        return scheduler.newRateClass(name, m, queueCapacity);
    }

    /**
     * Starts sending on {@code link} at its class's rate from the next slot, and routes its
     * received payload cells to {@code payload} (Chaff is discarded and counted). Event loop
     * only; the link must be up and belong to this loop. The link is detached when it goes down.
     */
    public Paced attach(Link link, RateClass rateClass, CellHandler payload) {
        requireLoop();
        if (link.eventLoop() != loop) {
            throw new IllegalArgumentException("link " + link + " runs on another event loop");
        }
        Objects.requireNonNull(payload);
        LinkSender sender = scheduler.addLink(rateClass, link::transmit);
        LinkEndpoint endpoint = link.endpoint();
        if (endpoint.config().polledReads() && endpoint.enablePolledReads()) {
            driver.addPoller(endpoint.poller());
            if (!polled.contains(endpoint)) {
                polled.add(endpoint);
            }
        }
        Paced paced = new Paced(link, sender, clock);
        attached.add(paced);
        link.cellHandler((l, buf, off) -> {
            if (paced.filter.classify(buf, off) == ChaffFilter.PAYLOAD) {
                payload.onCell(l, buf, off);
            }
        });
        return paced;
    }

    /** Stops sending on {@code paced}'s link (event loop only); call when the link goes down. */
    public void detach(Paced paced) {
        requireLoop();
        if (attached.remove(paced)) {
            scheduler.removeLink(paced.sender);
        }
    }

    /** A snapshot of the attached links (event loop only). */
    public List<Paced> attached() {
        requireLoop();
        return List.copyOf(attached);
    }

    private void requireLoop() {
        if (!loop.inEventLoop()) {
            throw new IllegalStateException("PacedLinks is used from its event loop only");
        }
    }

    /**
     * Stops the slot driver; links stay open (close their endpoints separately), and endpoints
     * whose reads it polled read on every arrival again.
     */
    @Override
    public void close() {
        driver.close();
        Runnable release = () -> {
            for (LinkEndpoint e : polled) {
                e.disablePolledReads();
            }
            polled.clear();
        };
        if (loop.inEventLoop()) {
            release.run();
        } else {
            try {
                loop.execute(release);
            } catch (java.util.concurrent.RejectedExecutionException e) {
                // the loop is gone, and its sockets with it
            }
        }
    }
}
