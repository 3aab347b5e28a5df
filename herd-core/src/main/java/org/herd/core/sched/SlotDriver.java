package org.herd.core.sched;

/**
 * Runs a {@link SlotScheduler} on a thread in production: calls {@link SlotScheduler#doWork(long)}
 * when slots are due and waits in between. Everything that touches the scheduler (adding links,
 * announcing rates) is handed to that thread through {@link #submit(Runnable)}.
 */
public interface SlotDriver extends AutoCloseable {

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
