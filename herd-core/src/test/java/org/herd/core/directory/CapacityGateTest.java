package org.herd.core.directory;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.herd.core.directory.CapacityGate.Admission;
import org.herd.core.time.ManualClock;
import org.junit.jupiter.api.Test;

class CapacityGateTest {

    private static final long EPOCH_MS = 10_000;
    private final ManualClock clock = new ManualClock();
    private final EpochSchedule schedule = new EpochSchedule(clock.epochMillis(), EPOCH_MS);

    @Test
    void admitsUpToTheCurrentRateAndRefusesBeyondWithoutQueueing() {
        RatePolicy policy = new RatePolicy(2, 4, 1, 32, 4, 2, 0.8, 0.4, 3, 1, 0);
        LinkRateController rates = new LinkRateController("alpha", policy, schedule, clock);
        RateScope intra = RateScope.intraZone("alpha");
        rates.addScope(intra);
        CapacityGate gate = new CapacityGate(intra, rates);
        for (int i = 0; i < 4; i++) {
            assertEquals(Admission.ADMITTED, gate.tryAdmit(1));
        }
        assertEquals(Admission.REFUSED_AT_CAPACITY, gate.tryAdmit(1));
        // A refusal reserves nothing: still 4 active, and a release makes room for exactly one.
        assertEquals(4, gate.activeCellsPerTick());
        gate.release(1);
        assertEquals(Admission.REFUSED_AT_CAPACITY, gate.tryAdmit(2));
        assertEquals(Admission.ADMITTED, gate.tryAdmit(1));
        assertEquals(5, gate.admittedCount());
        assertEquals(2, gate.refusedCount());
        assertThrows(IllegalStateException.class, () -> gate.release(5));
    }

    @Test
    void aRateChangeAppliesAtTheEpochBoundaryToTheNextCall() {
        RatePolicy policy = new RatePolicy(1, 4, 1, 32, 4, 2, 0.8, 0.4, 1, 1, 0);
        LinkRateController rates = new LinkRateController("alpha", policy, schedule, clock);
        RateScope sp = RateScope.superpeer("alpha");
        rates.addScope(sp);
        CapacityGate gate = new CapacityGate(sp, rates);
        for (int i = 0; i < 4; i++) {
            gate.tryAdmit(1);
        }
        // Saturated in epoch 0: the directory raises to 8 for epoch 2 (decided during epoch 1).
        clock.setEpochMillis(schedule.startMillis(1));
        rates.report(new UtilisationReport(TestKeys.key(1, 1), sp, 0, 4, 4, 4, 0, 0));
        assertEquals(8, rates.onEpoch().get(0).rateCellsPerTick());
        clock.setEpochMillis(schedule.startMillis(2) - 1);
        assertEquals(Admission.REFUSED_AT_CAPACITY, gate.tryAdmit(1), "the raise must not apply before its epoch");
        clock.setEpochMillis(schedule.startMillis(2));
        assertEquals(Admission.ADMITTED, gate.tryAdmit(1));
        assertEquals(0, gate.overCapacity());
    }

    @Test
    void aLoweredRateBelowTheActiveFlowsRefusesUntilEnoughAreReleased() {
        int[] rate = {6};
        RateScope pair = RateScope.interZone("alpha", "beta");
        CapacityGate gate = new CapacityGate(pair, s -> rate[0]);
        for (int i = 0; i < 6; i++) {
            assertEquals(Admission.ADMITTED, gate.tryAdmit(1));
        }
        rate[0] = 4;
        assertEquals(2, gate.overCapacity());
        gate.release(1);
        gate.release(1);
        assertEquals(Admission.REFUSED_AT_CAPACITY, gate.tryAdmit(1));
        gate.release(1);
        assertEquals(Admission.ADMITTED, gate.tryAdmit(1));
    }

    @Test
    void clientLinksCarryClientMultipleCalls() {
        RatePolicy policy = new RatePolicy(1, 8, 2, 32, 4, 2, 0.8, 0.4, 3, 1, 0);
        LinkRateController rates = new LinkRateController("alpha", policy, schedule, clock);
        RateScope client = RateScope.client("alpha");
        rates.addScope(client);
        CapacityGate gate = new CapacityGate(client, rates);
        assertEquals(Admission.ADMITTED, gate.tryAdmit(1));
        assertEquals(Admission.REFUSED_AT_CAPACITY, gate.tryAdmit(1), "a client link at 1u carries one call");
    }
}
