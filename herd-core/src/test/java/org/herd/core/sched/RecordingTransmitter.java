package org.herd.core.sched;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.herd.core.time.Clock;
import org.herd.core.wire.Cell;

/** Test transmitter: remembers the clock reading and a copy of every cell it was handed. */
final class RecordingTransmitter implements CellTransmitter {

    final Clock clock;
    final List<Long> times = new ArrayList<>();
    final List<byte[]> cells = new ArrayList<>();

    RecordingTransmitter(Clock clock) {
        this.clock = clock;
    }

    @Override
    public boolean transmit(byte[] cell, int off) {
        times.add(clock.nanoTime());
        cells.add(Arrays.copyOfRange(cell, off, off + Cell.SIZE));
        return true;
    }

    int commandAt(int i) {
        return cells.get(i)[Cell.COMMAND_OFFSET] & 0xFF;
    }
}
