package org.herd.bench.jmh;

import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.herd.core.wire.Cell;
import org.herd.core.wire.CellCodec;
import org.herd.core.wire.CellCommand;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * Per-cell cost of the wire layer: checking a received plaintext and reading its header, and
 * writing a relay cell. The baseline is a bare copy of one cell, measured in the same run.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class CellCodecBenchmark {

    private final byte[] received = new byte[Cell.SIZE];
    private final byte[] out = new byte[Cell.SIZE];
    private final byte[] frame = new byte[180];
    private final Cell cell = new Cell();

    /** Fills the inputs from a fixed seed. */
    @Setup
    public void setUp() {
        SplittableRandom random = new SplittableRandom(42);
        random.nextBytes(received);
        random.nextBytes(frame);
        received[Cell.COMMAND_OFFSET] = CellCommand.RELAY;
    }

    /** Baseline: copy one cell. */
    @Benchmark
    public byte[] baselineCopy() {
        System.arraycopy(received, 0, out, 0, Cell.SIZE);
        return out;
    }

    /** Check a received record's plaintext and read its circuit id and command. */
    @Benchmark
    public int decodeHeader() {
        if (CellCodec.checkCell(received, 0, Cell.SIZE) != CellCodec.OK) {
            return -1;
        }
        cell.wrap(received, 0);
        return cell.circuitId() ^ cell.command();
    }

    /** Write a relay cell carrying one sealed voice frame. */
    @Benchmark
    public byte[] encodeVoiceRelay() {
        cell.wrap(out, 0).circuitId(7).command(CellCommand.RELAY);
        CellCodec.writeRelay(out, 0, 2, 1, frame, 0, frame.length);
        return out;
    }
}
