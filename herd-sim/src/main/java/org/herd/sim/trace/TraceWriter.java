package org.herd.sim.trace;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * Writes a binary trace ({@link TraceFormat}) through one large direct buffer. Records must be
 * appended in non-decreasing start order; the header (users, calls) is completed on close.
 */
public final class TraceWriter implements AutoCloseable {

    private static final int BUFFER = 8 << 20;

    private final FileChannel out;
    private final ByteBuffer buf = ByteBuffer.allocateDirect(BUFFER).order(ByteOrder.LITTLE_ENDIAN);
    private final long epoch;
    private int users;
    private long calls;
    private long lastStart;

    /**
     * @param path  file to create (truncated if present)
     * @param epoch Unix seconds of start offset 0
     * @param users number of user ids (may be raised later with {@link #users(int)})
     */
    public TraceWriter(Path path, long epoch, int users) throws IOException {
        this.out = FileChannel.open(path, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING);
        this.epoch = epoch;
        this.users = users;
        buf.put(TraceFormat.MAGIC).putInt(TraceFormat.VERSION).putInt(users).putLong(epoch).putLong(0L);
    }

    /** Sets the user count written to the header on close. */
    public void users(int users) {
        this.users = users;
    }

    /**
     * Appends one call.
     *
     * @param start    seconds from the epoch (0 .. 2^32-1)
     * @param duration seconds (0 .. 2^32-1)
     * @throws IllegalArgumentException if out of order or out of range
     */
    public void write(long start, long duration, int caller, int callee) throws IOException {
        if (start < lastStart || start > 0xFFFF_FFFFL || duration < 0 || duration > 0xFFFF_FFFFL) {
            throw new IllegalArgumentException("call " + calls + ": start " + start + " duration " + duration
                    + " out of order or out of range (previous start " + lastStart + ")");
        }
        lastStart = start;
        if (buf.remaining() < TraceFormat.RECORD_SIZE) {
            flush();
        }
        buf.putInt((int) start).putInt((int) duration).putInt(caller).putInt(callee);
        calls++;
    }

    /** Calls written so far. */
    public long calls() {
        return calls;
    }

    private void flush() throws IOException {
        buf.flip();
        while (buf.hasRemaining()) {
            out.write(buf);
        }
        buf.clear();
    }

    @Override
    public void close() throws IOException {
        try {
            flush();
            ByteBuffer h = ByteBuffer.allocate(TraceFormat.HEADER_SIZE).order(ByteOrder.LITTLE_ENDIAN);
            h.put(TraceFormat.MAGIC).putInt(TraceFormat.VERSION).putInt(users).putLong(epoch).putLong(calls);
            h.flip();
            out.write(h, 0);
        } finally {
            out.close();
        }
    }
}
