package org.herd.core.metrics;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * A statistics counter for the data path. {@link #increment} and {@link #add} are for the
 * counter's single writer thread: a release store, no locked read-modify-write, so counting a
 * dropped cell costs a plain store on x86. {@link #addShared} is for counters several threads
 * write. Readable from any thread. Allocated once per metric, never per cell.
 */
public final class Counter {

    private static final VarHandle VALUE;

    static {
        try {
            VALUE = MethodHandles.lookup().findVarHandle(Counter.class, "value", long.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private volatile long value;

    /** Adds one; only the owning thread may call it. */
    public void increment() {
        VALUE.setRelease(this, (long) VALUE.get(this) + 1);
    }

    /** Adds {@code n}; only the owning thread may call it. */
    public void add(long n) {
        VALUE.setRelease(this, (long) VALUE.get(this) + n);
    }

    /** Adds {@code n} atomically, for counters written by several threads. */
    public void addShared(long n) {
        VALUE.getAndAdd(this, n);
    }

    /** The current value, from any thread. */
    public long get() {
        return value;
    }

    @Override
    public String toString() {
        return Long.toString(value);
    }
}
