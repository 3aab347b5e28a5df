package org.herd.core.sched;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * A counter with one writing thread and any number of readers: the writer stores with release
 * semantics (a plain store on x86, no fence, no atomic read-modify-write), readers read volatile.
 * Allocated once per metric, never per cell.
 */
final class Counter {

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
    void increment() {
        VALUE.setRelease(this, (long) VALUE.get(this) + 1);
    }

    /** The current value, from any thread. */
    long get() {
        return value;
    }
}
