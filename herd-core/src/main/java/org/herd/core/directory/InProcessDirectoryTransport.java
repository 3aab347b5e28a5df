package org.herd.core.directory;

import java.util.Objects;
import java.util.function.UnaryOperator;

/**
 * A {@link DirectoryTransport} inside one process, for tests and the embedded devnet: a caller
 * hands request bytes to {@link #send(byte[])} and gets the response bytes back, exactly as a
 * remote peer would see them. Thread-safe.
 */
public final class InProcessDirectoryTransport implements DirectoryTransport {

    private UnaryOperator<byte[]> handler;
    private boolean closed;

    @Override
    public synchronized void start(UnaryOperator<byte[]> handler) {
        if (this.handler != null) {
            throw new IllegalStateException("already started");
        }
        this.handler = Objects.requireNonNull(handler, "handler");
    }

    /**
     * Delivers one request and returns the response bytes.
     *
     * @throws IllegalStateException if the transport is not started or already closed (the
     *                               "connection" is down, as a remote client would see)
     */
    public byte[] send(byte[] request) {
        UnaryOperator<byte[]> h;
        synchronized (this) {
            if (handler == null || closed) {
                throw new IllegalStateException(closed ? "transport closed" : "transport not started");
            }
            h = handler;
        }
        return h.apply(request.clone());
    }

    @Override
    public synchronized void close() {
        closed = true;
    }
}
