package org.herd.gateway.devnet;

import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.stream.Collectors;
import org.herd.core.crypto.IdentityKeyPair;
import org.herd.core.crypto.IdentityPublicKey;
import org.herd.core.crypto.NodeKeys;
import org.herd.core.link.Link;
import org.herd.core.link.LinkConfig;
import org.herd.core.link.LinkEndpoint;
import org.herd.core.link.LinkFailureReason;
import org.herd.core.link.LinkListener;
import org.herd.core.link.LinkReactor;
import org.herd.core.link.PacedLinks;
import org.herd.core.sched.RateClass;
import org.herd.core.sched.SlotDriver;
import org.herd.core.sched.SlotScheduler;
import org.herd.core.time.SystemClock;
import org.herd.core.wire.Cell;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code herd link-node}: one node holding constant-rate DTLS links, with a known payload at a
 * chosen share of its slots. It is the link demo that devnet runs, and the far end of the
 * link system tests. It prints one JSON object per line: {@code listening}, {@code up},
 * {@code stats} every second, {@code down}, and {@code done} at the end.
 */
@Command(name = "link-node", mixinStandardHelpOptions = true,
        description = "Hold constant-rate DTLS links (link demo, system tests); prints JSON lines.")
public final class LinkNodeCommand implements Callable<Integer> {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Option(names = "--listen", description = "Address to bind, host:port or [v6]:port (default ${DEFAULT-VALUE}).")
    String listen = "127.0.0.1:0";

    @Option(names = "--keys", description = "State directory with identity.key (default: fresh keys in memory).")
    Path keys;

    @Option(names = "--connect", description = "Peer to dial, host:port.")
    String connect;

    @Option(names = "--peer-key", description = "The peer's identity key (hex) that --connect must find.")
    String peerKey;

    @Option(names = "--accept-key", description = "Identity keys (hex) allowed to dial in; default: anyone when not dialling.")
    List<String> acceptKeys;

    @Option(names = "--rate", description = "Cells per 20 ms tick on every link (default ${DEFAULT-VALUE}).")
    int rate = 1;

    @Option(names = "--payload-percent", description = "Share of slots carrying payload, 0..100 (default ${DEFAULT-VALUE}).")
    int payloadPercent;

    @Option(names = "--seconds", description = "Run time; 0 runs until stopped (default ${DEFAULT-VALUE}).")
    int seconds;

    private final Map<Link, NodeLink> links = new ConcurrentHashMap<>();
    /** Links that went down, kept for the summary (event loop only). */
    private final List<NodeLink> retired = new java.util.ArrayList<>();
    private final CountDownLatch stop = new CountDownLatch(1);
    private final CountDownLatch finished = new CountDownLatch(1);

    /** Per-link state, touched on the event loop only. */
    private static final class NodeLink {
        final PacedLinks.Paced paced;
        final SequencedPayload payload = new SequencedPayload();
        final byte[] scratch = new byte[Cell.SIZE];
        double credit;
        long lastDatagramsOut;
        long lastDatagramsIn;
        long lastPayloadIn;
        long lastChaffIn;

        NodeLink(PacedLinks.Paced paced) {
            this.paced = paced;
        }
    }

    @Override
    public Integer call() throws Exception {
        var out = spec.commandLine().getOut();
        var err = spec.commandLine().getErr();
        if (rate < 1 || rate > 1000 || payloadPercent < 0 || payloadPercent > 100 || seconds < 0) {
            err.println("herd link-node: --rate must be 1..1000, --payload-percent 0..100, --seconds >= 0");
            return 2;
        }
        if ((connect == null) != (peerKey == null)) {
            err.println("herd link-node: --connect and --peer-key go together");
            return 2;
        }
        InetSocketAddress local;
        InetSocketAddress peer = null;
        IdentityPublicKey expected = null;
        Set<IdentityPublicKey> accepted;
        try {
            local = HostPort.parse(listen);
            if (connect != null) {
                peer = HostPort.parse(connect);
                expected = parseKey(peerKey);
            }
            accepted = acceptKeys == null ? null
                    : acceptKeys.stream().map(LinkNodeCommand::parseKey).collect(Collectors.toSet());
        } catch (IllegalArgumentException e) {
            err.println("herd link-node: " + e.getMessage());
            return 2;
        }
        IdentityKeyPair identity = keys != null ? NodeKeys.readFrom(keys).identity()
                : IdentityKeyPair.generate(new SecureRandom());
        Predicate<IdentityPublicKey> policy = accepted != null ? accepted::contains : (connect == null ? k -> true : null);

        try (LinkReactor reactor = LinkReactor.create(1, true)) {
            PacedLinks[] paced = new PacedLinks[1];
            RateClass[] rateClass = new RateClass[1];
            LinkListener listener = new LinkListener() {
                @Override
                public void onLinkUp(Link link) {
                    NodeLink[] holder = new NodeLink[1];
                    PacedLinks.Paced p = paced[0].attach(link, rateClass[0], (l, buf, off) -> holder[0].payload.check(buf, off));
                    holder[0] = new NodeLink(p);
                    holder[0].lastDatagramsOut = link.counters().datagramsOut();
                    holder[0].lastDatagramsIn = link.counters().datagramsIn();
                    links.put(link, holder[0]);
                    out.println("{\"event\":\"up\",\"peer\":\"" + HostPort.format(link.remoteAddress()) + "\",\"identity\":\""
                            + link.peerIdentity().toHex() + "\",\"suite\":" + link.cipherSuite() + "}");
                }

                @Override
                public void onLinkDown(Link link, LinkFailureReason reason) {
                    NodeLink l = links.remove(link);
                    if (l != null) {
                        paced[0].detach(l.paced);
                        retired.add(l);
                    }
                    out.println("{\"event\":\"down\",\"peer\":\"" + HostPort.format(link.remoteAddress()) + "\",\"reason\":\"" + reason + "\"}");
                }

                @Override
                public void onHandshakeFailed(InetSocketAddress remote, LinkFailureReason reason, Throwable cause) {
                    out.println("{\"event\":\"handshake_failed\",\"peer\":\"" + HostPort.format(remote) + "\",\"reason\":\"" + reason + "\"}");
                }
            };
            LinkConfig config = LinkConfig.builder().build();
            try (LinkEndpoint endpoint = LinkEndpoint.bind(config, identity, local, policy, listener, (l, b, o) -> { }, reactor)) {
                paced[0] = new PacedLinks(endpoint.eventLoop(), SystemClock.INSTANCE,
                        SlotScheduler.Config.alignedToWallClock(SystemClock.INSTANCE), SlotDriver.Tuning.defaults());
                endpoint.eventLoop().submit(() -> rateClass[0] = paced[0].newRateClass("link-node", rate)).get();
                out.println("{\"event\":\"listening\",\"address\":\"" + HostPort.format(endpoint.localAddress())
                        + "\",\"identity\":\"" + identity.publicKey().toHex() + "\",\"transport\":\"" + endpoint.transportName() + "\"}");
                out.flush();
                // Keep the payload queues topped up to the chosen share of the slots.
                endpoint.eventLoop().scheduleAtFixedRate(this::feedPayload, 5, 5, TimeUnit.MILLISECONDS);
                long start = System.nanoTime();
                long[] second = {0};
                endpoint.eventLoop().scheduleAtFixedRate(() -> printStats(out, ++second[0], paced[0]), 1, 1, TimeUnit.SECONDS);
                // On SIGTERM/Ctrl-C: let the main thread print its summary and close the links
                // (close_notify to the peers) before the JVM halts.
                Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                    stop.countDown();
                    try {
                        finished.await(5, TimeUnit.SECONDS);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                }));
                if (peer != null) {
                    try {
                        endpoint.connect(peer, expected).get(config.handshakeTimeoutMillis() + 5000L, TimeUnit.MILLISECONDS);
                    } catch (java.util.concurrent.ExecutionException e) {
                        err.println("herd link-node: cannot link to " + HostPort.format(peer) + ": " + e.getCause().getMessage());
                        return 1;
                    }
                }
                if (seconds > 0) {
                    stop.await(seconds, TimeUnit.SECONDS);
                } else {
                    stop.await();
                }
                String done = endpoint.eventLoop().submit(() -> summary(System.nanoTime() - start, paced[0])).get();
                out.println(done);
                out.flush();
                paced[0].close();
            }
        } finally {
            finished.countDown();
        }
        return 0;
    }

    private static IdentityPublicKey parseKey(String hex) {
        try {
            return IdentityPublicKey.of(HexFormat.of().parseHex(hex));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("'" + hex + "' is not a 64-digit hex Ed25519 public key");
        }
    }

    /** On the event loop: offer payload so that {@code payloadPercent} % of the slots carry it. */
    private void feedPayload() {
        if (payloadPercent == 0) {
            return;
        }
        for (NodeLink l : links.values()) {
            var sender = l.paced.sender();
            if (payloadPercent == 100) {
                while (sender.queuedCells() < sender.queueCapacity()) {
                    l.payload.fillNext(l.scratch, 0);
                    l.paced.send(l.scratch, 0);
                }
            } else {
                // 5 ms of a 20 ms tick: a quarter tick's worth of slots, times the share.
                l.credit += rate * payloadPercent / 400.0;
                while (l.credit >= 1 && sender.queuedCells() < sender.queueCapacity()) {
                    l.payload.fillNext(l.scratch, 0);
                    l.paced.send(l.scratch, 0);
                    l.credit -= 1;
                }
            }
        }
    }

    private void printStats(java.io.PrintWriter out, long second, PacedLinks paced) {
        for (Map.Entry<Link, NodeLink> e : links.entrySet()) {
            Link link = e.getKey();
            NodeLink l = e.getValue();
            long dOut = link.counters().datagramsOut();
            long dIn = link.counters().datagramsIn();
            long pIn = l.paced.filter().payloadCells();
            long cIn = l.paced.filter().chaffCells();
            out.println("{\"event\":\"stats\",\"second\":" + second + ",\"peer\":\"" + HostPort.format(link.remoteAddress())
                    + "\",\"datagrams_out\":" + (dOut - l.lastDatagramsOut) + ",\"datagrams_in\":" + (dIn - l.lastDatagramsIn)
                    + ",\"payload_in\":" + (pIn - l.lastPayloadIn) + ",\"chaff_in\":" + (cIn - l.lastChaffIn)
                    + ",\"late_slots\":" + l.paced.sender().lateSlots() + "}");
            l.lastDatagramsOut = dOut;
            l.lastDatagramsIn = dIn;
            l.lastPayloadIn = pIn;
            l.lastChaffIn = cIn;
        }
        out.flush();
    }

    private String summary(long elapsedNanos, PacedLinks paced) {
        long sent = 0;
        long inOrder = 0;
        long gaps = 0;
        long outOfOrder = 0;
        long corrupt = 0;
        long chaffIn = 0;
        long payloadOut = 0;
        long chaffOut = 0;
        List<NodeLink> all = new java.util.ArrayList<>(links.values());
        all.addAll(retired);
        for (NodeLink l : all) {
            sent += l.payload.sent();
            inOrder += l.payload.inOrder();
            gaps += l.payload.gaps();
            outOfOrder += l.payload.outOfOrder();
            corrupt += l.payload.corrupt();
            chaffIn += l.paced.filter().chaffCells();
            payloadOut += l.paced.sender().payloadCellsSent();
            chaffOut += l.paced.sender().chaffCellsSent();
        }
        return "{\"event\":\"done\",\"seconds\":" + String.format(java.util.Locale.ROOT, "%.3f", elapsedNanos / 1e9)
                + ",\"links\":" + all.size() + ",\"payload_offered\":" + sent + ",\"payload_sent\":" + payloadOut
                + ",\"chaff_sent\":" + chaffOut + ",\"payload_in_order\":" + inOrder + ",\"payload_gaps\":" + gaps
                + ",\"payload_out_of_order\":" + outOfOrder + ",\"payload_corrupt\":" + corrupt + ",\"chaff_in\":" + chaffIn
                + ",\"late_slots\":" + paced.scheduler().lateSlots() + "}";
    }
}
