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
     * The most consecutive seconds over which a stall may spread the slots it shifts. 2 (the pair
     * of seconds either side of the boundary it straddles) holds on a quiet machine; at a load
     * average of 25-35 on this 2-core machine a starved sender fell behind at three consecutive
     * boundaries ([74, 116, 67, 143] at 100/s, each group summing exactly), so 4.
     */
    static final int MAX_GROUP = 4;

    /**
     * Datagram counts per second of {@code direction} over {@code seconds} whole seconds from about
     * {@code from}, for a link of {@code rate} cells per tick, with one guard second on each side
     * (index 0 and {@code seconds + 1}): a stall at the window's edge shifts slots into the guard.
     * Each one-second bin begins half a slot away from where this direction's slots fall
     * (circular mean of the arrival phases within one slot interval, 20 ms / rate), so a slot must
     * be more than half a slot late to change bins.
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
        long start = from + phase + slot / 2 - SECOND;
        int[] counts = new int[seconds + 2];
        for (Observation o : seen) {
            if (o.direction() != direction) {
                continue;
            }
            long at = o.nanoTime() - start;
            if (at >= 0 && at < counts.length * SECOND) {
                counts[(int) (at / SECOND)]++;
            }
        }
        return counts;
    }

    /**
     * Empty if {@code guarded} (counts per second with a guard second at each end, as
     * {@link #perSecond} returns them) show the constant rate {@code perSecond}, else why not.
     * Each second inside the guards carries {@code perSecond} datagrams ±1. The one allowance: a
     * stall of a sender (or of the observer) moves slots across a second boundary, which shows as
     * a pair such as 398, 402 — each tick's count stays exact (missed slots are sent late, back to
     * back, never dropped, never early), so a second off by more than one must lie in a group of
     * at most {@link #MAX_GROUP} consecutive seconds (a guard may be one of them) that together
     * carry exactly their share ±1 and in which the count never runs ahead of the schedule (every
     * prefix of the group carries at most its share +1: a stall makes slots late, never early, so
     * 409, 391 is not a stall), and the whole window — extended by a guard where a stall
     * straddled its edge — carries its share ±1. Extra or missing cells (a call's, or a cut
     * upstream link's) show in every group and fail. Nothing depends on the payload.
     */
    static String check(String what, int[] guarded, int perSecond) {
        int n = guarded.length - 2;
        if (n < 1) {
            return what + ": no whole second observed";
        }
        for (int s = 1; s <= n; s++) {
            if (Math.abs(guarded[s] - perSecond) <= 1) {
                continue;
            }
            if (!inExactGroup(guarded, s, perSecond)) {
                return what + ": second " + (s - 1) + " carried " + guarded[s] + " datagrams, expected " + perSecond
                        + " ±1 (or a stall shifting slots into a neighbour): " + Arrays.toString(guarded) + " (guards at the ends)";
            }
            System.out.println("ConstantRate: " + what + ": second " + (s - 1) + " carried " + guarded[s]
                    + " (slots shifted across a boundary by a stall): " + Arrays.toString(guarded) + " (guards at the ends)");
        }
        for (int a = 1; a >= 0; a--) {
            for (int b = n; b <= n + 1; b++) {
                if (Math.abs(sum(guarded, a, b) - (b - a + 1) * perSecond) <= 1) {
                    return "";
                }
            }
        }
        return what + ": " + sum(guarded, 1, n) + " datagrams in " + n + " s, expected " + n * perSecond
                + " ±1 (also with a guard second): " + Arrays.toString(guarded) + " (guards at the ends)";
    }

    private static boolean inExactGroup(int[] counts, int s, int perSecond) {
        for (int length = 2; length <= MAX_GROUP; length++) {
            for (int a = Math.max(0, s - length + 1); a <= s && a + length <= counts.length; a++) {
                if (Math.abs(sum(counts, a, a + length - 1) - length * perSecond) <= 1 && neverEarly(counts, a, length, perSecond)) {
                    return true;
                }
            }
        }
        return false;
    }

    private static boolean neverEarly(int[] counts, int from, int length, int perSecond) {
        int prefix = 0;
        for (int i = 0; i < length; i++) {
            prefix += counts[from + i];
            if (prefix > (i + 1) * perSecond + 1) {
                return false;
            }
        }
        return true;
    }

    private static int sum(int[] counts, int from, int to) {
        int sum = 0;
        for (int i = from; i <= to; i++) {
            sum += counts[i];
        }
        return sum;
    }
}
