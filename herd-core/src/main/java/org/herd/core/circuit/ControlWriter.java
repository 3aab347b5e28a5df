package org.herd.core.circuit;

import org.herd.core.wire.Cell;
import org.herd.core.wire.CellCodec;
import org.herd.core.wire.CellCommand;
import org.herd.core.wire.ControlFragment;
import org.herd.core.wire.RelayCell;

/** Writes the fragments of a control message into relay cells (control path). */
final class ControlWriter {

    /** Receives each fragment cell, written in plaintext, to encrypt and send. */
    @FunctionalInterface
    interface FragmentSink {
        void fragment(byte[] cell, int offset);
    }

    private ControlWriter() {
    }

    /** Fragments {@code message} as relay command {@code cmd} on stream 0 into {@code cell} and hands each to {@code sink}. */
    static void write(byte[] cell, int circuitId, int cmd, int messageId, byte[] message, FragmentSink sink) {
        int n = ControlFragment.fragmentsFor(message.length);
        byte[] data = new byte[RelayCell.MAX_DATA];
        for (int i = 0; i < n; i++) {
            int from = i * ControlFragment.MAX_FRAGMENT_DATA;
            int len = Math.min(ControlFragment.MAX_FRAGMENT_DATA, message.length - from);
            ControlFragment.writeHeader(data, 0, messageId, i, n);
            System.arraycopy(message, from, data, ControlFragment.HEADER_SIZE, len);
            java.util.Arrays.fill(cell, 0, Cell.SIZE, (byte) 0);
            org.herd.core.wire.Bytes.putInt(cell, Cell.CIRCUIT_ID_OFFSET, circuitId);
            cell[Cell.COMMAND_OFFSET] = (byte) CellCommand.RELAY;
            CellCodec.writeRelay(cell, 0, cmd, 0, data, 0, ControlFragment.HEADER_SIZE + len);
            sink.fragment(cell, 0);
        }
    }
}
