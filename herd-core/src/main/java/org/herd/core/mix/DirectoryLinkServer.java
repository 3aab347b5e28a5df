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
 * a {@link DirectoryLinkService} on the same link. The handler runs on the link's event loop. The
 * directory also pushes to its Mixes ({@link #broadcast}: documents, certified clients) and has
 * one of them forward a request to a peer directory ({@link #sendToAny}, {@code FORWARD}).
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

        /** A Mix returned the RESPONSE to a request this directory had it forward ({@link DirectoryLinkCodec#FORWARD}). */
        default void response(IdentityPublicKey mix, byte[] message) {
        }
    }

    private final NodeLinks links;
    private final DirectoryLinkService service;
    private final Set<IdentityPublicKey> mixes;
    private final Map<Integer, DirectoryLinkCodec.Assembler> assemblers = new HashMap<>();
    private final Map<Integer, IdentityPublicKey> peers = new HashMap<>();
    private long refusedFromClients;
    private int messageIds;

    private DirectoryLinkServer(LinkConfig config, IdentityKeyPair key, InetSocketAddress listen, Set<IdentityPublicKey> mixes,
            boolean openToClients, int rate, DirectoryLinkService.Handler handler, Clock clock, Events events)
            throws LinkException {
        this.service = new DirectoryLinkService(handler);
        this.mixes = Set.copyOf(mixes);
        Set<IdentityPublicKey> admitted = this.mixes;
        this.links = NodeLinks.start(config, key, listen, k -> openToClients || admitted.contains(k), clock, l -> {
            RateClass rc = l.newRateClass("directory", rate);
            return new NodeLinks.Handler() {
                @Override
                public RateClass rateClass(IdentityPublicKey peer) {
                    return rc;
                }

                @Override
                public void linkUp(int peer, IdentityPublicKey identity) {
                    assemblers.put(peer, new DirectoryLinkCodec.Assembler());
                    peers.put(peer, identity);
                    events.linkUp(identity);
                }

                @Override
                public void linkDown(int peer, IdentityPublicKey identity, LinkFailureReason reason) {
                    assemblers.remove(peer);
                    peers.remove(peer);
                    events.linkDown(identity, reason);
                }

                @Override
                public void onCell(int peer, byte[] buffer, int offset) {
                    byte[] m = assemblers.get(peer).accept(buffer, offset);
                    if (m == null) {
                        return;
                    }
                    IdentityPublicKey from = peers.get(peer);
                    int type = m[0] & 0xFF;
                    boolean fromMix = admitted.contains(from);
                    if (type == DirectoryLinkCodec.RESPONSE) {
                        if (fromMix) {
                            events.response(from, m);
                        } else {
                            refusedFromClients++;
                        }
                        return;
                    }
                    if (!fromMix && !clientRequest(m)) {
                        // A client's link (open for JOIN and GET_DIRECTORY) carries nothing else.
                        refusedFromClients++;
                        return;
                    }
                    byte[] reply = service.serve(from, m);
                    if (reply != null) {
                        sendOnLoop(peer, reply);
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
        return new DirectoryLinkServer(config, key, listen, mixes, false, rate, handler, clock, events);
    }

    /**
     * Like {@link #start(LinkConfig, IdentityKeyPair, InetSocketAddress, Set, int, DirectoryLinkService.Handler, Clock, Events)},
     * and if {@code openToClients} also admits links from any other identity (a client joining the
     * zone, §3.5: it has no Mix yet): such a link carries only directory-protocol REQUESTs (JOIN,
     * GET_DIRECTORY; the service checks each), anything else from it is dropped and counted.
     *
     * @throws LinkException if the socket cannot be bound
     */
    public static DirectoryLinkServer start(LinkConfig config, IdentityKeyPair key, InetSocketAddress listen,
            Set<IdentityPublicKey> mixes, boolean openToClients, int rate, DirectoryLinkService.Handler handler,
            Clock clock, Events events) throws LinkException {
        return new DirectoryLinkServer(config, key, listen, mixes, openToClients, rate, handler, clock, events);
    }

    /** A REQUEST message whose directory request is a JOIN or GET_DIRECTORY: all a client may ask directly. */
    private static boolean clientRequest(byte[] m) {
        if ((m[0] & 0xFF) != DirectoryLinkCodec.REQUEST || m.length < 9) {
            return false;
        }
        int type = org.herd.core.directory.DirectoryMessages.peekType(java.util.Arrays.copyOfRange(m, 9, m.length));
        return type == org.herd.core.directory.DirectoryMessages.JOIN
                || type == org.herd.core.directory.DirectoryMessages.GET_DIRECTORY;
    }

    private void sendOnLoop(int peer, byte[] message) {
        for (byte[] c : DirectoryLinkCodec.cells(messageIds++, message)) {
            links.send(peer, c, 0);
        }
    }

    /**
     * Sends {@code message} to {@code mix} if it is linked and its slot queue has room for every
     * cell of the message now (event loop); otherwise sends nothing and returns false, so a
     * message is never cut short by a full queue.
     */
    public boolean sendWhole(IdentityPublicKey mix, byte[] message) {
        int peer = links.peerOf(mix);
        if (peer < 0 || !peers.containsKey(peer) || links.queueRoom(peer) < DirectoryLinkCodec.cellCount(message.length)) {
            return false;
        }
        sendOnLoop(peer, message);
        return true;
    }

    /** Sends {@code message} to {@code mix} if it is linked, cell by cell: a full queue drops (and counts) the rest (event loop). */
    public boolean send(IdentityPublicKey mix, byte[] message) {
        int peer = links.peerOf(mix);
        if (peer < 0 || !peers.containsKey(peer)) {
            return false;
        }
        sendOnLoop(peer, message);
        return true;
    }

    /** Cells the link to {@code mix} can queue now; 0 if it is not linked (event loop). */
    public int queueRoom(IdentityPublicKey mix) {
        return links.queueRoom(links.peerOf(mix));
    }

    /** Cells the link to {@code mix} can queue at most at its rate; 0 if it is not linked (event loop). */
    public int queueBound(IdentityPublicKey mix) {
        return links.queueBound(links.peerOf(mix));
    }

    /** Sends {@code message} to every linked Mix (event loop); returns how many. */
    public int broadcast(byte[] message) {
        int n = 0;
        for (Map.Entry<Integer, IdentityPublicKey> p : peers.entrySet()) {
            if (mixes.contains(p.getValue())) {
                sendOnLoop(p.getKey(), message);
                n++;
            }
        }
        return n;
    }

    /** Sends {@code message} to the first linked Mix that {@code which} accepts (event loop); false if none is linked. */
    public boolean sendToAny(java.util.function.Predicate<IdentityPublicKey> which, byte[] message) {
        for (Map.Entry<Integer, IdentityPublicKey> p : peers.entrySet()) {
            if (mixes.contains(p.getValue()) && which.test(p.getValue())) {
                sendOnLoop(p.getKey(), message);
                return true;
            }
        }
        return false;
    }

    /** Messages from client links other than requests, dropped (event loop). */
    public long refusedFromClients() {
        return refusedFromClients;
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
