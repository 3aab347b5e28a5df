package org.herd.core.sched;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.TimeUnit;
import org.HdrHistogram.Histogram;
import org.herd.core.time.ManualClock;
import org.junit.jupiter.api.Test;

/** The drivers' wake-up planning, under a ManualClock that jumps by exactly the planned sleep. */
class WakePlannerTest {

    private final ManualClock clock = new ManualClock();

    private SlotScheduler scheduler(int links, int m) {
        SlotScheduler s = new SlotScheduler(clock, SlotScheduler.Config.defaults(0));
        RateClass rc = s.newRateClass("test", m);
        for (int i = 0; i < links; i++) {
            s.addLink(rc, (cell, off) -> true);
        }
        return s;
    }

    private static void sleepAsPlanned(ManualClock clock, WakePlanner planner, long until) {
        while (clock.nanoTime() < until) {
            clock.advance(planner.fireAndPlan(), TimeUnit.NANOSECONDS);
        }
    }

    @Test
    void withoutCoalescingEveryDeadlineIsMetExactly() {
        SlotScheduler s = scheduler(200, 2);
        WakePlanner planner = new WakePlanner(s, new SlotDriver.Tuning(0, 0, 0));
        sleepAsPlanned(clock, planner, 1_000_000_000L);
        Histogram jitter = s.intervalJitter(null);
        assertEquals(0, jitter.getMaxValue());
        assertEquals(20_000, s.slotsFired(), 200);
        assertEquals(s.slotsFired(), planner.wakeups(), 1, "200 distinct phases: one wake-up per slot");
    }

    @Test
    void coalescingBoundsWakeUpsAndAddsAtMostTheIntervalToJitter() {
        SlotScheduler s = scheduler(200, 2);
        WakePlanner planner = new WakePlanner(s, new SlotDriver.Tuning(0, 0, 200_000));
        sleepAsPlanned(clock, planner, 1_000_000_000L);
        Histogram jitter = s.intervalJitter(null);
        assertTrue(jitter.getMaxValue() <= 200_000, "max jitter " + jitter.getMaxValue());
        assertEquals(20_000, s.slotsFired(), 200);
        assertTrue(planner.wakeups() <= 1_000_000_000L / 200_000 + 1, planner.wakeups() + " wake-ups");
        assertEquals(0, s.lateSlots());
    }

    @Test
    void sparseDeadlinesAreStillMetOnTimeWhenCoalescing() {
        SlotScheduler s = scheduler(3, 1);   // slots ~6.7 ms apart: coalescing never delays them
        WakePlanner planner = new WakePlanner(s, new SlotDriver.Tuning(0, 0, 200_000));
        sleepAsPlanned(clock, planner, 1_000_000_000L);
        assertEquals(0, s.intervalJitter(null).getMaxValue());
        assertEquals(150, s.slotsFired(), 3);
    }

    @Test
    void anOverloadedSchedulerGivesTheThreadBackAfterMaxRun() {
        // every send costs 10 µs of clock time: 1000 links at m=5 need 2.5 s per second
        SlotScheduler s = new SlotScheduler(clock, SlotScheduler.Config.defaults(0));
        RateClass rc = s.newRateClass("test", 5);
        for (int i = 0; i < 1000; i++) {
            s.addLink(rc, (cell, off) -> {
                clock.advance(10_000, TimeUnit.NANOSECONDS);
                return true;
            });
        }
        WakePlanner planner = new WakePlanner(s, new SlotDriver.Tuning(0, 1_000_000, 200_000));
        clock.setNanoTime(1_000_000);  // ≈ 250 slots are due
        for (int wake = 0; wake < 100; wake++) {
            long before = clock.nanoTime();
            assertEquals(0, planner.fireAndPlan(), "still behind: come back at once");
            long held = clock.nanoTime() - before;
            // the pass that crosses the 1 ms bound fires at most SLOTS_PER_PASS more slots
            assertTrue(held <= 1_000_000 + WakePlanner.SLOTS_PER_PASS * 10_000L, "held the thread " + held + " ns");
        }
        assertTrue(s.lateSlots() > 0);
    }

    @Test
    void anOverloadedSchedulerSendsAtFullCapacityAndSkipsOnlyTheExcess() {
        // 1000 links at m=5 with 5 µs per send need 1.25 s per second: capacity is 200,000 slots/s
        SlotScheduler s = new SlotScheduler(clock, SlotScheduler.Config.defaults(0));
        RateClass rc = s.newRateClass("test", 5);
        for (int i = 0; i < 1000; i++) {
            s.addLink(rc, (cell, off) -> {
                clock.advance(5_000, TimeUnit.NANOSECONDS);
                return true;
            });
        }
        WakePlanner planner = new WakePlanner(s, SlotDriver.Tuning.defaults());
        sleepAsPlanned(clock, planner, 6_000_000_000L);
        long fired = s.slotsFired();
        sleepAsPlanned(clock, planner, 7_000_000_000L);
        assertEquals(200_000, s.slotsFired() - fired, 2_000, "sends at capacity, never idles while behind");
        assertTrue(s.skippedSlots() > 0, "the excess beyond the 1 s catch-up bound is skipped");
    }

    @Test
    void afterAStallOneWakeUpCatchesUpWithoutCoalescingOverdueSlots() {
        SlotScheduler s = scheduler(1000, 5);
        WakePlanner planner = new WakePlanner(s, SlotDriver.Tuning.defaults());
        clock.setNanoTime(1_500_000_000L);  // stalled 1.5 s: 375,000 slots due, the oldest 0.5 s beyond the bound
        long delay = planner.fireAndPlan();
        assertTrue(s.nextDeadlineNanos() - clock.nanoTime() > 0, "caught up in one wake-up");
        assertEquals(1_500_000_000L + delay, s.nextDeadlineNanos(), 200_000);
        assertEquals(125_000, s.skippedSlots(), 1_000);
        assertEquals(250_000, s.slotsFired(), 1_000);
    }

    @Test
    void withNoLinksTheDriverSleepsOneTick() {
        SlotScheduler s = new SlotScheduler(clock, SlotScheduler.Config.defaults(0));
        assertEquals(SlotTiming.TICK_NANOS, new WakePlanner(s, SlotDriver.Tuning.defaults()).fireAndPlan());
    }
}
