package org.herd.core.channel;

import java.util.Arrays;
import java.util.random.RandomGenerator;

/**
 * Channel allocation of one mix (§3.6.3 of the Herd paper).
 *
 * <p><b>Join (control path).</b> {@link #join(int)} attaches a client to {@code k} distinct
 * channels picked uniformly at random among the least-occupied channels: if the channels of
 * minimal occupancy are more than still needed, a uniform random subset of them is taken;
 * otherwise all of them are taken and the rest is picked from the next occupancy level.
 * Attachments are static until {@link #leave(int)} (dynamic re-routing would leak call
 * activity, §3.6.3).
 *
 * <p><b>Call time (data path, allocation-free).</b> The channels are ranked once by a random
 * permutation drawn at construction. {@link #allocate(int)} gives the call the free channel of
 * highest rank among the client's {@code k}, or {@link #BLOCKED} when all {@code k} are busy
 * (each channel carries at most one active call); {@link #release(int)} frees it again. This
 * is the RANKING algorithm for online bipartite matching that the paper cites as optimal.
 *
 * <p>Occupancy levels are kept in an array of channels sorted by occupancy with the first
 * index of every level, so a join costs O(k + levels) and never scans all channels.
 *
 * <p>Not thread-safe: the owning mix agent is the only mutator.
 */
public final class ChannelAllocator {

    /** Returned by {@link #allocate(int)} when every channel of the client is busy. */
    public static final int BLOCKED = -1;

    private final int channels;
    private final int k;
    private final int maxClients;
    private final RandomGenerator random;

    /** rank[c]: 0 is the highest rank. A random permutation drawn once. */
    private final int[] rank;
    /** Channels sorted by ascending occupancy; position[c] is c's index in it. */
    private final int[] byOccupancy;
    private final int[] position;
    private final int[] occupancy;
    /** levelStart[o]: first index in byOccupancy whose channel has occupancy >= o. */
    private int[] levelStart;
    private final boolean[] busy;
    /** The k channels of client i at [i*k, i*k+k), sorted by rank (best first); -1 = absent. */
    private final int[] attachment;
    private int clients;
    private int busyChannels;
    private long allocations;
    private long blocked;

    /**
     * @param channels   number of channels C of this mix (C >= k)
     * @param k          channels per client (the paper: 2 or 3)
     * @param maxClients client ids run from 0 to maxClients - 1
     * @param random     source of the join choices and of the ranking
     * @throws IllegalArgumentException on an impossible configuration
     */
    public ChannelAllocator(int channels, int k, int maxClients, RandomGenerator random) {
        if (k < 1 || channels < k || maxClients < 0 || (long) maxClients * k > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("need 1 <= k <= channels and maxClients*k < 2^31, got k="
                    + k + " channels=" + channels + " maxClients=" + maxClients);
        }
        this.channels = channels;
        this.k = k;
        this.maxClients = maxClients;
        this.random = random;
        this.rank = new int[channels];
        this.byOccupancy = new int[channels];
        this.position = new int[channels];
        this.occupancy = new int[channels];
        this.busy = new boolean[channels];
        this.attachment = new int[maxClients * k];
        Arrays.fill(attachment, -1);
        for (int c = 0; c < channels; c++) {
            byOccupancy[c] = c;
            position[c] = c;
        }
        this.levelStart = new int[8];
        Arrays.fill(levelStart, channels);
        levelStart[0] = 0;
        // Random ranking (Fisher-Yates), drawn once: rank[order[i]] = i.
        int[] order = new int[channels];
        for (int i = 0; i < channels; i++) {
            order[i] = i;
        }
        for (int i = channels - 1; i > 0; i--) {
            int j = random.nextInt(i + 1);
            int t = order[i];
            order[i] = order[j];
            order[j] = t;
        }
        for (int i = 0; i < channels; i++) {
            rank[order[i]] = i;
        }
    }

    /**
     * Attaches {@code clientId} to k distinct channels chosen at random among the least
     * occupied (control path).
     *
     * @return the k channels, best rank first (a fresh array)
     * @throws IllegalStateException if the client is already attached
     */
    public int[] join(int clientId) {
        checkClient(clientId);
        int base = clientId * k;
        if (attachment[base] >= 0) {
            throw new IllegalStateException("client " + clientId + " already joined");
        }
        int need = k;
        int lo = 0;
        int filled = 0;
        while (need > 0) {
            int level = occupancy[byOccupancy[lo]];
            int hi = levelStart[level + 1];
            int m = hi - lo;
            if (m <= need) {
                for (int i = lo; i < hi; i++) {
                    attachment[base + filled++] = byOccupancy[i];
                }
                need -= m;
                lo = hi;
            } else {
                // Partial Fisher-Yates inside one level keeps the array sorted by occupancy.
                for (int j = 0; j < need; j++) {
                    int r = lo + j + random.nextInt(m - j);
                    swap(lo + j, r);
                    attachment[base + filled++] = byOccupancy[lo + j];
                }
                need = 0;
            }
        }
        for (int i = 0; i < k; i++) {
            increment(attachment[base + i]);
        }
        sortByRank(base);
        clients++;
        return Arrays.copyOfRange(attachment, base, base + k);
    }

    /** Detaches {@code clientId} from its channels (control path); no-op if not attached. */
    public void leave(int clientId) {
        checkClient(clientId);
        int base = clientId * k;
        if (attachment[base] < 0) {
            return;
        }
        for (int i = 0; i < k; i++) {
            decrement(attachment[base + i]);
            attachment[base + i] = -1;
        }
        clients--;
    }

    /**
     * Call-time allocation (data path, allocation-free): marks busy and returns the free channel
     * of highest rank among the client's k, or {@link #BLOCKED} if all are busy or the client
     * has not joined.
     */
    public int allocate(int clientId) {
        int base = clientId * k;
        if (clientId < 0 || clientId >= maxClients || attachment[base] < 0) {
            blocked++;
            return BLOCKED;
        }
        for (int i = 0; i < k; i++) {
            int c = attachment[base + i];
            if (!busy[c]) {
                busy[c] = true;
                busyChannels++;
                allocations++;
                return c;
            }
        }
        blocked++;
        return BLOCKED;
    }

    /** Frees a channel at the end of its call; freeing a free or invalid channel is a no-op. */
    public void release(int channel) {
        if (channel >= 0 && channel < channels && busy[channel]) {
            busy[channel] = false;
            busyChannels--;
        }
    }

    /** Copies the client's k channels, best rank first, into {@code out}; returns false if absent. */
    public boolean channelsOf(int clientId, int[] out) {
        checkClient(clientId);
        int base = clientId * k;
        if (attachment[base] < 0) {
            return false;
        }
        System.arraycopy(attachment, base, out, 0, k);
        return true;
    }

    /** Rank of a channel: 0 is the highest (allocated first). */
    public int rank(int channel) {
        return rank[channel];
    }

    /** Number of clients attached to a channel. */
    public int occupancy(int channel) {
        return occupancy[channel];
    }

    /** Whether a channel carries a call. */
    public boolean isBusy(int channel) {
        return busy[channel];
    }

    /** Channels C. */
    public int channels() {
        return channels;
    }

    /** Channels per client k. */
    public int channelsPerClient() {
        return k;
    }

    /** Clients currently attached. */
    public int clients() {
        return clients;
    }

    /** Channels currently carrying a call. */
    public int busyChannels() {
        return busyChannels;
    }

    /** Successful call-time allocations so far. */
    public long allocations() {
        return allocations;
    }

    /** Call-time allocations refused so far (all k busy, or client unknown). */
    public long blockedAllocations() {
        return blocked;
    }

    private void checkClient(int clientId) {
        if (clientId < 0 || clientId >= maxClients) {
            throw new IllegalArgumentException("client id " + clientId + " outside [0, " + maxClients + ")");
        }
    }

    private void sortByRank(int base) {
        for (int i = base + 1; i < base + k; i++) {
            int c = attachment[i];
            int j = i - 1;
            while (j >= base && rank[attachment[j]] > rank[c]) {
                attachment[j + 1] = attachment[j];
                j--;
            }
            attachment[j + 1] = c;
        }
    }

    private void increment(int c) {
        int o = occupancy[c];
        if (o + 2 >= levelStart.length) {
            int old = levelStart.length;
            levelStart = Arrays.copyOf(levelStart, old * 2);
            Arrays.fill(levelStart, old, levelStart.length, channels);
        }
        int last = levelStart[o + 1] - 1;
        swap(position[c], last);
        levelStart[o + 1]--;
        occupancy[c] = o + 1;
    }

    private void decrement(int c) {
        int o = occupancy[c];
        int first = levelStart[o];
        swap(position[c], first);
        levelStart[o]++;
        occupancy[c] = o - 1;
    }

    private void swap(int i, int j) {
        int a = byOccupancy[i];
        int b = byOccupancy[j];
        byOccupancy[i] = b;
        byOccupancy[j] = a;
        position[b] = i;
        position[a] = j;
    }
}
