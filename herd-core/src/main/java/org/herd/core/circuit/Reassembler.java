package org.herd.core.circuit;

import java.util.Arrays;
import org.herd.core.wire.ControlFragment;
import org.herd.core.wire.RelayCell;

/**
 * Reassembles fragmented control messages ({@link ControlFragment}) at a circuit end, with hard
 * bounds: at most {@code slots} partial messages at once (over all circuits of the owner, and
 * {@link #PER_CIRCUIT} per circuit), at
 * most {@link ControlFragment#MAX_MESSAGE} bytes each, and a deadline per partial message read
 * from the injected clock's time. Abuse (bad header, a fragment whose count disagrees with the
 * partial message, a repeated fragment, no free slot) is dropped and counted, never thrown. A
 * circuit at its limit that starts another message of a command it already has a partial message
 * of (a re-sent control message) replaces the oldest of those, counted as superseded.
 * A completed or expired slot is zeroed so no message bytes linger. Not thread-safe.
 */
public final class Reassembler {

    private final long[] owner;
    private final int[] command;
    private final int[] messageId;
    private final int[] count;
    private final int[] received;
    private final int[] lastLength;
    private final long[] deadline;
    private final boolean[] used;
    private final byte[][] data;
    private final long lifetimeNanos;
    private final int perCircuit;

    /** Partial messages one circuit may have at once. */
    public static final int PER_CIRCUIT = 2;

    long malformed;
    long overflow;
    long expired;
    long superseded;

    /**
     * At most {@code slots} partial messages in all, at most {@link #PER_CIRCUIT} per circuit (so
     * one circuit cannot take every slot), each kept at most {@code lifetimeNanos}.
     */
    public Reassembler(int slots, long lifetimeNanos) {
        perCircuit = Math.min(PER_CIRCUIT, slots);
        owner = new long[slots];
        command = new int[slots];
        messageId = new int[slots];
        count = new int[slots];
        received = new int[slots];
        lastLength = new int[slots];
        deadline = new long[slots];
        used = new boolean[slots];
        data = new byte[slots][ControlFragment.MAX_MESSAGE];
        this.lifetimeNanos = lifetimeNanos;
    }

    /**
     * Takes the fragment in the recognised relay cell at {@code cellOffset} (relay command
     * {@code cmd}) that arrived on circuit {@code key}; returns the whole message once complete,
     * else null (incomplete, or dropped and counted).
     */
    public byte[] accept(long key, int cmd, byte[] buffer, int cellOffset, int length, long now) {
        int off = cellOffset + RelayCell.BODY_OFFSET + RelayCell.DATA_OFFSET;
        if (ControlFragment.check(buffer, off, length) != ControlFragment.OK) {
            malformed++;
            return null;
        }
        int id = ControlFragment.messageId(buffer, off);
        int index = ControlFragment.index(buffer, off);
        int n = ControlFragment.count(buffer, off);
        int chunk = length - ControlFragment.HEADER_SIZE;
        if (n == 1) {
            return Arrays.copyOfRange(buffer, off + ControlFragment.HEADER_SIZE, off + length);
        }
        int s = find(key, cmd, id);
        if (s < 0) {
            if (partialsOf(key) >= perCircuit) {
                // A sender re-sends a control message that got no answer under a new message id
                // (CallClient's retransmission); the copy that lost a fragment must not hold the
                // circuit's slots until it expires, so the new one replaces it.
                int stale = oldestOf(key, cmd);
                if (stale < 0) {
                    overflow++;
                    return null;
                }
                superseded++;
                release(stale);
            }
            s = free(now);
            if (s < 0) {
                overflow++;
                return null;
            }
            used[s] = true;
            owner[s] = key;
            command[s] = cmd;
            messageId[s] = id;
            count[s] = n;
            received[s] = 0;
            deadline[s] = now + lifetimeNanos;
        } else if (count[s] != n || (received[s] & (1 << index)) != 0) {
            malformed++;
            release(s);
            return null;
        }
        System.arraycopy(buffer, off + ControlFragment.HEADER_SIZE, data[s],
                index * ControlFragment.MAX_FRAGMENT_DATA, chunk);
        received[s] |= 1 << index;
        if (index == n - 1) {
            lastLength[s] = chunk;
        }
        if (received[s] != (1 << n) - 1) {
            return null;
        }
        byte[] message = Arrays.copyOf(data[s], (n - 1) * ControlFragment.MAX_FRAGMENT_DATA + lastLength[s]);
        release(s);
        return message;
    }

    /** Drops every partial message of circuit {@code key} (it was torn down). */
    public void forget(long key) {
        for (int s = 0; s < used.length; s++) {
            if (used[s] && owner[s] == key) {
                release(s);
            }
        }
    }

    /** Drops partial messages whose deadline has passed. */
    public void expire(long now) {
        for (int s = 0; s < used.length; s++) {
            if (used[s] && deadline[s] - now <= 0) {
                expired++;
                release(s);
            }
        }
    }

    /** Partial messages held now. */
    public int pending() {
        int n = 0;
        for (boolean u : used) {
            n += u ? 1 : 0;
        }
        return n;
    }

    /** Fragments dropped (malformed or no free slot) since the last call; resets the tally. */
    public long takeDrops() {
        long d = malformed + overflow - reported;
        reported = malformed + overflow;
        return d;
    }

    private long reported;

    private int partialsOf(long key) {
        int n = 0;
        for (int s = 0; s < used.length; s++) {
            n += used[s] && owner[s] == key ? 1 : 0;
        }
        return n;
    }

    /** The partial message of command {@code cmd} on circuit {@code key} with the earliest deadline, or -1. */
    private int oldestOf(long key, int cmd) {
        int oldest = -1;
        for (int s = 0; s < used.length; s++) {
            if (used[s] && owner[s] == key && command[s] == cmd && (oldest < 0 || deadline[s] - deadline[oldest] < 0)) {
                oldest = s;
            }
        }
        return oldest;
    }

    private int find(long key, int cmd, int id) {
        for (int s = 0; s < used.length; s++) {
            if (used[s] && owner[s] == key && command[s] == cmd && messageId[s] == id) {
                return s;
            }
        }
        return -1;
    }

    private int free(long now) {
        expire(now);
        for (int s = 0; s < used.length; s++) {
            if (!used[s]) {
                return s;
            }
        }
        return -1;
    }

    private void release(int s) {
        used[s] = false;
        Arrays.fill(data[s], (byte) 0);
    }
}
