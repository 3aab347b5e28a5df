package org.herd.core.link;

import io.netty.channel.ChannelConfig;
import io.netty.channel.FixedRecvByteBufAllocator;
import io.netty.channel.RecvByteBufAllocator;
import io.netty.util.UncheckedBooleanSupplier;

/**
 * The receive-buffer allocator of a link socket: fixed-size buffers (one recvmmsg(2) batch), and
 * a read pass that goes on until the socket is empty or {@code maxDatagramsPerPass} datagrams
 * were read, whether or not Netty's autoRead is on.
 *
 * <p>Why: Netty's own handle stops a pass after one read when autoRead is off (its
 * {@code continueReading} requires autoRead), so a socket read on request ({@link
 * LinkEndpoint#pollReads}) gave at most one recvmmsg batch per request — 16 datagrams per poll
 * interval, far below what a Mix with hundreds of client links receives, and the socket queue
 * overflowed as soon as a wake-up came late. With this handle a polled read drains the socket
 * like an arrival-driven one does; the cap bounds how long one pass keeps the loop from its
 * slot sends (what is left is read at the next poll, at most a poll interval later).
 */
final class DrainingRecvAllocator extends FixedRecvByteBufAllocator {

    private final int maxDatagramsPerPass;

    /** Buffers of {@code bufferBytes}; a pass ends after {@code maxDatagramsPerPass} datagrams. */
    DrainingRecvAllocator(int bufferBytes, int maxDatagramsPerPass) {
        super(bufferBytes);
        if (maxDatagramsPerPass < 1) {
            throw new IllegalArgumentException("maxDatagramsPerPass must be positive");
        }
        this.maxDatagramsPerPass = maxDatagramsPerPass;
    }

    @Override
    public RecvByteBufAllocator.Handle newHandle() {
        return new Handle(super.newHandle(), maxDatagramsPerPass);
    }

    /** Counts the datagrams of a pass itself and continues while the last read got any. */
    private static final class Handle extends RecvByteBufAllocator.DelegatingHandle
            implements RecvByteBufAllocator.ExtendedHandle {
        private final int max;
        private int datagrams;

        Handle(RecvByteBufAllocator.Handle delegate, int max) {
            super(delegate);
            this.max = max;
        }

        @Override
        public void reset(ChannelConfig config) {
            super.reset(config);
            datagrams = 0;
        }

        @Override
        public void incMessagesRead(int n) {
            super.incMessagesRead(n);
            datagrams += n;
        }

        @Override
        public boolean continueReading() {
            return lastBytesRead() > 0 && datagrams < max;
        }

        @Override
        public boolean continueReading(UncheckedBooleanSupplier maybeMoreDataSupplier) {
            return continueReading();
        }
    }
}
