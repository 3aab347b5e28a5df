package org.herd.core.sched;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import org.HdrHistogram.Histogram;
import org.herd.core.time.ManualClock;
import org.herd.core.wire.Bytes;
import org.herd.core.wire.Cell;
import org.herd.core.wire.CellCommand;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class SlotSchedulerTest {

    private static final long TICK = 20_000_000L;
    private static final int HALF = 1 << 15;

    private final ManualClock clock = new ManualClock();
    private SlotScheduler scheduler = new SlotScheduler(clock, SlotScheduler.Config.defaults(0));

    /** Moves the clock to each next deadline up to {@code end} and fires; returns slots fired. */
    private int runUntil(SlotScheduler s, long end) {
        int fired = 0;
        while (s.nextDeadlineNanos() - end <= 0) {
            clock.setNanoTime(Math.max(clock.nanoTime(), s.nextDeadlineNanos()));
            fired += s.doWork(clock.nanoTime());
        }
        clock.setNanoTime(Math.max(clock.nanoTime(), end));
        return fired;
    }

    private static byte[] payloadCell(int marker) {
        byte[] cell = new byte[Cell.SIZE];
        new Cell().wrap(cell, 0).circuitId(7).command(CellCommand.RELAY);
        Bytes.putInt(cell, Cell.PAYLOAD_OFFSET, marker);
        return cell;
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 2, 5, 10})
    void sendsExactlyMCellsPerTickAtEvenlySpacedOffsets(int m) {
        RateClass rc = scheduler.newRateClass("test", m);
        RecordingTransmitter a = new RecordingTransmitter(clock);
        RecordingTransmitter b = new RecordingTransmitter(clock);
        clock.setNanoTime(1);
        scheduler.addLink(rc, a, 0, new ChaffSource());     // phase 0: slot 0 of tick 0 (t=0) is past
        scheduler.addLink(rc, b, HALF, new ChaffSource());  // half an interval later
        List<Long> expectedA = new ArrayList<>();
        List<Long> expectedB = new ArrayList<>();
        long interval = 20_000_000L / m;
        for (int tick = 0; tick < 3; tick++) {
            for (int j = 0; j < m; j++) {
                long t = tick * 20_000_000L + j * interval;
                if (t >= 1) {
                    expectedA.add(t);
                }
                expectedB.add(t + interval / 2);
            }
        }
        List<Long> all = new ArrayList<>(expectedA);
        all.addAll(expectedB);
        all.sort(null);
        int sent = 0;
        for (long deadline : all) {
            clock.setNanoTime(deadline - 1);
            assertEquals(0, scheduler.doWork(clock.nanoTime()), "nothing 1 ns before " + deadline);
            assertEquals(sent, a.times.size() + b.times.size());
            clock.setNanoTime(deadline);
            assertEquals(1, scheduler.doWork(clock.nanoTime()), "one slot at " + deadline);
            sent++;
        }
        assertEquals(expectedA, a.times);
        assertEquals(expectedB, b.times);
        assertEquals(0, scheduler.lateSlots());
        Histogram jitter = scheduler.intervalJitter(null);
        assertEquals(all.size(), jitter.getTotalCount());
        assertEquals(0, jitter.getMaxValue());
    }

    @Test
    void payloadLeavesInTheNextFreeSlotAndChaffFillsTheRest() {
        RateClass rc = scheduler.newRateClass("test", 5); // slots at 0, 4, 8, 12, 16 ms
        RecordingTransmitter tx = new RecordingTransmitter(clock);
        LinkSender link = scheduler.addLink(rc, tx, 0, new ChaffSource());
        runUntil(scheduler, 9_000_000);                     // slots at 0, 4, 8 ms: chaff
        assertTrue(link.offer(payloadCell(1), 0, clock.nanoTime()));
        runUntil(scheduler, 11_999_999);
        assertEquals(3, tx.times.size(), "nothing before the 12 ms slot");
        runUntil(scheduler, 12_000_000);
        assertEquals(12_000_000L, tx.times.get(3));
        assertEquals(CellCommand.RELAY, tx.commandAt(3));
        assertEquals(1, Bytes.getInt(tx.cells.get(3), Cell.PAYLOAD_OFFSET));
        assertEquals(3_000_000L, link.lastQueueDelayNanos());
        // three at once go out in the three following slots, in order
        for (int i = 2; i <= 4; i++) {
            assertTrue(link.offer(payloadCell(i), 0, clock.nanoTime()));
        }
        runUntil(scheduler, 40_000_000);
        for (int i = 0; i < tx.times.size(); i++) {
            boolean payload = i >= 3 && i <= 6;
            assertEquals(payload ? CellCommand.RELAY : CellCommand.PADDING, tx.commandAt(i), "slot " + i);
            if (payload) {
                assertEquals(i - 2, Bytes.getInt(tx.cells.get(i), Cell.PAYLOAD_OFFSET));
            }
        }
        assertEquals(11, tx.times.size());
        assertEquals(4, link.payloadCellsSent());
        assertEquals(7, link.chaffCellsSent());
        Histogram delay = scheduler.intervalQueueDelay(null);
        assertEquals(4, delay.getTotalCount());
        assertEquals(12_000_000L, delay.getMaxValue(), 12_000_000L / 50); // third cell waited 3 slots
    }

    @Test
    void idleAndFullyLoadedLinksHaveIdenticalSendTimes() {
        long seed = System.nanoTime();
        System.out.println("idleAndFullyLoadedLinksHaveIdenticalSendTimes seed=" + seed);
        SplittableRandom random = new SplittableRandom(seed);
        SlotScheduler idle = new SlotScheduler(clock, SlotScheduler.Config.defaults(0));
        SlotScheduler busy = new SlotScheduler(clock, SlotScheduler.Config.defaults(0));
        RecordingTransmitter idleTx = new RecordingTransmitter(clock);
        RecordingTransmitter busyTx = new RecordingTransmitter(clock);
        idle.addLink(idle.newRateClass("i", 3), idleTx);
        LinkSender busyLink = busy.addLink(busy.newRateClass("b", 3), busyTx);
        byte[] cell = payloadCell(9);
        while (clock.nanoTime() < 1_000_000_000L) {
            clock.advance(random.nextLong(1, 3_000_000), java.util.concurrent.TimeUnit.NANOSECONDS);
            while (busyLink.queuedCells() < busyLink.queueCapacity()) {
                busyLink.offer(cell, 0, clock.nanoTime());
            }
            idle.doWork(clock.nanoTime());
            busy.doWork(clock.nanoTime());
        }
        assertEquals(idleTx.times, busyTx.times);
        assertEquals(150, idleTx.times.size(), 1);
        assertEquals(0, busyLink.chaffCellsSent());
        assertEquals(busyTx.times.size(), busyLink.payloadCellsSent());
        for (int i = 0; i < idleTx.times.size(); i++) {
            assertEquals(CellCommand.PADDING, idleTx.commandAt(i));
            assertEquals(idleTx.cells.get(i).length, busyTx.cells.get(i).length);
        }
    }

    @Test
    void queueOverflowIsDroppedAndCounted() {
        RateClass rc = scheduler.newRateClass("test", 1);
        RecordingTransmitter tx = new RecordingTransmitter(clock);
        clock.setNanoTime(1); // the slot of tick 0 is past: nothing is sent before 20 ms
        LinkSender link = scheduler.addLink(rc, tx, 0, new ChaffSource());
        int accepted = 0;
        for (int i = 0; i < 11; i++) {
            accepted += link.offer(payloadCell(i), 0, clock.nanoTime()) ? 1 : 0;
        }
        assertEquals(8, accepted);
        assertEquals(3, link.droppedCells());
        assertEquals(8, link.queuedCells());
        runUntil(scheduler, 10 * TICK);
        assertEquals(10, tx.times.size());
        for (int i = 0; i < 8; i++) {
            assertEquals(i, Bytes.getInt(tx.cells.get(i), Cell.PAYLOAD_OFFSET));
        }
        assertEquals(CellCommand.PADDING, tx.commandAt(8));
        assertTrue(link.offer(payloadCell(99), 0, clock.nanoTime()), "room again once sent");
    }

    @Test
    void aStallIsCaughtUpEveryMissedSlotLateAndTheCountPerSecondExact() {
        RateClass rc = scheduler.newRateClass("test", 5);
        RecordingTransmitter tx = new RecordingTransmitter(clock);
        LinkSender link = scheduler.addLink(rc, tx, HALF, new ChaffSource()); // 2, 6, 10, 14, 18 ms
        runUntil(scheduler, 300_000_000L);
        assertEquals(0, scheduler.lateSlots());
        int before = tx.times.size();
        // stall: the thread wakes 7 slots (28 ms) plus 1.5 ms after the next deadline, so even
        // the last of the 8 slots is later than the 1 ms threshold
        long stallEnd = scheduler.nextDeadlineNanos() + 7 * 4_000_000L + 1_500_000L;
        clock.setNanoTime(stallEnd);
        assertEquals(8, scheduler.doWork(clock.nanoTime()));
        assertEquals(before + 8, tx.times.size());
        assertEquals(8, link.lateSlots());
        assertEquals(8, scheduler.lateSlots());
        runUntil(scheduler, 2_000_000_000L);
        assertEquals(8, scheduler.lateSlots(), "no late slot after the catch-up");
        int[] perSecond = new int[2];
        for (long t : tx.times) {
            perSecond[(int) (t / 1_000_000_000L)]++;
        }
        assertArrayEquals(new int[] {250, 250}, perSecond);
        Histogram jitter = scheduler.intervalJitter(null);
        assertEquals(29_500_000L, jitter.getMaxValue(), 29_500_000L / 50);
    }

    @Test
    void slotsBeyondTheCatchUpBoundAreSkippedAndCounted() {
        scheduler = new SlotScheduler(clock, SlotScheduler.Config.defaults(0).withMaxCatchUpNanos(100_000_000L));
        RecordingTransmitter tx = new RecordingTransmitter(clock);
        LinkSender link = scheduler.addLink(scheduler.newRateClass("test", 1), tx, 0, new ChaffSource());
        runUntil(scheduler, 0);
        // slots 1..50 (20..1000 ms) missed; 46..50 are within 100 ms and all more than 1 ms late
        clock.setNanoTime(1_002_000_000L);
        scheduler.doWork(clock.nanoTime());
        assertEquals(45, link.skippedSlots());
        assertEquals(45, scheduler.skippedSlots());
        assertEquals(1 + 5, tx.times.size());
        assertEquals(5, link.lateSlots());
    }

    @Test
    void aLinkThatOnlyCarriesChaffHoldsNoPayloadRing() {
        RateClass rc = scheduler.newRateClass("client", 2);
        RecordingTransmitter idleTx = new RecordingTransmitter(clock);
        RecordingTransmitter busyTx = new RecordingTransmitter(clock);
        LinkSender idle = scheduler.addLink(rc, idleTx);
        LinkSender busy = scheduler.addLink(rc, busyTx);
        runUntil(scheduler, 5 * TICK);
        assertTrue(!idle.holdsRing() && !busy.holdsRing(), "no ring before any payload");
        assertTrue(busy.offer(payloadCell(42), 0, clock.nanoTime()));
        runUntil(scheduler, 10 * TICK);
        assertTrue(busy.holdsRing(), "the first payload cell made the ring");
        assertTrue(!idle.holdsRing(), "the Chaff-only link still has none");
        assertEquals(1, busy.payloadCellsSent());
        long sent = busyTx.cells.stream().filter(c -> new Cell().wrap(c, 0).command() == CellCommand.RELAY
                && Bytes.getInt(c, Cell.PAYLOAD_OFFSET) == 42).count();
        assertEquals(1, sent, "the payload cell left through the lazily made ring");
    }

    /** Cells of {@code tx} that carry payload number {@code n}. */
    private static long payloadsNumbered(RecordingTransmitter tx, int n) {
        return tx.cells.stream().filter(c -> new Cell().wrap(c, 0).command() == CellCommand.RELAY
                && Bytes.getInt(c, Cell.PAYLOAD_OFFSET) == n).count();
    }

    /**
     * The upkeep drops the ring of a link that was offered nothing since the previous upkeep and
     * has sent every queued cell; never a ring with a cell still queued; the next offer makes a
     * new one and its cell leaves intact.
     */
    @Test
    void anIdleRingIsDroppedByTheUpkeepAndMadeAgainByTheNextOffer() {
        RateClass rc = scheduler.newRateClass("client", 1);
        RecordingTransmitter tx = new RecordingTransmitter(clock);
        LinkSender link = scheduler.addLink(rc, tx);
        assertTrue(link.offer(payloadCell(1), 0, clock.nanoTime()));
        assertTrue(link.offer(payloadCell(2), 0, clock.nanoTime()));
        assertFalse(link.releaseIdleQueue(), "offered since the last upkeep");
        assertFalse(link.releaseIdleQueue(), "cells still queued");
        assertTrue(link.holdsRing());
        runUntil(scheduler, 3 * TICK);
        assertEquals(1, payloadsNumbered(tx, 1));
        assertEquals(1, payloadsNumbered(tx, 2), "the queued cells left through the kept ring");
        assertTrue(link.releaseIdleQueue(), "idle and empty");
        assertFalse(link.holdsRing());
        assertFalse(link.releaseIdleQueue(), "nothing left to drop");
        runUntil(scheduler, 6 * TICK);
        assertTrue(link.offer(payloadCell(3), 0, clock.nanoTime()));
        assertTrue(link.holdsRing());
        runUntil(scheduler, 9 * TICK);
        assertEquals(1, payloadsNumbered(tx, 3), "the next payload cell left through a new ring");
        assertEquals(3, link.payloadCellsSent());
    }

    @Test
    void aFastClassQueuesOneTickOfCellsAndFollowsItsRate() {
        RateClass mixLinks = scheduler.newRateClass("intra-zone-mix", 140, 256);
        RecordingTransmitter tx = new RecordingTransmitter(clock);
        clock.setNanoTime(1);
        LinkSender link = scheduler.addLink(mixLinks, tx, 0, new ChaffSource());
        assertEquals(140, link.queueCapacity(), "one tick at rate 140");
        int accepted = 0;
        for (int i = 0; i < 200; i++) {
            accepted += link.offer(payloadCell(i), 0, clock.nanoTime()) ? 1 : 0;
        }
        assertEquals(140, accepted, "a burst of one tick's cells is queued, not dropped");
        assertEquals(60, link.droppedCells());
        runUntil(scheduler, 2 * TICK - 1);                       // tick 1 sends them all
        assertEquals(0, link.queuedCells());
        mixLinks.scheduleRate(4, 5);
        runUntil(scheduler, 5 * TICK + 1);
        assertEquals(8, link.queueCapacity(), "at rate 4 the scheduler's minimum of 8 cells");
        for (int i = 0; i < 20; i++) {
            link.offer(payloadCell(i), 0, clock.nanoTime());
        }
        assertEquals(8, link.queuedCells(), "the bound falls with the rate: at most 8 x 5 ms of delay");
        assertThrows(IllegalArgumentException.class, () -> scheduler.newRateClass("bad", 1, 100));
        assertThrows(IllegalArgumentException.class, () -> scheduler.newRateClass("small", 1, 4));
        assertEquals(8, scheduler.newRateClass("client", 2).queueCapacity());
    }

    @Test
    void rateChangeAppliesExactlyAtTheAnnouncedTickOnEveryLinkOfTheClass() {
        RateClass zone = scheduler.newRateClass("sp-mix", 2);
        RateClass other = scheduler.newRateClass("client", 2);
        List<RecordingTransmitter> zoneTx = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            RecordingTransmitter tx = new RecordingTransmitter(clock);
            zoneTx.add(tx);
            scheduler.addLink(zone, tx);
        }
        RecordingTransmitter otherTx = new RecordingTransmitter(clock);
        scheduler.addLink(other, otherTx);
        runUntil(scheduler, 3 * TICK + 5_000_000);               // in tick 3
        assertThrows(IllegalArgumentException.class, () -> zone.scheduleRate(5, 4)); // too soon
        assertThrows(IllegalArgumentException.class, () -> zone.scheduleRate(0, 10));
        zone.scheduleRate(5, 10);
        runUntil(scheduler, 20 * TICK - 1);
        for (RecordingTransmitter tx : zoneTx) {
            int[] perTick = perTick(tx, 20);
            for (int t = 0; t < 20; t++) {
                assertEquals(t < 10 ? 2 : 5, perTick[t], "tick " + t);
            }
        }
        int[] otherPerTick = perTick(otherTx, 20);
        for (int t = 0; t < 20; t++) {
            assertEquals(2, otherPerTick[t], "other class, tick " + t);
        }
        // a second change folds the first in, once every link is past it
        zone.scheduleRate(1, 25);
        runUntil(scheduler, 30 * TICK - 1);
        int[] perTick = perTick(zoneTx.get(0), 30);
        assertEquals(5, perTick[24]);
        assertEquals(1, perTick[25]);
        assertEquals(1, perTick[29]);
        assertEquals(0, scheduler.lateSlots());
    }

    private static int[] perTick(RecordingTransmitter tx, int ticks) {
        int[] count = new int[ticks];
        for (long t : tx.times) {
            count[(int) (t / TICK)]++;
        }
        return count;
    }

    @Test
    void aReplacedPendingChangeNeverTakesEffect() {
        RateClass rc = scheduler.newRateClass("mix-mix", 1);
        RecordingTransmitter tx = new RecordingTransmitter(clock);
        scheduler.addLink(rc, tx);
        rc.scheduleRate(4, 5);
        rc.scheduleRate(3, 8);
        runUntil(scheduler, 10 * TICK - 1);
        int[] perTick = perTick(tx, 10);
        assertArrayEquals(new int[] {1, 1, 1, 1, 1, 1, 1, 1, 3, 3}, perTick);
    }

    @Test
    void chaffIsAWholeDefinedCellWithASequenceNumberAndTheReceiverDiscardsIt() {
        RecordingTransmitter tx = new RecordingTransmitter(clock);
        LinkSender link = scheduler.addLink(scheduler.newRateClass("test", 2), tx);
        runUntil(scheduler, 3 * TICK);
        link.offer(payloadCell(5), 0, clock.nanoTime());
        runUntil(scheduler, 6 * TICK);
        ChaffFilter filter = new ChaffFilter();
        int chaff = 0;
        int payload = 0;
        for (int i = 0; i < tx.cells.size(); i++) {
            byte[] cell = tx.cells.get(i);
            assertEquals(Cell.SIZE, cell.length);
            int verdict = filter.classify(cell, 0);
            if (tx.commandAt(i) == CellCommand.PADDING) {
                assertEquals(ChaffFilter.CHAFF, verdict);
                assertEquals(0, Bytes.getInt(cell, 0));
                assertEquals(chaff, Bytes.getLong(cell, ChaffSource.SEQUENCE_OFFSET));
                for (int b = ChaffSource.FILLER_OFFSET; b < Cell.SIZE; b++) {
                    assertEquals(0, cell[b], "filler byte " + b);
                }
                chaff++;
            } else {
                assertEquals(ChaffFilter.PAYLOAD, verdict);
                payload++;
            }
        }
        assertEquals(1, payload);
        assertEquals(chaff, filter.chaffCells());
        assertEquals(1, filter.payloadCells());
        assertEquals(0, filter.chaffSequenceGaps());
        assertEquals(link.chaffCellsSent(), chaff);
    }

    @Test
    void receiverCountsLostChaffAndDropsMalformedCells() {
        ChaffSource source = new ChaffSource(new SplittableRandom(42));
        ChaffFilter filter = new ChaffFilter();
        assertEquals(ChaffFilter.CHAFF, filter.classify(source.next().clone(), 0));
        source.next();                                          // lost on the way
        byte[] third = source.next().clone();
        assertEquals(ChaffFilter.CHAFF, filter.classify(third, 0));
        assertEquals(1, filter.chaffSequenceGaps());
        byte[] fourth = source.next();
        assertArrayEquals(Arrays.copyOfRange(third, ChaffSource.FILLER_OFFSET, Cell.SIZE),
                Arrays.copyOfRange(fourth, ChaffSource.FILLER_OFFSET, Cell.SIZE),
                "the seeded filler is drawn once per link");
        assertFalse(Arrays.equals(new byte[Cell.SIZE - ChaffSource.FILLER_OFFSET],
                Arrays.copyOfRange(fourth, ChaffSource.FILLER_OFFSET, Cell.SIZE)), "seeded filler is not zero");
        byte[] onCircuit = third.clone();
        Bytes.putInt(onCircuit, 0, 12);
        assertEquals(ChaffFilter.MALFORMED, filter.classify(onCircuit, 0));
        assertEquals(ChaffFilter.MALFORMED, filter.classify(new byte[100], 0));
        assertEquals(ChaffFilter.MALFORMED, filter.classify(new byte[Cell.SIZE], 1));
        assertEquals(3, filter.malformedCells());
        assertEquals(2, filter.chaffCells());
        byte[] unknown = new byte[Cell.SIZE];
        unknown[Cell.COMMAND_OFFSET] = (byte) 200;
        assertEquals(ChaffFilter.PAYLOAD, filter.classify(unknown, 0), "unknown commands go on, for the circuit layer to judge");
    }

    @Test
    void aFailingTransmitterIsCountedAndTheScheduleGoesOn() {
        int[] calls = new int[1];
        LinkSender bad = scheduler.addLink(scheduler.newRateClass("bad", 5), (cell, off) -> {
            calls[0]++;
            if (calls[0] % 2 == 0) {
                throw new IllegalStateException("socket closed");
            }
            return false;
        });
        RecordingTransmitter good = new RecordingTransmitter(clock);
        scheduler.addLink(scheduler.newRateClass("good", 5), good);
        runUntil(scheduler, TICK * 10 - 1);
        assertEquals(50, calls[0]);
        assertEquals(50, bad.transmitFailures());
        assertEquals(50, good.times.size());
    }

    @Test
    void aRemovedLinkSendsNothingMoreAndRefusesPayload() {
        RecordingTransmitter a = new RecordingTransmitter(clock);
        RecordingTransmitter b = new RecordingTransmitter(clock);
        RateClass rc = scheduler.newRateClass("test", 2);
        LinkSender la = scheduler.addLink(rc, a);
        scheduler.addLink(rc, b);
        runUntil(scheduler, TICK - 1);
        scheduler.removeLink(la);
        assertFalse(la.isScheduled());
        assertFalse(la.offer(payloadCell(1), 0, 0));
        runUntil(scheduler, 5 * TICK - 1);
        assertEquals(2, a.times.size());
        assertEquals(10, b.times.size());
        assertEquals(1, scheduler.linkCount());
    }

    @Test
    void goldenPhasesSpreadTwoHundredLinksEvenly() {
        RateClass rc = scheduler.newRateClass("test", 1);
        List<LinkSender> links = new ArrayList<>();
        for (int i = 0; i < 200; i++) {
            links.add(scheduler.addLink(rc, (cell, off) -> true));
        }
        long[] offsets = links.stream().mapToLong(LinkSender::nextDeadlineNanos).sorted().toArray();
        long maxGap = TICK - offsets[offsets.length - 1] + offsets[0];
        for (int i = 1; i < offsets.length; i++) {
            maxGap = Math.max(maxGap, offsets[i] - offsets[i - 1]);
        }
        // even spacing would be 100 µs; the golden-ratio sequence keeps every gap within 2.7×
        assertTrue(maxGap <= 270_000L, "largest gap " + maxGap + " ns");
        assertTrue(Arrays.stream(offsets).distinct().count() == 200);
    }

    @Test
    void ticksAlignedToTheWallClockAreNumberedFromTheEpoch() {
        ManualClock wall = new ManualClock(5_000_000_123L, 1_767_225_600_013L); // 13 ms into a tick
        SlotScheduler s = new SlotScheduler(wall, SlotScheduler.Config.alignedToWallClock(wall));
        assertEquals(1_767_225_600_000L / 20, s.currentTick());
        assertEquals(5_000_000_123L - 13_000_000L, s.tickStartNanos(s.currentTick()));
        wall.advance(7, java.util.concurrent.TimeUnit.MILLISECONDS);
        assertEquals(1_767_225_600_000L / 20 + 1, s.currentTick());
    }

    @Test
    void firingSlotsAllocatesNothing() {
        com.sun.management.ThreadMXBean threads =
                (com.sun.management.ThreadMXBean) java.lang.management.ManagementFactory.getThreadMXBean();
        RateClass rc = scheduler.newRateClass("test", 5);
        byte[] cell = payloadCell(3);
        List<LinkSender> links = new ArrayList<>();
        for (int i = 0; i < 200; i++) {
            links.add(scheduler.addLink(rc, (c, off) -> c[off] == 0));
        }
        long end = 0;
        for (int round = 0; round < 2; round++) {   // round 0 warms up (JIT, class loading)
            long before = threads.getThreadAllocatedBytes(Thread.currentThread().getId());
            end += 2_000_000_000L;
            int fired = 0;
            while (clock.nanoTime() < end) {
                clock.setNanoTime(clock.nanoTime() + 250_000);
                links.get((int) (clock.nanoTime() / 250_000) % 200).offer(cell, 0, clock.nanoTime());
                fired += scheduler.doWork(clock.nanoTime());
            }
            long allocated = threads.getThreadAllocatedBytes(Thread.currentThread().getId()) - before;
            assertEquals(200 * 5 * 50 * 2, fired, 200);
            if (round == 1) {
                assertTrue(allocated < 1024, allocated + " bytes allocated for " + fired + " slots");
            }
        }
    }
}
