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
     * The most consecutive second boundaries at which a stall (and its catch-up) may leave a
     * sender (or the observer) more than one slot behind its schedule. 1 holds on a quiet machine
     * (a pair such as 398, 402); at a load average of 25-56 on this 2-core machine a starved
     * process stayed behind at three consecutive boundaries ([74, 116, 67, 143] at 100/s), so 3.
     */
    static final int MAX_BEHIND_RUN = 3;

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
     *
     * <p>Every tick's count is exact by construction (a stalled sender sends the slots it missed
     * late, back to back, never drops one and never sends one early), so the only thing a stall
     * of a sender or of the observer can do is leave the observed count behind the schedule for
     * a while. At each second boundary j let D(j) be how many slots the count is behind the
     * schedule (cumulative expected minus cumulative observed, offset by the value most
     * boundaries agree on within one slot). Then: D(j) ≥ −1 everywhere (never ahead: extra cells
     * or early slots fail); D(j) ≤ 1 except at most {@link #MAX_BEHIND_RUN} consecutive boundaries
     * at a time (a stall and its catch-up; missing cells fail); and every second inside the guards
     * whose two boundaries are on schedule carries {@code perSecond} ±1. So a pair such as 398, 402
     * passes and 409, 391 or one extra cell every second fails. Nothing depends on the payload.
     * A change within {@link #MAX_BEHIND_RUN} seconds of either end of the sequence cannot be told
     * from a stall there, so the tests put quiet seconds at both ends of what they check.
     */
    static String check(String what, int[] guarded, int perSecond) {
        int m = guarded.length;
        if (m < 3) {
            return what + ": no whole second observed";
        }
        long[] behind = new long[m + 1];
        for (int j = 1; j <= m; j++) {
            behind[j] = behind[j - 1] + perSecond - guarded[j - 1];
        }
        // The schedule's offset: the value v with the most boundaries at v or v + 1.
        long offset = 0;
        int best = -1;
        for (long candidate : behind) {
            for (long v = candidate - 1; v <= candidate; v++) {
                int agree = 0;
                for (long b : behind) {
                    agree += b - v == 0 || b - v == 1 ? 1 : 0;
                }
                if (agree > best || agree == best && v < offset) {
                    best = agree;
                    offset = v;
                }
            }
        }
        String counts = Arrays.toString(guarded) + " (guards at the ends)";
        int run = 0;
        for (int j = 0; j <= m; j++) {
            long d = behind[j] - offset;
            if (d < -1) {
                return what + ": " + -d + " datagrams ahead of the constant rate at second boundary " + (j - 1)
                        + " (extra cells or early slots; a stall only makes slots late): " + counts;
            }
            run = d > 1 ? run + 1 : 0;
            if (run > MAX_BEHIND_RUN) {
                return what + ": behind the constant rate at " + run + " consecutive second boundaries up to " + (j - 1)
                        + " (missing cells, or a stall longer than allowed): " + counts;
            }
        }
        for (int s = 1; s < m - 1; s++) {
            if (Math.abs(guarded[s] - perSecond) <= 1) {
                continue;
            }
            if (behind[s] - offset <= 1 && behind[s + 1] - offset <= 1) {
                return what + ": second " + (s - 1) + " carried " + guarded[s] + " datagrams, expected " + perSecond
                        + " ±1 (no stall around it): " + counts;
            }
            System.out.println("ConstantRate: " + what + ": second " + (s - 1) + " carried " + guarded[s]
                    + " (slots shifted by a stall): " + counts);
        }
        return "";
    }

}
