package org.herd.core.sched;

import java.util.Objects;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.herd.core.time.Clock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Drives a {@link SlotScheduler} on an executor's thread — in production the Netty event loop
 * that owns the links (Netty's {@code EventLoop} is a {@link ScheduledExecutorService}), so that
 * {@link CellTransmitter#transmit} runs on the links' own thread with no hand-off.
 *
 * <p>Each run fires the due slots and then, for the next deadline d: if d is more than
 * {@code wakeEarlyNanos} away, it schedules itself for d − wakeEarly and returns the thread to
 * the event loop's I/O; otherwise it busy-waits until d (at most {@code maxSpinPerRunNanos} per
 * run, so that the loop's I/O is never held off longer than that) and fires again. Netty's
 * epoll transport sleeps on a timerfd with nanosecond resolution, its NIO transport on
 * {@code Selector.select(ms)} which rounds the delay up to the next millisecond; the wake-early
 * margin absorbs the transport's timer lateness (measured by {@code SlotJitterHarness}).
 *
 * <p>Allocation: each self-scheduling allocates Netty's task object for the timer (one per
 * wake-up, not per slot; the harness reports bytes per slot).
 */
public final class EventLoopSlotDriver implements SlotDriver, Runnable {

    private static final Logger LOG = LoggerFactory.getLogger(EventLoopSlotDriver.class);

    private final SlotScheduler scheduler;
    private final ScheduledExecutorService loop;
    private final Clock clock;
    private final long wakeEarlyNanos;
    private final long maxSpinPerRunNanos;
    private volatile boolean running;
    private volatile ScheduledFuture<?> pending;
    private final Counter wakeups = new Counter();
    private final Counter errors = new Counter();
    private volatile long spinNanos;

    /**
     * @param wakeEarlyNanos how long before a deadline to wake and spin (0: rely on the timer)
     * @param maxSpinPerRunNanos bound on busy-waiting per wake-up
     */
    public EventLoopSlotDriver(SlotScheduler scheduler, ScheduledExecutorService loop, long wakeEarlyNanos,
            long maxSpinPerRunNanos) {
        if (wakeEarlyNanos < 0 || maxSpinPerRunNanos < 0) {
            throw new IllegalArgumentException("negative spin settings");
        }
        this.scheduler = Objects.requireNonNull(scheduler);
        this.loop = Objects.requireNonNull(loop);
        this.clock = scheduler.clock();
        this.wakeEarlyNanos = wakeEarlyNanos;
        this.maxSpinPerRunNanos = maxSpinPerRunNanos;
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

    /** One wake-up: fire what is due, spin to close deadlines, reschedule. Runs on the loop. */
    @Override
    public void run() {
        if (!running) {
            return;
        }
        wakeups.increment();
        long spun = 0;
        try {
            for (;;) {
                scheduler.doWork(clock.nanoTime());
                long next = scheduler.nextDeadlineNanos();
                if (next == SlotScheduler.NO_DEADLINE) {
                    pending = loop.schedule(this, SlotTiming.TICK_NANOS, TimeUnit.NANOSECONDS);
                    break;
                }
                long now = clock.nanoTime();
                long wait = next - now;
                if (wait <= 0) {
                    continue;
                }
                if (wait <= wakeEarlyNanos && spun + wait <= maxSpinPerRunNanos) {
                    while (clock.nanoTime() - next < 0) {
                        Thread.onSpinWait();
                    }
                    spun += clock.nanoTime() - now;
                    continue;
                }
                pending = loop.schedule(this, Math.max(0, wait - wakeEarlyNanos), TimeUnit.NANOSECONDS);
                break;
            }
        } catch (RuntimeException e) {
            // A silent link would leak to an observer that its node broke; keep the rate going.
            errors.increment();
            LOG.error("slot scheduler failed; continuing", e);
            pending = loop.schedule(this, 0, TimeUnit.NANOSECONDS);
        }
        spinNanos += spun;
    }

    @Override
    public long wakeups() {
        return wakeups.get();
    }

    @Override
    public long spinNanos() {
        return spinNanos;
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
