package org.herd.systemtest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.herd.gateway.devnet.ImpairmentRelay.Direction;
import org.herd.gateway.devnet.ImpairmentRelay.Observation;
import org.junit.jupiter.api.Test;

/**
 * The wire observer's check on its own (no processes): what it accepts as a stall and what it
 * rejects as a change of rate, and its binning of evenly spaced slots.
 */
class ConstantRateTest {

    private static final int R = 400;

    private static boolean constant(int... guarded) {
        return ConstantRate.check("test", guarded, R).isEmpty();
    }

    @Test
    void exactAndJitteredSecondsPass() {
        assertTrue(constant(400, 400, 400, 400, 400));
        assertTrue(constant(400, 399, 401, 400, 400));
    }

    @Test
    void stallsThatMakeSlotsLatePass() {
        assertTrue(constant(400, 398, 402, 400, 400), "one boundary");
        assertTrue(constant(400, 74 * 4, 116 * 4, 67 * 4, 143 * 4, 400), "three boundaries, seen at load 35");
        assertTrue(constant(391, 409, 400, 400, 400), "a stall straddling the window's start: slots moved into the guard");
        assertTrue(constant(400, 400, 400, 391, 409), "... and its end");
        assertTrue(constant(403, 402, 374, 425, 401, 400, 400, 395, 339, 466, 400, 400), "a stall before the guard, seen at load 40");
    }

    @Test
    void changesOfRateFail() {
        assertFalse(constant(400, 402, 402, 402, 400), "two extra cells a second");
        assertFalse(constant(400, 400, 400, 409, 400, 400, 400), "a burst of extra cells");
        assertFalse(constant(400, 400, 409, 391, 400, 400), "slots early, then missing: not a stall");
        assertFalse(constant(400, 400, 350, 400, 400, 400, 400), "cells missing (a cut upstream link)");
        assertFalse(constant(400, 300, 400, 400, 400, 400, 500, 400), "behind for more than three boundaries");
        assertFalse(constant(400, 400, 400, 401, 401, 401, 400, 400, 400, 400), "one extra cell a second for 3 s");
        assertFalse(constant(400, 400, 400, 402, 400, 400, 400), "two extra cells once");
        assertFalse(constant(400, 400, 400, 398, 400, 400, 400), "two cells missing");
    }

    @Test
    void evenlySpacedSlotsFallOnePerBinPosition() {
        // Rate 8: a slot every 2.5 ms, starting 0.7 ms into the tick; 4 s plus guards.
        long slot = ConstantRate.TICK_NANOS / 8;
        List<Observation> seen = new ArrayList<>();
        for (long t = 700_000; t < 8_000_000_000L; t += slot) {
            seen.add(new Observation(t, Direction.FORWARD, 293, null));
        }
        int[] counts = ConstantRate.perSecond(seen, Direction.FORWARD, 2_000_000_000L, 4, 8);
        assertEquals(6, counts.length);
        for (int c : counts) {
            assertEquals(R, c, java.util.Arrays.toString(counts));
        }
    }
}
