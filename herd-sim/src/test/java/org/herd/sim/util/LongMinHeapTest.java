package org.herd.sim.util;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.PriorityQueue;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class LongMinHeapTest {

    @Test
    void popsInTheOrderOfAPriorityQueue() {
        long seed = new SplittableRandom().nextLong();
        System.out.println("LongMinHeapTest seed=" + seed);
        SplittableRandom r = new SplittableRandom(seed);
        LongMinHeap h = new LongMinHeap();
        PriorityQueue<Long> ref = new PriorityQueue<>();
        for (int i = 0; i < 100_000; i++) {
            if (ref.isEmpty() || r.nextInt(3) > 0) {
                long v = r.nextLong(1000);
                h.push(v);
                ref.add(v);
            } else {
                assertEquals(ref.peek(), h.peek());
                assertEquals(ref.poll(), h.pop());
            }
            assertEquals(ref.size(), h.size());
        }
    }
}
