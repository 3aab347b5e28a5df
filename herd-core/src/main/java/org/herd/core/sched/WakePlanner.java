package org.herd.core.sched;

import org.herd.core.metrics.Counter;
import org.herd.core.time.Clock;

/**
 * The wake-up logic both drivers share: fire what is due, busy-wait to deadlines that are
 * closer than the wake-early margin (within the spin budget), coalesce, and say how long to
 * sleep. Used only on the driver's thread.
 */
final class WakePlanner {

    /** Slots fired per pass before the time bound is looked at again (≈ 0.3 ms of UDP sends). */
    static final int SLOTS_PER_PASS = 64;

    private final SlotScheduler scheduler;
    private final Clock clock;
    private final SlotDriver.Tuning tuning;
    private final Counter wakeups = new Counter();
    private volatile long spinNanos;

    WakePlanner(SlotScheduler scheduler, SlotDriver.Tuning tuning) {
        this.scheduler = scheduler;
        this.clock = scheduler.clock();
        this.tuning = tuning;
    }

    /**
     * One wake-up: fires every due slot, and keeps firing/spinning while that stays within
     * {@code maxRunNanos} of the wake-up; returns how long to sleep (ns, ≥ 0; 0 = come back at
     * once, after the thread's other work).
     */
    long fireAndPlan() {
        wakeups.increment();
        long wakeStart = clock.nanoTime();
        long coalesceUntil = wakeStart + tuning.minWakeIntervalNanos();
        long spun = 0;
        try {
            for (;;) {
                scheduler.doWork(clock.nanoTime(), SLOTS_PER_PASS);
                long next = scheduler.nextDeadlineNanos();
                if (next == SlotScheduler.NO_DEADLINE) {
                    return SlotTiming.TICK_NANOS;
                }
                long now = clock.nanoTime();
                long held = now - wakeStart;
                if (next - now <= 0) {
                    // Already due (we are behind): never coalesce, fire now or yield and return.
                    if (held < tuning.maxRunNanos()) {
                        continue;
                    }
                    return 0;
                }
                // Coalescing only postpones sleeping for a deadline still in the future.
                long target = next - coalesceUntil < 0 ? coalesceUntil : next;
                long wait = target - now;
                if (wait <= tuning.wakeEarlyNanos() && held + wait <= tuning.maxRunNanos()) {
                    while (clock.nanoTime() - target < 0) {
                        Thread.onSpinWait();
                    }
                    spun += clock.nanoTime() - now;
                    continue;
                }
                return Math.max(0, wait - tuning.wakeEarlyNanos());
            }
        } finally {
            spinNanos += spun;
        }
    }

    long wakeups() {
        return wakeups.get();
    }

    long spinNanos() {
        return spinNanos;
    }
}
