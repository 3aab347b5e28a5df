package org.herd.core.sched;

/**
 * Runs a {@link SlotScheduler} on a thread in production: calls {@link SlotScheduler#doWork(long)}
 * when slots are due and waits in between. Everything that touches the scheduler (adding links,
 * announcing rates) is handed to that thread through {@link #submit(Runnable)}.
 */
public interface SlotDriver extends AutoCloseable {

    /**
     * How a driver waits for deadlines.
     *
     * @param wakeEarlyNanos wake this long before a deadline and busy-wait the rest (0: rely on
     *     the timer; the timer's lateness then adds to the jitter)
     * @param maxRunNanos bound on how long one wake-up keeps the thread after its first pass
     *     (busy-waiting, or firing slots that came due meanwhile); then the thread goes back to
     *     the event loop's I/O and the driver reschedules itself at once. Without it, an
     *     overloaded scheduler (always behind) would never let the loop read its sockets.
     * @param minWakeIntervalNanos timer coalescing: after a wake-up, do not sleep for a deadline
     *     closer than this to the start of the wake-up; wait until then and fire everything due
     *     at once. Bounds wake-ups per second (each costs a timer, a context switch, and on Netty
     *     a task object) at the price of up to this much added jitter. 0: wake for every deadline.
     * @param pollIntervalNanos while an {@link EventLoopSlotDriver} has receive pollers (sockets
     *     whose reads it drives, autoRead off), it wakes at least this often, so a datagram
     *     waits on its socket at most this long plus the timer's lateness (the added receive
     *     latency per hop); the pollers also run at every other wake-up. Must be positive.
     */
    record Tuning(long wakeEarlyNanos, long maxRunNanos, long minWakeIntervalNanos, long pollIntervalNanos) {

        /** Default {@link #pollIntervalNanos}: 1 ms, the receive latency budget per hop. */
        public static final long DEFAULT_POLL_INTERVAL_NANOS = 1_000_000;

        /** Checks the settings. */
        public Tuning {
            if (wakeEarlyNanos < 0 || maxRunNanos < 0 || minWakeIntervalNanos < 0 || pollIntervalNanos <= 0) {
                throw new IllegalArgumentException("negative driver tuning");
            }
        }

        /** As the canonical constructor, polling every {@link #DEFAULT_POLL_INTERVAL_NANOS}. */
        public Tuning(long wakeEarlyNanos, long maxRunNanos, long minWakeIntervalNanos) {
            this(wakeEarlyNanos, maxRunNanos, minWakeIntervalNanos, DEFAULT_POLL_INTERVAL_NANOS);
        }

        /**
         * The defaults chosen from the measurements in the sched report: no spinning (timer
         * lateness on this machine class is ≈ 0.1 ms, well inside the 1 ms budget, and spinning
         * costs a core), coalescing wake-ups to at most one per 200 µs, holding the thread at
         * most 1 ms per wake-up.
         */
        public static Tuning defaults() {
            return new Tuning(0, 1_000_000, 200_000);
        }
    }

    /** Starts driving. */
    void start();

    /** Runs {@code command} on the scheduler's thread (control path; may allocate). */
    void submit(Runnable command);

    /** Wake-ups so far (each costs a timer or park). */
    long wakeups();

    /** Nanoseconds spent busy-waiting for a deadline so far. */
    long spinNanos();

    /** Errors thrown by the scheduler and swallowed to keep the link rates going. */
    long errors();

    /** Stops driving; slots stop. */
    @Override
    void close();
}
