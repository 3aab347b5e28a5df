package org.herd.sim.trace;

import java.nio.charset.StandardCharsets;

/**
 * The binary trace format, version 1 (all integers little-endian).
 *
 * <pre>
 * header, 32 bytes:
 *   0  8  magic "HERDTRC1" (ASCII)
 *   8  4  version = 1
 *  12  4  users U: caller and callee ids are in [0, U)
 *  16  8  epoch: Unix time (seconds) of start offset 0
 *  24  8  calls: number of records that follow
 * record, 16 bytes, sorted by start (non-decreasing):
 *   0  4  start offset in seconds from epoch (unsigned 32 bits)
 *   4  4  duration in seconds (unsigned 32 bits)
 *   8  4  caller id
 *  12  4  callee id
 * </pre>
 * 16 bytes per call: a month at the paper's scale (370 M calls) is about 5.9 GB.
 */
public final class TraceFormat {

    /** File magic, 8 ASCII bytes. */
    public static final byte[] MAGIC = "HERDTRC1".getBytes(StandardCharsets.US_ASCII);
    /** Format version written and accepted. */
    public static final int VERSION = 1;
    /** Bytes before the first record. */
    public static final int HEADER_SIZE = 32;
    /** Bytes per call record. */
    public static final int RECORD_SIZE = 16;
    /** Offset of the version field. */
    public static final int VERSION_OFFSET = 8;
    /** Offset of the users field. */
    public static final int USERS_OFFSET = 12;
    /** Offset of the epoch field. */
    public static final int EPOCH_OFFSET = 16;
    /** Offset of the calls field. */
    public static final int CALLS_OFFSET = 24;

    private TraceFormat() {
    }
}
