package org.herd.core.sched;

import org.herd.core.metrics.Counter;
import java.util.Objects;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Drives a {@link SlotScheduler} on an executor's thread — in production the Netty event loop
 * that owns the links (Netty's {@code EventLoop} is a {@link ScheduledExecutorService}), so that
 * {@link CellTransmitter#transmit} runs on the links' own thread with no hand-off.
 *
 * <p>Each run fires the due slots, then schedules itself for the next deadline (see {@link
 * SlotDriver.Tuning} for waking early, spinning and coalescing) and gives the thread back to the
 * loop's I/O. Measured on Netty 4.2.18 (see the sched report): the epoll transport sleeps on a
 * timerfd (nanosecond resolution, for delays under {@code io.netty.channel.epoll.epollWaitThreshold}
 * = 10 ms) and wakes ≈ 0.1 ms late on this machine class; the NIO transport turns delays under
 * 0.5 ms into {@code selectNow()} and so busy-loops when deadlines are dense (precise, but a core).
 *
 * <p>Receive pollers ({@link #addPoller}): sockets with autoRead off are read at each wake-up,
 * and the driver wakes at least every {@link SlotDriver.Tuning#pollIntervalNanos()} while any is
 * registered, so arrivals from many links cost one loop wake-up per driver wake-up instead of
 * one per datagram. Measured with {@code herd bench mix} (Mix CPU per cell: ≈ −20 % at 100
 * clients, ≈ −12 % at 250, same run conditions; see the commit that added it), but on an
 * overloaded machine the Mix socket overflowed more often, so endpoints opt in
 * ({@code LinkConfig.polledReads}).
 *
 * <p>Allocation: each self-scheduling allocates Netty's timer task (one per wake-up, not per
 * slot; coalescing and the poll interval bound the rate). Polling allocates nothing.
 */
public final class EventLoopSlotDriver implements SlotDriver, Runnable {

    private static final Logger LOG = LoggerFactory.getLogger(EventLoopSlotDriver.class);

    private final ScheduledExecutorService loop;
    private final WakePlanner planner;
    private final long pollIntervalNanos;
    /** Loop only: receive pollers run at each wake-up; one returning false is dropped. */
    private final java.util.ArrayList<java.util.function.BooleanSupplier> pollers = new java.util.ArrayList<>();
    private final Counter errors = new Counter();
    private volatile boolean running;
    private volatile ScheduledFuture<?> pending;

    /** A driver for {@code scheduler} on {@code loop} (the links' event loop). */
    public EventLoopSlotDriver(SlotScheduler scheduler, ScheduledExecutorService loop, Tuning tuning) {
        this.loop = Objects.requireNonNull(loop);
        this.planner = new WakePlanner(Objects.requireNonNull(scheduler), Objects.requireNonNull(tuning));
        this.pollIntervalNanos = tuning.pollIntervalNanos();
    }

    /**
     * Adds a receive poller (loop only): it runs at every wake-up, before the due slots fire,
     * and while any is registered the driver wakes at least every
     * {@link SlotDriver.Tuning#pollIntervalNanos()}. A poller that returns false is removed. A
     * poller already registered is not added twice. This is how a socket with autoRead off is
     * read once per wake-up for many arrivals instead of waking the loop per datagram.
     */
    public void addPoller(java.util.function.BooleanSupplier poller) {
        Objects.requireNonNull(poller);
        if (!pollers.contains(poller)) {
            pollers.add(poller);
        }
    }

    /** Receive pollers registered (loop only). */
    public int pollers() {
        return pollers.size();
    }

    private void poll() {
        for (int i = pollers.size() - 1; i >= 0; i--) {
            boolean keep;
            try {
                keep = pollers.get(i).getAsBoolean();
            } catch (RuntimeException e) {
                errors.increment();
                LOG.error("receive poller failed; dropped", e);
                keep = false;
            }
            if (!keep) {
                pollers.remove(i);
            }
        }
    }

    @Override
    public void start() {
        running = true;
        loop.execute(this);
    }

    /**
     * Runs {@code command} on the loop, then re-plans the next wake-up: a command that adds a
     * link or changes a rate may have made the next deadline earlier than the pending timer.
     */
    @Override
    public void submit(Runnable command) {
        Objects.requireNonNull(command);
        loop.execute(() -> {
            command.run();
            ScheduledFuture<?> p = pending;
            if (running && p != null && p.cancel(false)) {
                run();
            }
        });
    }

    /** One wake-up: fire what is due, reschedule. Runs on the loop. */
    @Override
    public void run() {
        if (!running) {
            return;
        }
        long delay = 0;
        if (!pollers.isEmpty()) {
            poll();
        }
        try {
            delay = planner.fireAndPlan();
        } catch (RuntimeException e) {
            // A silent link would tell an observer that its node broke; keep the rate going.
            errors.increment();
            LOG.error("slot scheduler failed; continuing", e);
        }
        if (!pollers.isEmpty() && delay > pollIntervalNanos) {
            delay = pollIntervalNanos;
        }
        pending = loop.schedule(this, delay, TimeUnit.NANOSECONDS);
    }

    @Override
    public long wakeups() {
        return planner.wakeups();
    }

    @Override
    public long spinNanos() {
        return planner.spinNanos();
    }

    @Override
    public long errors() {
        return errors.get();
    }

    @Override
    public void close() {
        running = false;
        ScheduledFuture<?> p = pending;
        if (p != null) {
            p.cancel(false);
        }
    }
}
