package org.herd.bench.jmh;

import java.util.concurrent.TimeUnit;
import org.herd.core.crypto.dtls.DtlsRecordCipher;
import org.herd.core.wire.Cell;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;

/**
 * Herd's own application-data record layer of a link ({@link DtlsRecordCipher}): sealing one
 * 256-byte cell into a 293-byte DTLS 1.2 AES-128-GCM record, and sealing plus opening it (one
 * record sent and received, the per-cell crypto of one link direction). Compare with
 * {@link DtlsRecordBenchmark} (Bouncy Castle's record layer, same record format) in the same run;
 * with {@code -prof gc} the allocation per record is what SunJCE's per-record GCM init costs.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class LinkRecordBenchmark {

    private final byte[] material = new byte[DtlsRecordCipher.KEY_MATERIAL_SIZE];
    private final DtlsRecordCipher client;
    private final DtlsRecordCipher server;
    private final byte[] cell = new byte[Cell.SIZE];
    private final byte[] record = new byte[Cell.SIZE + DtlsRecordCipher.OVERHEAD];
    private final byte[] opened = new byte[Cell.SIZE];
    private long sequence;

    public LinkRecordBenchmark() {
        for (int i = 0; i < material.length; i++) {
            material[i] = (byte) (31 * i + 7);
        }
        client = DtlsRecordCipher.forClient(material, 1);
        server = DtlsRecordCipher.forServer(material, 1);
    }

    /** Sealing only: one record sent. */
    @Benchmark
    public int seal() {
        return client.seal(sequence++, cell, 0, Cell.SIZE, record, 0);
    }

    /** Seal and open: one record sent and received; the result is the opened length (256). */
    @Benchmark
    public int sealAndOpen() {
        int n = client.seal(sequence++, cell, 0, Cell.SIZE, record, 0);
        return server.open(record, 0, n, opened, 0);
    }
}
