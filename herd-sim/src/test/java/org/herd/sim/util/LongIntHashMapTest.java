package org.herd.sim.util;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.HashMap;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class LongIntHashMapTest {

    @Test
    void agreesWithHashMapThroughGrowth() {
        long seed = new SplittableRandom().nextLong();
        System.out.println("LongIntHashMapTest seed=" + seed);
        SplittableRandom r = new SplittableRandom(seed);
        LongIntHashMap m = new LongIntHashMap(4);
        Map<Long, Integer> ref = new HashMap<>();
        for (int i = 0; i < 200_000; i++) {
            long k = 1 + r.nextLong(50_000);
            int v = r.nextInt();
            m.put(k, v);
            ref.put(k, v);
        }
        assertEquals(ref.size(), m.size());
        for (Map.Entry<Long, Integer> e : ref.entrySet()) {
            assertEquals(e.getValue(), m.get(e.getKey(), 7));
        }
        assertEquals(-5, m.get(60_000, -5));
        int seen = 0;
        for (int s = 0; s < m.capacity(); s++) {
            if (m.keyAt(s) != 0) {
                seen++;
            }
        }
        assertEquals(ref.size(), seen);
    }
}
