package org.herd.sim.anonymity;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class AnonymityModelTest {

    @Test
    void dracSetsFollowThePapersMedianDegreeEstimate() {
        // Degrees 1..4 (user 0 has none: not in the graph); median by nearest rank = 2.
        AnonymityModel m = new AnonymityModel(new int[] {0, 1, 2, 3, 4}, 1_000);
        assertEquals(4, m.nodes());
        assertEquals(2, m.medianDegree());
        assertEquals(2, m.drac(1, 0.5));
        assertEquals(2 * 2 * 2, m.drac(3, 0.5));
        assertEquals(4 * 2 * 2, m.drac(3, 0.9));
        assertEquals(24, m.dracBandwidth(0.75, 8), "degree 3 x 8 KB/s");
        AnonymityModel capped = new AnonymityModel(new int[] {0, 1, 2, 3, 4}, 10);
        assertEquals(10, capped.drac(3, 0.9), "never more than the users");
    }

    @Test
    void weightedHistogramPercentiles() {
        long[] h = {0, 3, 0, 2};
        assertEquals(1, AnonymityModel.percentile(h, 0.5));
        assertEquals(3, AnonymityModel.percentile(h, 0.9));
        assertEquals(1, AnonymityModel.percentile(h, 0.1));
    }
}
