package org.herd.sim.trace;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;

/**
 * Streams a binary trace ({@link TraceFormat}) as a cursor: {@link #next()} then the field
 * getters. Allocation-free per record. Records that break the format (id out of range,
 * caller = callee, start going backwards) are skipped and counted in {@link #badRecords()},
 * with the index of the first one kept for the report.
 */
public final class TraceReader implements AutoCloseable {

    private static final int BUFFER = 16 << 20;

    private final Path path;
    private final FileChannel in;
    private final ByteBuffer buf = ByteBuffer.allocateDirect(BUFFER).order(ByteOrder.LITTLE_ENDIAN);
    private final int users;
    private final long epoch;
    private final long calls;
    private long index;
    private long bad;
    private long firstBad = -1;
    private long start;
    private long duration;
    private int caller;
    private int callee;
    private long lastStart;

    /** Opens {@code path} and checks its header. */
    public TraceReader(Path path) throws IOException {
        this.path = path;
        this.in = FileChannel.open(path, StandardOpenOption.READ);
        try {
            ByteBuffer h = ByteBuffer.allocate(TraceFormat.HEADER_SIZE).order(ByteOrder.LITTLE_ENDIAN);
            while (h.hasRemaining() && in.read(h) >= 0) {
                // keep reading until the header is full or EOF
            }
            if (h.hasRemaining()) {
                throw new TraceFormatException(path + ": shorter than the 32-byte trace header");
            }
            byte[] magic = new byte[8];
            h.flip();
            h.get(magic);
            if (!Arrays.equals(magic, TraceFormat.MAGIC)) {
                throw new TraceFormatException(path + ": not a Herd binary trace (bad magic); "
                        + "convert CSV first with `herd sim convert`");
            }
            int version = h.getInt();
            if (version != TraceFormat.VERSION) {
                throw new TraceFormatException(path + ": trace version " + version + " unsupported");
            }
            this.users = h.getInt();
            this.epoch = h.getLong();
            long declared = h.getLong();
            long present = (in.size() - TraceFormat.HEADER_SIZE) / TraceFormat.RECORD_SIZE;
            if (users < 0 || declared < 0) {
                throw new TraceFormatException(path + ": negative users or calls in header");
            }
            // A truncated file (e.g. an interrupted copy) is read as far as it goes.
            this.calls = Math.min(declared, present);
            buf.limit(0);
        } catch (IOException e) {
            in.close();
            throw e;
        }
    }

    /** Advances to the next well-formed record; false at the end. */
    public boolean next() throws IOException {
        while (index < calls) {
            if (buf.remaining() < TraceFormat.RECORD_SIZE) {
                refill();
            }
            long s = buf.getInt() & 0xFFFF_FFFFL;
            long d = buf.getInt() & 0xFFFF_FFFFL;
            int a = buf.getInt();
            int b = buf.getInt();
            long at = index++;
            if (a < 0 || b < 0 || a >= users || b >= users || a == b || s < lastStart) {
                bad++;
                if (firstBad < 0) {
                    firstBad = at;
                }
                continue;
            }
            lastStart = s;
            start = s;
            duration = d;
            caller = a;
            callee = b;
            return true;
        }
        return false;
    }

    private void refill() throws IOException {
        buf.compact();
        while (buf.hasRemaining()) {
            if (in.read(buf) < 0) {
                break;
            }
        }
        buf.flip();
        if (buf.remaining() < TraceFormat.RECORD_SIZE) {
            throw new TraceFormatException(path + ": unexpected end of file at record " + index);
        }
    }

    /** Start of the current call, seconds from {@link #epoch()}. */
    public long start() {
        return start;
    }

    /** Duration of the current call in seconds. */
    public long duration() {
        return duration;
    }

    /** End of the current call (start + duration), seconds from the epoch. */
    public long end() {
        return start + duration;
    }

    /** Caller id of the current call. */
    public int caller() {
        return caller;
    }

    /** Callee id of the current call. */
    public int callee() {
        return callee;
    }

    /** Number of user ids: ids are in [0, users). */
    public int users() {
        return users;
    }

    /** Unix seconds of start offset 0. */
    public long epoch() {
        return epoch;
    }

    /** Records in the file (well-formed or not). */
    public long calls() {
        return calls;
    }

    /** Records consumed so far (well-formed or not). */
    public long recordsRead() {
        return index;
    }

    /** Malformed records skipped so far. */
    public long badRecords() {
        return bad;
    }

    /** Zero-based index of the first malformed record, or -1. */
    public long firstBadRecord() {
        return firstBad;
    }

    @Override
    public void close() throws IOException {
        in.close();
    }
}
