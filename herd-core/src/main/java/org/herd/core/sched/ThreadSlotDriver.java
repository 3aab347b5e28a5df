package org.herd.core.sched;

import java.util.Objects;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.locks.LockSupport;
import org.herd.core.time.Clock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Drives a {@link SlotScheduler} on a dedicated thread: fire the due slots, then
 * {@link LockSupport#parkNanos} until {@code spinNanos} before the next deadline and busy-wait
 * the rest. Allocates nothing per wake-up. The alternative to {@link EventLoopSlotDriver} when
 * the transmitters are safe to call from this thread (e.g. plain sockets, or links that accept
 * cells from another thread).
 *
 * <p>{@code parkNanos} on Linux is a futex wait on an hrtimer with the thread's timer slack
 * (50 µs by default), so without spinning a slot is typically fired some tens of µs late;
 * {@code spinNanos} trades CPU for precision (measured by {@code SlotJitterHarness}).
 */
public final class ThreadSlotDriver implements SlotDriver {

    private static final Logger LOG = LoggerFactory.getLogger(ThreadSlotDriver.class);

    private final SlotScheduler scheduler;
    private final Clock clock;
    private final long spinNanos;
    private final Thread thread;
    private final Queue<Runnable> commands = new ConcurrentLinkedQueue<>();
    private volatile boolean running;
    private final Counter wakeups = new Counter();
    private final Counter errors = new Counter();
    private volatile long spunNanos;

    /**
     * @param threadName name of the dedicated thread
     * @param spinNanos busy-wait this long before each deadline instead of parking (0: never spin)
     */
    public ThreadSlotDriver(SlotScheduler scheduler, String threadName, long spinNanos) {
        if (spinNanos < 0) {
            throw new IllegalArgumentException("negative spin: " + spinNanos);
        }
        this.scheduler = Objects.requireNonNull(scheduler);
        this.clock = scheduler.clock();
        this.spinNanos = spinNanos;
        this.thread = new Thread(this::loop, threadName);
        this.thread.setDaemon(true);
    }

    /** The dedicated thread (e.g. to read its CPU time). */
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
        commands.add(command);
        LockSupport.unpark(thread);
    }

    private void loop() {
        long spun = 0;
        while (running) {
            try {
                Runnable command;
                while ((command = commands.poll()) != null) {
                    command.run();
                }
                scheduler.doWork(clock.nanoTime());
                long next = scheduler.nextDeadlineNanos();
                if (next == SlotScheduler.NO_DEADLINE) {
                    LockSupport.parkNanos(SlotTiming.TICK_NANOS);
                    continue;
                }
                long now = clock.nanoTime();
                long wait = next - now;
                if (wait > spinNanos) {
                    LockSupport.parkNanos(wait - spinNanos);
                    wakeups.increment();
                } else if (wait > 0) {
                    while (clock.nanoTime() - next < 0) {
                        Thread.onSpinWait();
                    }
                    spun += clock.nanoTime() - now;
                    spunNanos = spun;
                }
            } catch (RuntimeException e) {
                errors.increment();
                LOG.error("slot scheduler failed; continuing", e);
            }
        }
    }

    @Override
    public long wakeups() {
        return wakeups.get();
    }

    @Override
    public long spinNanos() {
        return spunNanos;
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
