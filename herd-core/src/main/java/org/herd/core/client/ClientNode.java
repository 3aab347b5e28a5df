package org.herd.core.client;

import java.net.InetSocketAddress;
import java.security.SecureRandom;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Consumer;
import org.herd.core.call.Call;
import org.herd.core.call.CallClient;
import org.herd.core.circuit.MixRef;
import org.herd.core.crypto.ClientCertificate;
import org.herd.core.crypto.IdentityKeyPair;
import org.herd.core.crypto.IdentityPublicKey;
import org.herd.core.crypto.OnionKeyPair;
import org.herd.core.link.LinkConfig;
import org.herd.core.link.LinkException;
import org.herd.core.link.LinkFailureReason;
import org.herd.core.node.NodeLinks;
import org.herd.core.node.SharedLoops;
import org.herd.core.sched.RateClass;
import org.herd.core.time.Clock;

/**
 * A Herd client process's runtime (§3.3, §3.5 of the Herd paper): a {@link CallClient} on one
 * constant-rate DTLS link to its Mix (dialled, re-dialled while down). The client joins its zone
 * when the link first comes up; {@link CallClient#poll()} runs every 20 ms tick on the loop,
 * followed by the application's tick (e.g. sending one voice frame). Inbound links are refused.
 * When the link to its Mix goes down (closed, or silent for {@link NodeLinks#SILENCE_MILLIS}) the
 * client re-joins (§3.5): {@code CallClient} picks another Mix of the zone, this node links to it
 * and hands the link over ({@code mixLinkUp}); an active call resumes.
 */
public final class ClientNode implements AutoCloseable {

    /** What the client needs, validated once. */
    public record Settings(IdentityKeyPair identity, ClientCertificate certificate, MixRef mix,
            List<MixRef> zoneMixes, Map<IdentityPublicKey, InetSocketAddress> addresses, InetSocketAddress listen, int rate,
            LinkConfig link, long stepTimeoutNanos) {
        /** Checks; {@code addresses} must name every Mix of the zone. */
        public Settings {
            Objects.requireNonNull(identity);
            Objects.requireNonNull(certificate);
            Objects.requireNonNull(mix);
            zoneMixes = List.copyOf(zoneMixes);
            addresses = Map.copyOf(addresses);
            for (MixRef m : zoneMixes) {
                if (!addresses.containsKey(m.identity())) {
                    throw new IllegalArgumentException("no address for Mix " + m.identity());
                }
            }
            Objects.requireNonNull(listen);
            Objects.requireNonNull(link);
            if (rate < 1) {
                throw new IllegalArgumentException("client link rate must be at least 1 cell per tick");
            }
        }
    }

    private final NodeLinks links;
    private CallClient client;
    private boolean joined;
    private int mixPeer = -1;

    private ClientNode(Settings s, Clock clock, SecureRandom random, CallClient.Listener listener, Runnable onTick,
            SharedLoops shared) throws LinkException {
        Map<IdentityPublicKey, MixRef> zoneMixes = new HashMap<>();
        s.zoneMixes().forEach(m -> zoneMixes.put(m.identity(), m));
        NodeLinks[] self = new NodeLinks[1];
        MixRef[] rejoinTarget = new MixRef[1];
        // The client asks for a link to another Mix of its zone when its Mix is lost (§3.5).
        CallClient.Listener events = new CallClient.Listener() {
            @Override
            public void onRegistered(String zone, int status) {
                listener.onRegistered(zone, status);
            }

            @Override
            public void onIncoming(Call call) {
                listener.onIncoming(call);
            }

            @Override
            public void onConnected(Call call) {
                listener.onConnected(call);
            }

            @Override
            public void onEnded(Call call, int reason) {
                listener.onEnded(call, reason);
            }

            @Override
            public void onFrame(Call call, long frameNumber, byte[] buffer, int offset, int length) {
                listener.onFrame(call, frameNumber, buffer, offset, length);
            }

            @Override
            public void onResumed(Call call) {
                listener.onResumed(call);
            }

            @Override
            public void onRejoin(String zone, MixRef mix) {
                listener.onRejoin(zone, mix);
                rejoinTarget[0] = mix;
                int up = self[0].peerOf(mix.identity());
                if (up >= 0) {
                    self[0].execute(() -> client.mixLinkUp(up, mix));
                } else {
                    self[0].keep(s.addresses().get(mix.identity()), mix.identity());
                }
            }
        };
        this.links = NodeLinks.start(s.link(), s.identity(), s.listen(), null, clock, l -> {
            self[0] = l;
            RateClass rc = l.newRateClass("client", s.rate());
            client = new CallClient(s.identity(), OnionKeyPair.generate(random), l::send, clock, random, events,
                    s.stepTimeoutNanos());
            return new NodeLinks.Handler() {
                @Override
                public RateClass rateClass(IdentityPublicKey peer) {
                    return zoneMixes.containsKey(peer) ? rc : null;
                }

                @Override
                public void linkUp(int peer, IdentityPublicKey identity) {
                    if (!joined) {
                        joined = true;
                        mixPeer = peer;
                        client.join(new CallClient.Zone(s.certificate(), peer, s.mix(), s.zoneMixes()));
                    } else if (rejoinTarget[0] != null && rejoinTarget[0].identity().equals(identity)) {
                        mixPeer = peer;
                        rejoinTarget[0] = null;
                        client.mixLinkUp(peer, zoneMixes.get(identity));
                    }
                }

                @Override
                public void linkDown(int peer, IdentityPublicKey identity, LinkFailureReason reason) {
                    if (peer == mixPeer) {
                        mixPeer = -1;
                    }
                    client.linkDown(peer);
                }

                @Override
                public void onCell(int peer, byte[] buffer, int offset) {
                    client.onCell(peer, buffer, offset);
                }
            };
        }, shared);
        links.every(20, () -> {
            if (joined) {
                client.poll();
            }
            onTick.run();
        });
        links.keep(s.addresses().get(s.mix().identity()), s.mix().identity());
    }

    /** Binds, dials the Mix; events arrive on the loop through {@code listener}, and {@code onTick} every tick. */
    public static ClientNode start(Settings settings, Clock clock, SecureRandom random, CallClient.Listener listener,
            Runnable onTick) throws LinkException {
        return start(settings, clock, random, listener, onTick, null);
    }

    /**
     * As {@link #start(Settings, Clock, SecureRandom, CallClient.Listener, Runnable)}, on one loop
     * of {@code shared} (null: a loop of its own), so that many clients in one process (a client
     * simulator) share a few threads; each keeps its own socket, DTLS link and constant rate.
     */
    public static ClientNode start(Settings settings, Clock clock, SecureRandom random, CallClient.Listener listener,
            Runnable onTick, SharedLoops shared) throws LinkException {
        return new ClientNode(settings, clock, random, listener, onTick, shared);
    }

    /** The call client (event loop only). */
    public CallClient client() {
        return client;
    }

    /** True once the link to the Mix is up (event loop). */
    public boolean linked() {
        return mixPeer >= 0;
    }

    /** Runs {@code action} with the call client on the loop. */
    public void execute(Consumer<CallClient> action) {
        links.execute(() -> action.accept(client));
    }

    /** The links (loop, counters). */
    public NodeLinks links() {
        return links;
    }

    /** Closes the link. */
    @Override
    public void close() {
        links.close();
    }
}
