package org.herd.sim.util;

import java.util.Arrays;

/** Binary min-heap of primitive longs (no boxing): call ends keyed as (end second << 32 | slot). */
public final class LongMinHeap {

    private long[] heap = new long[1024];
    private int size;

    /** Adds a value. */
    public void push(long v) {
        if (size == heap.length) {
            heap = Arrays.copyOf(heap, size * 2);
        }
        int i = size++;
        while (i > 0) {
            int parent = (i - 1) >>> 1;
            if (heap[parent] <= v) {
                break;
            }
            heap[i] = heap[parent];
            i = parent;
        }
        heap[i] = v;
    }

    /** The smallest value; the heap must not be empty. */
    public long peek() {
        return heap[0];
    }

    /** Removes and returns the smallest value; the heap must not be empty. */
    public long pop() {
        long top = heap[0];
        long last = heap[--size];
        int i = 0;
        int half = size >>> 1;
        while (i < half) {
            int c = 2 * i + 1;
            if (c + 1 < size && heap[c + 1] < heap[c]) {
                c++;
            }
            if (last <= heap[c]) {
                break;
            }
            heap[i] = heap[c];
            i = c;
        }
        heap[i] = last;
        return top;
    }

    /** Number of values. */
    public int size() {
        return size;
    }

    /** Whether empty. */
    public boolean isEmpty() {
        return size == 0;
    }
}
