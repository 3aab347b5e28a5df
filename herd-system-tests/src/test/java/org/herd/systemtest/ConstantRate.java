package org.herd.systemtest;

import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.herd.gateway.devnet.ImpairmentRelay.Direction;
import org.herd.gateway.devnet.ImpairmentRelay.Observation;

/**
 * What a wire observer checks on one direction of a constant-rate link (§3.4): per-second
 * datagram counts, binned the way a careful observer bins them, and the one check every system
 * test applies to them ({@link #check}). Shared by {@link LinkSystemTest} and
 * {@link WireInvariantsSystemTest} so the tolerance is one piece of code.
 */
final class ConstantRate {

    /** One tick, 20 ms: a link of rate m sends m evenly spaced slots per tick ({@code SlotTiming}). */
    static final long TICK_NANOS = TimeUnit.MILLISECONDS.toNanos(20);
    private static final long SECOND = TimeUnit.SECONDS.toNanos(1);

    private ConstantRate() {
    }

    /**
     * Datagram counts per second of {@code direction} over {@code seconds} whole seconds from about
     * {@code from}, for a link of {@code rate} cells per tick. Each one-second bin begins half a
     * slot away from where this direction's slots fall (circular mean of the arrival phases within
     * one slot interval, 20 ms / rate), so a slot must be more than half a slot late to change bins.
     */
    static int[] perSecond(List<Observation> seen, Direction direction, long from, int seconds, int rate) {
        long slot = TICK_NANOS / rate;
        long to = from + seconds * SECOND;
        double x = 0;
        double y = 0;
        for (Observation o : seen) {
            if (o.direction() == direction && o.nanoTime() - from >= 0 && o.nanoTime() - to < 0) {
                double angle = 2 * Math.PI * Math.floorMod(o.nanoTime() - from, slot) / slot;
                x += Math.cos(angle);
                y += Math.sin(angle);
            }
        }
        long phase = (long) ((Math.atan2(y, x) / (2 * Math.PI) + 1) % 1 * slot);
        long start = from + phase + slot / 2;
        int[] counts = new int[seconds];
        for (Observation o : seen) {
            if (o.direction() != direction) {
                continue;
            }
            long at = o.nanoTime() - start;
            if (at >= 0 && at < seconds * SECOND) {
                counts[(int) (at / SECOND)]++;
            }
        }
        return counts;
    }

    /**
     * Empty if {@code counts} show the constant rate {@code perSecond}, else why not. Each second
     * carries {@code perSecond} datagrams ±1. The one allowance: a stall of a sender (or of the
     * observer) that moves a few slots across a second boundary shows as a pair such as 398, 402 —
     * each tick's count stays exact (missed slots are sent late, not dropped), so the two seconds
     * together must still carry 2 × {@code perSecond} ±1, and the whole window
     * {@code counts.length} × {@code perSecond} ±1. Nothing depends on the payload.
     */
    static String check(String what, int[] counts, int perSecond) {
        if (counts.length == 0) {
            return what + ": no whole second observed";
        }
        int total = 0;
        for (int s = 0; s < counts.length; s++) {
            total += counts[s];
            if (Math.abs(counts[s] - perSecond) <= 1) {
                continue;
            }
            boolean shiftedFromPrevious = s > 0 && Math.abs(counts[s - 1] + counts[s] - 2 * perSecond) <= 1;
            boolean shiftedToNext = s + 1 < counts.length && Math.abs(counts[s] + counts[s + 1] - 2 * perSecond) <= 1;
            if (!shiftedFromPrevious && !shiftedToNext) {
                return what + ": second " + s + " carried " + counts[s] + " datagrams, expected " + perSecond
                        + " ±1 (or a stall shifting slots into a neighbour): " + Arrays.toString(counts);
            }
            System.out.println("ConstantRate: " + what + ": second " + s + " carried " + counts[s]
                    + " (slots shifted across a boundary by a stall): " + Arrays.toString(counts));
        }
        if (Math.abs(total - counts.length * perSecond) > 1) {
            return what + ": " + total + " datagrams in " + counts.length + " s, expected " + counts.length * perSecond
                    + " ±1: " + Arrays.toString(counts);
        }
        return "";
    }
}
