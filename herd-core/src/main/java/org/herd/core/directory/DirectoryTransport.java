package org.herd.core.directory;

import java.util.function.UnaryOperator;

/**
 * How directory requests reach a {@link DirectoryService} and responses go back: the transport
 * delivers the bytes of each request to the handler and sends the bytes it returns to whoever
 * asked. Implementations bind it to DTLS links (mixes, peer directories, joining clients) and to
 * circuits (REGISTER/LOOKUP relayed by rendezvous mixes, so the directory never learns a client's
 * own mix — I5); {@link InProcessDirectoryTransport} is the in-memory one for tests.
 */
public interface DirectoryTransport extends AutoCloseable {

    /** Starts delivering requests to {@code handler} (request bytes → response bytes); called once. */
    void start(UnaryOperator<byte[]> handler);

    /**
     * Like {@link #start(UnaryOperator)}; a transport that links the zone's Mixes also pushes them
     * the valid client certificates of {@code certificates} (the directory's store), so they admit
     * clients that joined before the directory (re)started. Called once, instead of the other.
     */
    default void start(UnaryOperator<byte[]> handler, IssuedCertificates certificates) {
        start(handler);
    }

    /** Stops delivering; requests in flight may be answered or dropped. */
    @Override
    void close();
}
