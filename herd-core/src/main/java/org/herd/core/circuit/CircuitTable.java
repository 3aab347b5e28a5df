package org.herd.core.circuit;

import java.util.List;
import org.herd.core.crypto.OnionRelay;

/**
 * A Mix's circuit table (§3.2 of the Herd paper, invariants I2/I3): each circuit through this Mix
 * is one {@link Entry} holding only the previous hop {@code (link, circuit id)}, the next hop
 * {@code (link, circuit id)} and this hop's onion layers — no identity, address, cookie or call
 * id. Entries are found by either of their keys in one allocation-free map.
 *
 * <p>A plain relay maps both its keys to itself. A rendezvous splice (§3.3) joins two circuits
 * that both end here: each entry's {@code next} is the other's {@code prev} (or, at the caller's
 * rendezvous Mix, the key of a circuit this Mix originated), so a key maps to a different entry
 * than the one naming it as {@code next} — which is exactly how {@link #isSpliced} tells.
 * Owned by one thread.
 */
public final class CircuitTable {

    /** One circuit through this Mix: previous hop, next hop, onion layers. Nothing else. */
    public static final class Entry {
        private final long prev;
        private long next = LinkCircuit.NONE;
        private final OnionRelay relay;

        Entry(long prev, OnionRelay relay) {
            this.prev = prev;
            this.relay = relay;
        }

        /** The previous hop (towards the circuit's originator) as a {@link LinkCircuit} key. */
        public long prev() {
            return prev;
        }

        /** The next hop, or {@link LinkCircuit#NONE} if the circuit ends here. */
        public long next() {
            return next;
        }

        void next(long next) {
            this.next = next;
        }

        /** This hop's onion layers. */
        public OnionRelay relay() {
            return relay;
        }

        @Override
        public String toString() {
            return "Entry[prev=" + LinkCircuit.toString(prev) + ", next=" + LinkCircuit.toString(next) + "]";
        }
    }

    private final LongMap<Entry> byKey = new LongMap<>(64);

    /** The entry that has {@code key} as its previous or next hop, or null. */
    public Entry get(long key) {
        return byKey.get(key);
    }

    /** Adds a circuit whose previous hop is {@code prev}. */
    Entry add(long prev, OnionRelay relay) {
        Entry e = new Entry(prev, relay);
        byKey.put(prev, e);
        return e;
    }

    /** Extends {@code e} to {@code next} (a plain relay: the next key maps back to {@code e}). */
    void extend(Entry e, long next) {
        e.next(next);
        byKey.put(next, e);
    }

    /** True if {@code e} is joined at this Mix to another circuit rather than relaying along one. */
    public boolean isSpliced(Entry e) {
        return e.next != LinkCircuit.NONE && byKey.get(e.next) != e;
    }

    /** Removes {@code e}: its prev key, and its next key if that maps to it. */
    void remove(Entry e) {
        if (byKey.get(e.prev) == e) {
            byKey.remove(e.prev);
        }
        if (e.next != LinkCircuit.NONE && byKey.get(e.next) == e) {
            byKey.remove(e.next);
        }
    }

    /** True if {@code key} is in use. */
    boolean contains(long key) {
        return byKey.containsKey(key);
    }

    /**
     * Memory upkeep: every circuit whose onion layers carried no cell since the previous call
     * drops their AES instances ({@link OnionRelay#releaseIdleCiphers}). Returns how many did.
     */
    int releaseIdleCiphers() {
        int[] released = {0};
        byKey.forEach((key, e) -> {
            // A relayed circuit is mapped under both of its keys: visit it once, under prev.
            if (key == e.prev && e.relay.releaseIdleCiphers()) {
                released[0]++;
            }
        });
        return released[0];
    }

    /** The distinct entries (control path, for inspection in tests and status pages). */
    public List<Entry> entries() {
        return byKey.values().stream().distinct().toList();
    }

    /** Number of distinct circuits. */
    public int size() {
        return entries().size();
    }
}
