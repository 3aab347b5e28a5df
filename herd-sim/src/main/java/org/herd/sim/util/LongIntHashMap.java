package org.herd.sim.util;

/**
 * Open-addressing map from non-zero {@code long} keys to {@code int} values (linear probing,
 * load factor 0.75, capacity a power of two). 12 bytes per slot; no per-entry objects, so
 * 10^8 pairs of users fit in about 1.6 GB.
 */
public final class LongIntHashMap {

    private long[] keys;
    private int[] values;
    private int mask;
    private int size;
    private int threshold;

    /** A map expecting about {@code expected} entries. */
    public LongIntHashMap(int expected) {
        int cap = Integer.highestOneBit(Math.max(16, (int) Math.min(1 << 30, expected / 0.75 + 1)) - 1) << 1;
        allocate(cap);
    }

    private void allocate(int cap) {
        keys = new long[cap];
        values = new int[cap];
        mask = cap - 1;
        threshold = (int) (cap * 0.75);
    }

    private static int hash(long key) {
        long z = key * 0x9E3779B97F4A7C15L;
        z ^= z >>> 32;
        return (int) z ^ (int) (z >>> 16);
    }

    /** Slot index of {@code key}, or -1 when absent. */
    public int find(long key) {
        int i = hash(key) & mask;
        while (true) {
            long k = keys[i];
            if (k == key) {
                return i;
            }
            if (k == 0) {
                return -1;
            }
            i = (i + 1) & mask;
        }
    }

    /** Value of {@code key}, or {@code missing}. */
    public int get(long key, int missing) {
        int i = find(key);
        return i < 0 ? missing : values[i];
    }

    /** Sets the value of {@code key} (non-zero). */
    public void put(long key, int value) {
        if (key == 0) {
            throw new IllegalArgumentException("key 0 is reserved");
        }
        int i = hash(key) & mask;
        while (true) {
            long k = keys[i];
            if (k == key) {
                values[i] = value;
                return;
            }
            if (k == 0) {
                keys[i] = key;
                values[i] = value;
                if (++size > threshold) {
                    grow();
                }
                return;
            }
            i = (i + 1) & mask;
        }
    }

    /** Sets the value in slot {@code slot} (from {@link #find}). */
    public void setValueAt(int slot, int value) {
        values[slot] = value;
    }

    /** Value in slot {@code slot}. */
    public int valueAt(int slot) {
        return values[slot];
    }

    /** Key in slot {@code slot} (0 = empty slot). */
    public long keyAt(int slot) {
        return keys[slot];
    }

    /** Number of slots, for iteration with {@link #keyAt}. */
    public int capacity() {
        return keys.length;
    }

    /** Number of entries. */
    public int size() {
        return size;
    }

    private void grow() {
        long[] oldKeys = keys;
        int[] oldValues = values;
        if (oldKeys.length >= 1 << 30) {
            throw new IllegalStateException("map full: " + size + " entries");
        }
        allocate(oldKeys.length * 2);
        for (int j = 0; j < oldKeys.length; j++) {
            long k = oldKeys[j];
            if (k != 0) {
                int i = hash(k) & mask;
                while (keys[i] != 0) {
                    i = (i + 1) & mask;
                }
                keys[i] = k;
                values[i] = oldValues[j];
            }
        }
    }
}
