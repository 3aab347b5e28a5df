package org.herd.core.mix;

import java.net.InetSocketAddress;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import org.herd.core.crypto.IdentityKeyPair;
import org.herd.core.crypto.IdentityPublicKey;
import org.herd.core.link.LinkConfig;
import org.herd.core.link.LinkException;
import org.herd.core.link.LinkFailureReason;
import org.herd.core.node.NodeLinks;
import org.herd.core.sched.RateClass;
import org.herd.core.time.Clock;

/**
 * A zone directory's links to the Mixes (§3.3 of the Herd paper): accepts a DTLS link from every
 * Mix in {@code mixes}, sends on each at {@code rate} cells per tick (Chaff when idle, like every
 * Herd link), reassembles {@link DirectoryLinkCodec} requests per link and answers each through
 * a {@link DirectoryLinkService} on the same link. The handler runs on the link's event loop.
 */
public final class DirectoryLinkServer implements AutoCloseable {

    /** Link events of the server, on its event loop. */
    public interface Events {
        /** A Mix linked. */
        default void linkUp(IdentityPublicKey mix) {
        }

        /** A Mix's link went down. */
        default void linkDown(IdentityPublicKey mix, LinkFailureReason reason) {
        }
    }

    private final NodeLinks links;
    private final DirectoryLinkService service;
    private final Map<Integer, DirectoryLinkCodec.Assembler> assemblers = new HashMap<>();
    private int messageIds;

    private DirectoryLinkServer(LinkConfig config, IdentityKeyPair key, InetSocketAddress listen, Set<IdentityPublicKey> mixes,
            int rate, DirectoryLinkService.Handler handler, Clock clock, Events events) throws LinkException {
        this.service = new DirectoryLinkService(handler);
        Set<IdentityPublicKey> admitted = Set.copyOf(mixes);
        this.links = NodeLinks.start(config, key, listen, admitted::contains, clock, l -> {
            RateClass rc = l.newRateClass("directory", rate);
            return new NodeLinks.Handler() {
                @Override
                public RateClass rateClass(IdentityPublicKey peer) {
                    return rc;
                }

                @Override
                public void linkUp(int peer, IdentityPublicKey identity) {
                    assemblers.put(peer, new DirectoryLinkCodec.Assembler());
                    events.linkUp(identity);
                }

                @Override
                public void linkDown(int peer, IdentityPublicKey identity, LinkFailureReason reason) {
                    assemblers.remove(peer);
                    events.linkDown(identity, reason);
                }

                @Override
                public void onCell(int peer, byte[] buffer, int offset) {
                    byte[] m = assemblers.get(peer).accept(buffer, offset);
                    byte[] reply = m == null ? null : service.serve(m);
                    if (reply != null) {
                        for (byte[] c : DirectoryLinkCodec.cells(messageIds++, reply)) {
                            l.send(peer, c, 0);
                        }
                    }
                }
            };
        });
    }

    /**
     * Binds {@code listen} and serves the Mixes' requests with {@code handler}; {@code events}
     * hears of links.
     *
     * @throws LinkException if the socket cannot be bound
     */
    public static DirectoryLinkServer start(LinkConfig config, IdentityKeyPair key, InetSocketAddress listen,
            Set<IdentityPublicKey> mixes, int rate, DirectoryLinkService.Handler handler, Clock clock,
            Events events) throws LinkException {
        return new DirectoryLinkServer(config, key, listen, mixes, rate, handler, clock, events);
    }

    /** The links (address, counters). */
    public NodeLinks links() {
        return links;
    }

    /** Requests answered, read on the loop. */
    public long served() {
        return links.call(service::served);
    }

    /** Requests dropped as malformed, read on the loop. */
    public long malformed() {
        return links.call(service::malformed);
    }

    /** Closes every link. */
    @Override
    public void close() {
        links.close();
    }
}
