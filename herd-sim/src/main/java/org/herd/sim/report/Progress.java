package org.herd.sim.report;

import java.io.PrintStream;

/**
 * A one-line progress bar on a terminal stream: percentage, rate (items/s) and ETA, redrawn at
 * most twice a second. Callers call {@link #update(long)} as often as they like (it only reads
 * the clock every 65 536 items). Disabled instances print nothing.
 */
public final class Progress {

    private static final long REDRAW_NANOS = 500_000_000L;

    private final String label;
    private final long total;
    private final PrintStream out;
    private final boolean enabled;
    private final long startNanos = System.nanoTime();
    private long lastDraw = startNanos;
    private long nextCheck = 1 << 16;
    private boolean drawn;

    /**
     * @param label   what is counted ("calls")
     * @param total   expected total (0 if unknown)
     * @param out     where to draw (stderr)
     * @param enabled false for silent runs (tests, --no-progress)
     */
    public Progress(String label, long total, PrintStream out, boolean enabled) {
        this.label = label;
        this.total = total;
        this.out = out;
        this.enabled = enabled;
    }

    /** Reports {@code done} items so far. */
    public void update(long done) {
        if (!enabled || done < nextCheck) {
            return;
        }
        nextCheck = done + (1 << 16);
        long now = System.nanoTime();
        if (now - lastDraw < REDRAW_NANOS) {
            return;
        }
        lastDraw = now;
        draw(done, now, false);
    }

    /** Draws the final state and ends the line. */
    public void finish(long done) {
        if (enabled) {
            draw(done, System.nanoTime(), true);
        }
    }

    private void draw(long done, long now, boolean last) {
        double secs = Math.max(1e-9, (now - startNanos) / 1e9);
        double rate = done / secs;
        StringBuilder sb = new StringBuilder(100).append('\r').append(label).append(' ');
        if (total > 0) {
            double f = Math.min(1.0, (double) done / total);
            int width = 30;
            int full = (int) Math.round(f * width);
            sb.append('[').append("#".repeat(full)).append(".".repeat(width - full)).append("] ");
            sb.append(String.format("%5.1f%% ", 100 * f));
            double eta = rate > 0 ? (total - done) / rate : 0;
            sb.append(String.format("%s/%s  %s/s  ETA %s", human(done), human(total), human((long) rate),
                    last ? "done in " + clock(secs) : clock(eta)));
        } else {
            sb.append(String.format("%s  %s/s  %s", human(done), human((long) rate), clock(secs)));
        }
        out.print(sb);
        if (last || !drawn) {
            drawn = true;
        }
        if (last) {
            out.println();
        }
        out.flush();
    }

    static String human(long n) {
        if (n >= 1_000_000_000L) {
            return String.format("%.2fG", n / 1e9);
        }
        if (n >= 1_000_000L) {
            return String.format("%.1fM", n / 1e6);
        }
        if (n >= 10_000L) {
            return String.format("%.1fk", n / 1e3);
        }
        return Long.toString(n);
    }

    static String clock(double seconds) {
        long s = Math.round(seconds);
        return String.format("%d:%02d:%02d", s / 3600, (s / 60) % 60, s % 60);
    }
}
