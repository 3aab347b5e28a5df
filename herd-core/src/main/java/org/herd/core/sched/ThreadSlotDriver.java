package org.herd.core.sched;

import org.herd.core.metrics.Counter;
import java.util.Objects;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.locks.LockSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Drives a {@link SlotScheduler} on a dedicated thread: fire the due slots, then
 * {@link LockSupport#parkNanos} until the next deadline (see {@link SlotDriver.Tuning}).
 * Allocates nothing per wake-up. The alternative to {@link EventLoopSlotDriver} when the
 * transmitters may be called from this thread (plain sockets, or links that accept cells from
 * another thread); it also lets the slot thread alone get a real-time priority.
 *
 * <p>{@code parkNanos} on Linux is a futex wait on an hrtimer with the thread's timer slack
 * (50 µs by default); measured lateness on this machine class is ≈ 0.1 ms at the median.
 */
public final class ThreadSlotDriver implements SlotDriver {

    private static final Logger LOG = LoggerFactory.getLogger(ThreadSlotDriver.class);

    private final SlotScheduler scheduler;
    private final WakePlanner planner;
    private final Thread thread;
    private final Queue<Runnable> commands = new ConcurrentLinkedQueue<>();
    private final Counter errors = new Counter();
    private volatile boolean running;

    /** A driver for {@code scheduler} on a new daemon thread named {@code threadName}. */
    public ThreadSlotDriver(SlotScheduler scheduler, String threadName, Tuning tuning) {
        this.scheduler = Objects.requireNonNull(scheduler);
        this.planner = new WakePlanner(scheduler, Objects.requireNonNull(tuning));
        this.thread = new Thread(this::loop, threadName);
        this.thread.setDaemon(true);
    }

    /** The dedicated thread (e.g. to read its CPU time or set its priority). */
    public Thread thread() {
        return thread;
    }

    @Override
    public void start() {
        running = true;
        thread.start();
    }

    @Override
    public void submit(Runnable command) {
        commands.add(Objects.requireNonNull(command));
        LockSupport.unpark(thread);
    }

    private void loop() {
        while (running) {
            long delay = 0;
            try {
                Runnable command;
                while ((command = commands.poll()) != null) {
                    command.run();
                }
                delay = planner.fireAndPlan();
            } catch (RuntimeException e) {
                errors.increment();
                LOG.error("slot scheduler {} failed; continuing", scheduler, e);
            }
            if (delay > 0) {
                LockSupport.parkNanos(delay);
            }
        }
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
        LockSupport.unpark(thread);
        if (thread.isAlive() && Thread.currentThread() != thread) {
            try {
                thread.join(1000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
