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

    /** Stops delivering; requests in flight may be answered or dropped. */
    @Override
    void close();
}
