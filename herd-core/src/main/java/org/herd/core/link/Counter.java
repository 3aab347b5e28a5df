package org.herd.core.link;

import java.util.concurrent.atomic.AtomicLong;

/**
 * A statistics counter. {@link #add} is for the counter's single writer thread (a release store,
 * no locked instruction: cheap on the per-cell path); {@link #addShared} for counters that
 * several threads write. Readable from any thread.
 */
final class Counter {

    private final AtomicLong value = new AtomicLong();

    void add(long n) {
        value.lazySet(value.get() + n);
    }

    void increment() {
        add(1);
    }

    void addShared(long n) {
        value.addAndGet(n);
    }

    long get() {
        return value.get();
    }
}
