package org.herd.core.channel;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.management.ManagementFactory;
import java.util.Arrays;
import java.util.HashSet;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.random.RandomGenerator;
import org.junit.jupiter.api.Test;

class ChannelAllocatorTest {

    private static RandomGenerator seeded(String test) {
        long seed = new SplittableRandom().nextLong();
        System.out.println(test + " seed=" + seed);
        return new SplittableRandom(seed);
    }

    @Test
    void joinGivesKDistinctChannelsAndKeepsOccupancyBalanced() {
        RandomGenerator rng = seeded("joinGivesKDistinct");
        ChannelAllocator a = new ChannelAllocator(37, 3, 500, rng);
        for (int client = 0; client < 500; client++) {
            int[] ch = a.join(client);
            assertEquals(3, ch.length);
            assertEquals(3, Arrays.stream(ch).distinct().count(), "distinct: " + Arrays.toString(ch));
            int min = Integer.MAX_VALUE;
            int max = 0;
            long sum = 0;
            for (int c = 0; c < 37; c++) {
                min = Math.min(min, a.occupancy(c));
                max = Math.max(max, a.occupancy(c));
                sum += a.occupancy(c);
            }
            // Greedy least-occupied: the spread never exceeds one.
            assertTrue(max - min <= 1, "spread " + min + ".." + max + " after client " + client);
            assertEquals(3L * (client + 1), sum);
        }
        assertEquals(500, a.clients());
    }

    @Test
    void joinPicksExactlyTheLeastOccupiedChannels() {
        RandomGenerator rng = seeded("joinPicksLeastOccupied");
        ChannelAllocator a = new ChannelAllocator(6, 2, 10, rng);
        for (int client = 0; client < 6; client++) {
            a.join(client); // every channel now has occupancy 2
        }
        int[] freed = new int[2];
        a.channelsOf(3, freed);
        a.leave(3);
        // Only the two channels client 3 left have occupancy 1: the newcomer must get them.
        int[] got = a.join(7);
        Arrays.sort(got);
        Arrays.sort(freed);
        assertArrayEquals(freed, got);
    }

    @Test
    void joinSpillsToNextLevelWhenTooFewLeastOccupied() {
        RandomGenerator rng = seeded("joinSpills");
        ChannelAllocator a = new ChannelAllocator(4, 3, 10, rng);
        int[] first = a.join(0); // three channels at 1, one at 0
        Set<Integer> used = new HashSet<>();
        for (int c : first) {
            used.add(c);
        }
        int lonely = -1;
        for (int c = 0; c < 4; c++) {
            if (!used.contains(c)) {
                lonely = c;
            }
        }
        int[] second = a.join(1);
        final int l = lonely;
        assertTrue(Arrays.stream(second).anyMatch(c -> c == l), "must take the empty channel " + l);
        assertEquals(3, Arrays.stream(second).distinct().count());
    }

    @Test
    void joinChoiceIsRandomAmongTies() {
        RandomGenerator rng = seeded("joinRandomAmongTies");
        int[] hits = new int[10];
        for (int trial = 0; trial < 2000; trial++) {
            ChannelAllocator a = new ChannelAllocator(10, 1, 1, rng);
            hits[a.join(0)[0]]++;
        }
        // Uniform over 10 ties: 200 expected each; 120 is > 5 sigma below.
        for (int c = 0; c < 10; c++) {
            assertTrue(hits[c] > 120 && hits[c] < 280, "channel " + c + " hit " + hits[c]);
        }
    }

    @Test
    void rankingIsAPermutationAndAllocateFollowsIt() {
        RandomGenerator rng = seeded("rankingOrder");
        ChannelAllocator a = new ChannelAllocator(20, 3, 4, rng);
        Set<Integer> ranks = new HashSet<>();
        for (int c = 0; c < 20; c++) {
            ranks.add(a.rank(c));
        }
        assertEquals(20, ranks.size());
        assertTrue(ranks.stream().allMatch(r -> r >= 0 && r < 20));

        a.join(0);
        int[] ch = new int[3];
        assertTrue(a.channelsOf(0, ch));
        assertTrue(a.rank(ch[0]) < a.rank(ch[1]) && a.rank(ch[1]) < a.rank(ch[2]), "best rank first");
        assertEquals(ch[0], a.allocate(0));
        assertEquals(ch[1], a.allocate(0));
        a.release(ch[0]);
        assertEquals(ch[0], a.allocate(0), "the freed best-ranked channel is taken again");
        assertEquals(ch[2], a.allocate(0));
    }

    @Test
    void blocksWhenAllKChannelsAreBusy() {
        RandomGenerator rng = seeded("blocks");
        // Two channels, three clients, k = 2: every client attaches to both channels.
        ChannelAllocator a = new ChannelAllocator(2, 2, 3, rng);
        a.join(0);
        a.join(1);
        a.join(2);
        int c0 = a.allocate(0);
        int c1 = a.allocate(1);
        assertNotEquals(ChannelAllocator.BLOCKED, c0);
        assertNotEquals(ChannelAllocator.BLOCKED, c1);
        assertNotEquals(c0, c1);
        assertEquals(ChannelAllocator.BLOCKED, a.allocate(2));
        assertEquals(1, a.blockedAllocations());
        assertEquals(2, a.busyChannels());
        a.release(c1);
        assertEquals(c1, a.allocate(2));
        assertEquals(ChannelAllocator.BLOCKED, a.allocate(99), "unknown client is blocked, not thrown");
    }

    @Test
    void leaveFreesAttachmentAndRejoinIsAllowed() {
        RandomGenerator rng = seeded("leave");
        ChannelAllocator a = new ChannelAllocator(5, 2, 3, rng);
        a.join(1);
        assertThrows(IllegalStateException.class, () -> a.join(1));
        a.leave(1);
        assertEquals(0, a.clients());
        assertFalse(a.channelsOf(1, new int[2]));
        assertEquals(ChannelAllocator.BLOCKED, a.allocate(1));
        a.join(1);
        assertEquals(1, a.clients());
        assertThrows(IllegalArgumentException.class, () -> new ChannelAllocator(2, 3, 1, rng));
    }

    @Test
    void callPathAllocatesNoMemory() {
        RandomGenerator rng = seeded("noAllocation");
        ChannelAllocator a = new ChannelAllocator(64, 3, 256, rng);
        for (int c = 0; c < 256; c++) {
            a.join(c);
        }
        com.sun.management.ThreadMXBean bean =
                (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        long tid = Thread.currentThread().getId();
        long sink = 0;
        for (int warm = 0; warm < 3; warm++) {
            long before = bean.getThreadAllocatedBytes(tid);
            for (int i = 0; i < 200_000; i++) {
                int ch = a.allocate(i & 255);
                sink += ch;
                a.release(ch);
            }
            long after = bean.getThreadAllocatedBytes(tid);
            if (warm == 2) {
                // The MXBean call itself may allocate a few bytes; 200 000 calls would need MBs.
                assertTrue(after - before < 1024, "allocated " + (after - before) + " bytes");
            }
        }
        assertTrue(sink != Long.MIN_VALUE);
    }
}
