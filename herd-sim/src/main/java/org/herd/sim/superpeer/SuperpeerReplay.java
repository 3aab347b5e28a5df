package org.herd.sim.superpeer;

import java.util.Arrays;
import java.util.SplittableRandom;
import org.herd.core.channel.ChannelAllocator;
import org.herd.sim.util.LongMinHeap;

/**
 * One topology's replay: a {@link ChannelAllocator} per mix (the mix's own code), every user
 * joined at the start (clients stay online, §3.6), then each call allocates a channel for the
 * caller at the caller's mix and for the callee at the callee's mix. A call is blocked when
 * either side has all k channels busy (§4.1.6); a half-allocated call gives its channel back.
 * Calls end in time order through a binary min-heap of (end second, slot); a channel whose
 * call ends in second t is free for calls starting in second t. Users map to mixes by
 * id mod mixes. Allocation-free per call once the slot table has grown to the peak.
 */
public final class SuperpeerReplay {

    private final Topology topology;
    private final int mixes;
    private final ChannelAllocator[] allocators;

    private final LongMinHeap ends = new LongMinHeap();
    private int[] slotMixA = new int[1024];
    private int[] slotChA = new int[1024];
    private int[] slotMixB = new int[1024];
    private int[] slotChB = new int[1024];
    private int[] freeSlots = new int[1024];
    private int freeCount;
    private int slotsUsed;

    private long calls;
    private long blocked;
    private long active;
    private long peakActive;

    /** Builds the mixes for {@code users} clients and joins them all; seed printed by caller. */
    public SuperpeerReplay(Topology topology, int users, long seed) {
        this.topology = topology;
        this.mixes = topology.mixesFor(users);
        this.allocators = new ChannelAllocator[mixes];
        SplittableRandom root = new SplittableRandom(seed);
        int n = topology.clientsPerMix();
        for (int m = 0; m < mixes; m++) {
            ChannelAllocator a = new ChannelAllocator(topology.channelsPerMix(), topology.channelsPerClient(),
                    n, root.split());
            allocators[m] = a;
        }
        for (int u = 0; u < users; u++) {
            allocators[u % mixes].join(u / mixes);
        }
    }

    /** Replays one call; calls must come in non-decreasing start order. */
    public void call(long start, long end, int caller, int callee) {
        while (!ends.isEmpty() && (ends.peek() >>> 32) <= start) {
            int slot = (int) ends.pop();
            allocators[slotMixA[slot]].release(slotChA[slot]);
            allocators[slotMixB[slot]].release(slotChB[slot]);
            freeSlots[freeCount++] = slot;
            active--;
        }
        calls++;
        int ma = caller % mixes;
        int mb = callee % mixes;
        int ca = allocators[ma].allocate(caller / mixes);
        if (ca == ChannelAllocator.BLOCKED) {
            blocked++;
            return;
        }
        int cb = allocators[mb].allocate(callee / mixes);
        if (cb == ChannelAllocator.BLOCKED) {
            allocators[ma].release(ca);
            blocked++;
            return;
        }
        if (end <= start) {
            // A zero-length call holds its channels for no time at all.
            allocators[ma].release(ca);
            allocators[mb].release(cb);
            return;
        }
        int slot = freeCount > 0 ? freeSlots[--freeCount] : newSlot();
        slotMixA[slot] = ma;
        slotChA[slot] = ca;
        slotMixB[slot] = mb;
        slotChB[slot] = cb;
        ends.push((end << 32) | slot);
        active++;
        peakActive = Math.max(peakActive, active);
    }

    private int newSlot() {
        if (slotsUsed == slotMixA.length) {
            int cap = slotsUsed * 2;
            slotMixA = Arrays.copyOf(slotMixA, cap);
            slotChA = Arrays.copyOf(slotChA, cap);
            slotMixB = Arrays.copyOf(slotMixB, cap);
            slotChB = Arrays.copyOf(slotChB, cap);
            freeSlots = Arrays.copyOf(freeSlots, cap);
        }
        return slotsUsed++;
    }

    /** The topology replayed. */
    public Topology topology() {
        return topology;
    }

    /** Mixes in the zone. */
    public int mixes() {
        return mixes;
    }

    /** Calls replayed. */
    public long calls() {
        return calls;
    }

    /** Calls blocked (no free channel at the caller's or the callee's end). */
    public long blocked() {
        return blocked;
    }

    /** blocked / calls. */
    public double blockingRate() {
        return calls == 0 ? 0 : (double) blocked / calls;
    }

    /** Most calls carried at once in the zone. */
    public long peakActiveCalls() {
        return peakActive;
    }

    /** The allocator of mix {@code m} (for tests and reports). */
    public ChannelAllocator allocator(int m) {
        return allocators[m];
    }
}
