package org.herd.core.directory;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class EpochScheduleTest {

    @Test
    void epochsAreHalfOpenIntervalsFromTheOrigin() {
        EpochSchedule s = new EpochSchedule(1_000, 250);
        assertEquals(0, s.epochAt(1_000));
        assertEquals(0, s.epochAt(1_249));
        assertEquals(1, s.epochAt(1_250));
        assertEquals(1_250, s.startMillis(1));
        assertEquals(250, s.millisUntilNextEpoch(1_000));
        assertEquals(1, s.millisUntilNextEpoch(1_249));
        assertThrows(IllegalArgumentException.class, () -> s.epochAt(999));
        assertThrows(IllegalArgumentException.class, () -> s.startMillis(-1));
    }

    @Test
    void zonePairsAreCanonicalAndZoneNamesAreDnsLabels() {
        assertEquals(RateScope.interZone("beta", "alpha"), RateScope.interZone("alpha", "beta"));
        assertEquals("beta", RateScope.interZone("beta", "alpha").otherZone("alpha"));
        assertThrows(IllegalArgumentException.class, () -> RateScope.interZone("alpha", "alpha"));
        assertThrows(IllegalArgumentException.class, () -> RateScope.intraZone("Alpha"));
        assertThrows(IllegalArgumentException.class, () -> RateScope.intraZone("-alpha"));
        assertThrows(IllegalArgumentException.class, () -> new RateScope(LinkClass.SUPERPEER, "alpha", "beta"));
        assertEquals(LinkClass.INTER_ZONE_MIX, LinkClass.fromCode("inter-zone-mix"));
        assertThrows(IllegalArgumentException.class, () -> LinkClass.fromCode("INTER_ZONE_MIX"));
    }
}
