package org.herd.core.mix;

import java.net.InetSocketAddress;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import org.herd.core.circuit.Mix;
import org.herd.core.circuit.MixRef;
import org.herd.core.crypto.IdentityPublicKey;
import org.herd.core.crypto.NodeKeys;
import org.herd.core.link.LinkConfig;
import org.herd.core.link.LinkException;
import org.herd.core.link.LinkFailureReason;
import org.herd.core.node.NodeLinks;
import org.herd.core.sched.RateClass;
import org.herd.core.time.Clock;

/**
 * A Mix process's runtime (§3.1–§3.4 of the Herd paper): the pure circuit {@link Mix} on real
 * links. One {@link NodeLinks} (one DTLS endpoint, one event loop, constant-rate senders);
 * the Mix's {@code CellOutlet} copies into the slot queue of the peer's link (full: dropped and
 * counted); {@link Mix#poll()} runs every 20 ms tick on the loop. Links:
 * <ul>
 * <li>a full mesh to every other Mix of every zone; of each pair the Mix with the lower identity
 * key (unsigned byte order) dials, so two Mixes never dial each other at once;</li>
 * <li>one link to every zone directory (this Mix dials), carrying {@link DirectoryLinkCodec}
 * cells for the rendezvous REGISTER/LOOKUP ({@link RemoteDirectory});</li>
 * <li>inbound client links, admitted by identity key from an allow-list of certified clients.</li>
 * </ul>
 * Rate classes, one each: client links, intra-zone Mix links, inter-zone Mix links, directory links.
 */
public final class MixNode implements AutoCloseable {

    /** Another Mix: its descriptor's keys and the address this Mix dials (the descriptor's, or a relay's). */
    public record Peer(MixRef ref, InetSocketAddress dial) {
        /** Checks. */
        public Peer {
            Objects.requireNonNull(ref);
            Objects.requireNonNull(dial);
        }
    }

    /** A zone directory's link address and key. */
    public record Directory(String zone, IdentityPublicKey key, InetSocketAddress address) {
        /** Checks. */
        public Directory {
            Objects.requireNonNull(zone);
            Objects.requireNonNull(key);
            Objects.requireNonNull(address);
        }
    }

    /** Rates in cells per 20 ms tick, per link class. */
    public record Rates(int client, int intraZone, int interZone, int directory) {
        /** Checks. */
        public Rates {
            if (client < 1 || intraZone < 1 || interZone < 1 || directory < 1) {
                throw new IllegalArgumentException("every rate must be at least 1 cell per tick");
            }
        }
    }

    /** Everything a Mix needs to run, validated once. */
    public record Settings(String zone, NodeKeys keys, InetSocketAddress listen, List<Peer> mixes,
            List<Directory> directories, Set<IdentityPublicKey> clients, Rates rates, LinkConfig link, Mix.Config mix) {
        /** Checks. */
        public Settings {
            Objects.requireNonNull(zone);
            Objects.requireNonNull(keys);
            Objects.requireNonNull(listen);
            mixes = List.copyOf(mixes);
            directories = List.copyOf(directories);
            clients = Set.copyOf(clients);
            Objects.requireNonNull(rates);
            Objects.requireNonNull(link);
            Objects.requireNonNull(mix);
        }
    }

    /** What happens, on the event loop. */
    public interface Events {
        /** A link came up; {@code kind} is client, intra-zone, inter-zone or directory. */
        default void linkUp(String kind, IdentityPublicKey peer) {
        }

        /** A link went down. */
        default void linkDown(String kind, IdentityPublicKey peer, LinkFailureReason reason) {
        }

        /** Every Mix and directory link is up and a pre-built circuit to every other Mix is open (once). */
        default void ready() {
        }
    }

    /** A snapshot of counters, taken on the loop. */
    public record Snapshot(int linksUp, int circuits, int registrations, long forwardDrops, long backwardDrops,
            long sendDrops, long lateSlots, long directoryReplies, long directoryUnreachable) {
    }

    private final Settings settings;
    private final NodeLinks links;
    private final Map<IdentityPublicKey, Peer> mixesByKey = new HashMap<>();
    private final Map<IdentityPublicKey, Directory> directoriesByKey = new HashMap<>();
    private final Map<String, IdentityPublicKey> directoryOfZone = new HashMap<>();
    private Mix mix;
    private RemoteDirectory directory;
    private DirectoryLinkCodec.Assembler[] assemblers = new DirectoryLinkCodec.Assembler[16];
    private int messageIds;
    private boolean ready;
    private final Events events;

    private MixNode(Settings settings, Clock clock, SecureRandom random, Events events) throws LinkException {
        this.settings = settings;
        this.events = Objects.requireNonNull(events);
        for (Peer p : settings.mixes()) {
            mixesByKey.put(p.ref().identity(), p);
        }
        for (Directory d : settings.directories()) {
            directoriesByKey.put(d.key(), d);
            directoryOfZone.put(d.zone(), d.key());
        }
        IdentityPublicKey self = settings.keys().identity().publicKey();
        Set<IdentityPublicKey> inbound = new HashSet<>(settings.clients());
        for (Peer p : settings.mixes()) {
            inbound.add(p.ref().identity());
        }
        this.links = NodeLinks.start(settings.link(), settings.keys().identity(), settings.listen(), inbound::contains,
                clock, l -> handler(l, clock, random, events));
        links.every(20, this::tick);
        for (Peer p : settings.mixes()) {
            if (lower(self, p.ref().identity())) {
                links.keep(p.dial(), p.ref().identity());
            }
        }
        for (Directory d : settings.directories()) {
            links.keep(d.address(), d.key());
        }
    }

    /** Binds, starts the loop and starts dialling. */
    public static MixNode start(Settings settings, Clock clock, SecureRandom random, Events events) throws LinkException {
        return new MixNode(settings, clock, random, events);
    }

    /** True if {@code a} is below {@code b} in unsigned byte order (then {@code a} dials). */
    public static boolean lower(IdentityPublicKey a, IdentityPublicKey b) {
        return Arrays.compareUnsigned(a.encoded(), b.encoded()) < 0;
    }

    private NodeLinks.Handler handler(NodeLinks l, Clock clock, SecureRandom random, Events ev) {
        RateClass clientClass = l.newRateClass("client", settings.rates().client());
        RateClass intraClass = l.newRateClass("intra-zone-mix", settings.rates().intraZone());
        RateClass interClass = l.newRateClass("inter-zone-mix", settings.rates().interZone());
        RateClass directoryClass = l.newRateClass("directory", settings.rates().directory());
        directory = new RemoteDirectory(settings.zone(), this::sendToDirectory, l::execute);
        mix = new Mix(settings.keys().identity().publicKey(), List.of(settings.keys().onion()), l::send, clock, random,
                directory, settings.mix());
        directory.bind(mix);
        for (Peer p : settings.mixes()) {
            mix.addRendezvousPeer(p.ref());
        }
        return new NodeLinks.Handler() {
            @Override
            public RateClass rateClass(IdentityPublicKey peer) {
                return switch (kind(peer)) {
                    case "directory" -> directoryClass;
                    case "intra-zone" -> intraClass;
                    case "inter-zone" -> interClass;
                    default -> clientClass;
                };
            }

            @Override
            public void linkUp(int peer, IdentityPublicKey identity) {
                if (directoriesByKey.containsKey(identity)) {
                    if (peer >= assemblers.length) {
                        assemblers = Arrays.copyOf(assemblers, Math.max(peer + 1, assemblers.length * 2));
                    }
                    assemblers[peer] = new DirectoryLinkCodec.Assembler();
                } else {
                    mix.linkUp(peer, identity);
                }
                ev.linkUp(kind(identity), identity);
            }

            @Override
            public void linkDown(int peer, IdentityPublicKey identity, LinkFailureReason reason) {
                if (peer < assemblers.length && assemblers[peer] != null) {
                    assemblers[peer] = null;
                } else {
                    mix.linkDown(peer);
                }
                ev.linkDown(kind(identity), identity, reason);
            }

            @Override
            public void onCell(int peer, byte[] buffer, int offset) {
                DirectoryLinkCodec.Assembler a = peer < assemblers.length ? assemblers[peer] : null;
                if (a == null) {
                    mix.onCell(peer, buffer, offset);
                    return;
                }
                byte[] message = a.accept(buffer, offset);
                if (message != null) {
                    directory.onMessage(message);
                }
            }
        };
    }

    private String kind(IdentityPublicKey peer) {
        if (directoriesByKey.containsKey(peer)) {
            return "directory";
        }
        Peer p = mixesByKey.get(peer);
        if (p != null) {
            return p.ref().zone().equals(settings.zone()) ? "intra-zone" : "inter-zone";
        }
        return "client";
    }

    private boolean sendToDirectory(String zone, byte[] message) {
        IdentityPublicKey key = directoryOfZone.get(zone);
        int peer = key == null ? -1 : links.peerOf(key);
        if (peer < 0) {
            return false;
        }
        boolean all = true;
        for (byte[] cell : DirectoryLinkCodec.cells(messageIds++, message)) {
            all &= links.send(peer, cell, 0);
        }
        return all;
    }

    private void tick() {
        mix.poll();
        if (!ready && isReady()) {
            ready = true;
            events.ready();
        }
    }

    private boolean isReady() {
        for (Directory d : settings.directories()) {
            if (links.peerOf(d.key()) < 0) {
                return false;
            }
        }
        for (Peer p : settings.mixes()) {
            if (links.peerOf(p.ref().identity()) < 0 || mix.spareCircuits(p.ref().identity()) == 0) {
                return false;
            }
        }
        return true;
    }

    /** Counters, read on the loop. */
    public Snapshot snapshot() {
        return links.call(() -> new Snapshot(links.linksUp(), mix.table().size(), mix.registrations(),
                mix.counters().forwardDrops(), mix.counters().backwardDrops(), links.sendDrops(),
                links.paced().scheduler().lateSlots(), directory.replies(), directory.unreachable()));
    }

    /** The bound address. */
    public InetSocketAddress localAddress() {
        return links.localAddress();
    }

    /** The links (loop, counters). */
    public NodeLinks links() {
        return links;
    }

    /** Stops the Mix: links close, pacing stops. */
    @Override
    public void close() {
        links.close();
    }
}
