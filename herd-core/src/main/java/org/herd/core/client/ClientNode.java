package org.herd.core.client;

import java.net.InetSocketAddress;
import java.security.SecureRandom;
import java.util.List;
import java.util.Objects;
import java.util.function.Consumer;
import org.herd.core.call.CallClient;
import org.herd.core.circuit.MixRef;
import org.herd.core.crypto.ClientCertificate;
import org.herd.core.crypto.IdentityKeyPair;
import org.herd.core.crypto.OnionKeyPair;
import org.herd.core.link.LinkConfig;
import org.herd.core.link.LinkException;
import org.herd.core.link.LinkFailureReason;
import org.herd.core.node.NodeLinks;
import org.herd.core.sched.RateClass;
import org.herd.core.time.Clock;

/**
 * A Herd client process's runtime (§3.3, §3.5 of the Herd paper): a {@link CallClient} on one
 * constant-rate DTLS link to its Mix (dialled, re-dialled while down). The client joins its zone
 * when the link first comes up; {@link CallClient#poll()} runs every 20 ms tick on the loop,
 * followed by the application's tick (e.g. sending one voice frame). Inbound links are refused.
 *
 * <p><b>Not built</b>: re-joining another Mix when the link is lost (§3.5).
 */
public final class ClientNode implements AutoCloseable {

    /** What the client needs, validated once. */
    public record Settings(IdentityKeyPair identity, ClientCertificate certificate, MixRef mix,
            InetSocketAddress mixAddress, List<MixRef> zoneMixes, InetSocketAddress listen, int rate, LinkConfig link,
            long stepTimeoutNanos) {
        /** Checks. */
        public Settings {
            Objects.requireNonNull(identity);
            Objects.requireNonNull(certificate);
            Objects.requireNonNull(mix);
            Objects.requireNonNull(mixAddress);
            zoneMixes = List.copyOf(zoneMixes);
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

    private ClientNode(Settings s, Clock clock, SecureRandom random, CallClient.Listener listener, Runnable onTick)
            throws LinkException {
        this.links = NodeLinks.start(s.link(), s.identity(), s.listen(), null, clock, l -> {
            RateClass rc = l.newRateClass("client", s.rate());
            client = new CallClient(s.identity(), OnionKeyPair.generate(random), l::send, clock, random, listener,
                    s.stepTimeoutNanos());
            return new NodeLinks.Handler() {
                @Override
                public RateClass rateClass(org.herd.core.crypto.IdentityPublicKey peer) {
                    return peer.equals(s.mix().identity()) ? rc : null;
                }

                @Override
                public void linkUp(int peer, org.herd.core.crypto.IdentityPublicKey identity) {
                    mixPeer = peer;
                    if (!joined) {
                        joined = true;
                        client.join(new CallClient.Zone(s.certificate(), peer, s.mix(), s.zoneMixes()));
                    }
                }

                @Override
                public void linkDown(int peer, org.herd.core.crypto.IdentityPublicKey identity, LinkFailureReason reason) {
                    mixPeer = -1;
                }

                @Override
                public void onCell(int peer, byte[] buffer, int offset) {
                    client.onCell(peer, buffer, offset);
                }
            };
        });
        links.every(20, () -> {
            if (joined) {
                client.poll();
            }
            onTick.run();
        });
        links.keep(s.mixAddress(), s.mix().identity());
    }

    /** Binds, dials the Mix; events arrive on the loop through {@code listener}, and {@code onTick} every tick. */
    public static ClientNode start(Settings settings, Clock clock, SecureRandom random, CallClient.Listener listener,
            Runnable onTick) throws LinkException {
        return new ClientNode(settings, clock, random, listener, onTick);
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
