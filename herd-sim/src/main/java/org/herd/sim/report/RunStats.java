package org.herd.sim.report;

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;

/**
 * Wall time and memory of one simulator run: calls per second over the run and the peak heap,
 * taken as the sum of the peak usage of every heap memory pool since the run started (pools peak
 * at different instants, so this is an upper bound on the true peak).
 */
public final class RunStats {

    private final long startNanos;

    /** Starts timing and resets the pools' peak counters. */
    public RunStats() {
        for (MemoryPoolMXBean p : ManagementFactory.getMemoryPoolMXBeans()) {
            if (p.getType() == MemoryType.HEAP) {
                p.resetPeakUsage();
            }
        }
        startNanos = System.nanoTime();
    }

    /** Seconds since the start. */
    public double elapsedSeconds() {
        return (System.nanoTime() - startNanos) / 1e9;
    }

    /** {@code calls} divided by the elapsed time. */
    public double callsPerSecond(long calls) {
        return calls / Math.max(1e-9, elapsedSeconds());
    }

    /** Peak heap in MiB since the start (sum of per-pool peaks). */
    public double peakHeapMb() {
        long sum = 0;
        for (MemoryPoolMXBean p : ManagementFactory.getMemoryPoolMXBeans()) {
            if (p.getType() == MemoryType.HEAP && p.getPeakUsage() != null) {
                sum += p.getPeakUsage().getUsed();
            }
        }
        return sum / (1024.0 * 1024.0);
    }

    /** The maximum heap the JVM may use (-Xmx) in MiB. */
    public static double maxHeapMb() {
        return Runtime.getRuntime().maxMemory() / (1024.0 * 1024.0);
    }
}
