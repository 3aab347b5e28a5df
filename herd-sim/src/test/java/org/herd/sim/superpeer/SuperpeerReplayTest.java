package org.herd.sim.superpeer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class SuperpeerReplayTest {

    private static long seed() {
        long s = new SplittableRandom().nextLong();
        System.out.println("SuperpeerReplayTest seed=" + s);
        return s;
    }

    @Test
    void topologyWhereBlockingMustHappen() {
        // One mix, 1 SP x 4 clients, k = 2, 4 clients attached per channel: C = 2*4/4 = 2 channels,
        // so every client attaches to both and at most two clients can be in calls at once.
        Topology t = new Topology(1, 4, 4, 2);
        assertEquals(2, t.channelsPerMix());
        assertEquals(0.5, t.mixSavings(), 1e-12);
        SuperpeerReplay r = new SuperpeerReplay(t, 4, seed());
        assertEquals(1, r.mixes());
        r.call(0, 100, 0, 1);    // takes both channels
        r.call(10, 50, 2, 3);    // blocked: no free channel for the caller
        r.call(99, 120, 3, 2);   // still blocked (ends at 100)
        r.call(100, 130, 2, 3);  // the first call ended in second 100: both channels free again
        assertEquals(4, r.calls());
        assertEquals(2, r.blocked());
        assertEquals(0.5, r.blockingRate(), 1e-12);
        assertEquals(2, r.allocator(0).busyChannels());
    }

    @Test
    void calleeSideBlockingReleasesTheCallersChannel() {
        // Two mixes (users mod 2), each with 1 SP x 2 clients, 2 clients per channel: 1 channel, k = 1.
        Topology t = new Topology(1, 2, 2, 1);
        SuperpeerReplay r = new SuperpeerReplay(t, 4, seed());
        assertEquals(2, r.mixes());
        r.call(0, 100, 0, 1);    // user 0 on mix 0, user 1 on mix 1: both channels busy
        r.call(5, 10, 2, 3);     // users 2 (mix 0) and 3 (mix 1): blocked
        assertEquals(1, r.blocked());
        assertEquals(1, r.allocator(0).busyChannels(), "no channel leaked by the blocked call");
        assertEquals(1, r.allocator(1).busyChannels());
    }

    @Test
    void enoughChannelsNeverBlock() {
        // C = N and k = 1: least-occupied joins give every client a channel of its own.
        Topology t = new Topology(2, 10, 1, 1);
        SuperpeerReplay r = new SuperpeerReplay(t, 20, seed());
        for (int i = 0; i < 10; i++) {
            r.call(0, 1000, 2 * i, 2 * i + 1);
        }
        assertEquals(0, r.blocked(), "20 clients on 20 distinct channels");
    }

    @Test
    void bothReadingsOfClientsPerChannel() {
        Topology attached = new Topology(100, 100, 50, 2, Topology.ChannelCount.ATTACHED);
        Topology ratio = new Topology(100, 100, 50, 2, Topology.ChannelCount.RATIO);
        assertEquals(400, attached.channelsPerMix());
        assertEquals(200, ratio.channelsPerMix());
        assertEquals(0.96, attached.mixSavings(), 1e-12);
        assertEquals(0.98, ratio.mixSavings(), 1e-12, "the paper's 98 % at 50 clients per channel");
        assertEquals(0.80, new Topology(100, 100, 5, 3, Topology.ChannelCount.RATIO).mixSavings(), 1e-12);
        assertEquals(1080, attached.mixesFor(10_800_000), "the paper's ~1,000 mixes for 10.8 M users");
    }

    @Test
    void impossibleTopologyIsRejected() {
        assertThrows(IllegalArgumentException.class, () -> new Topology(1, 2, 2, 2, Topology.ChannelCount.RATIO));
        assertThrows(IllegalArgumentException.class, () -> new Topology(0, 2, 2, 1));
    }
}
