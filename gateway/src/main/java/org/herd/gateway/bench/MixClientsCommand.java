package org.herd.gateway.bench;

import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;
import org.herd.core.call.Call;
import org.herd.core.call.CallClient;
import org.herd.core.call.CallException;
import org.herd.core.circuit.MixRef;
import org.herd.core.client.ClientNode;
import org.herd.core.crypto.ClientCertificate;
import org.herd.core.crypto.IdentityKeyPair;
import org.herd.core.crypto.IdentityPublicKey;
import org.herd.core.crypto.MixDescriptor;
import org.herd.core.link.LinkConfig;
import org.herd.core.link.PacedLinks;
import org.herd.core.node.SharedLoops;
import org.herd.core.time.SystemClock;
import org.herd.core.wire.Bytes;
import org.herd.gateway.network.ClientCommand;
import org.herd.gateway.network.NetworkLayout;
import org.herd.gateway.network.NodeProcess;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code herd bench mix-clients} (hidden; started by {@code herd bench mix}): the client simulator,
 * one process hosting many real Herd clients ({@link ClientNode}, each with its own UDP socket,
 * DTLS link, constant-rate slots, circuits and registration) on a few shared event loops
 * ({@link SharedLoops}). All clients link to one Mix. Clients 2i and 2i+1 for i below
 * {@code --calls} form a call (2i calls 2i+1); in a call both send one 160-byte G.711-sized test
 * frame per 20 ms tick ({@link ClientCommand#fill}); the rest only keep their chaffed link.
 *
 * <p>Clients are started at {@code --connect-per-second}, with at most {@code --max-pending}
 * started but not yet linked (a DTLS handshake costs the Mix a few ms of CPU; its endpoint admits
 * a bounded number at once). Standard input: {@code call} (place
 * the calls, {@code --calls-per-second}, each retried after a failure), {@code mute} (stop
 * sending frames), {@code status} (one JSON line: clients ready, calls active, frames sent,
 * received, corrupted, one-way delay percentiles since the last status, late slots), {@code quit}.
 * Calls are set up muted (chaff only on the links); {@code unmute} starts the frames.
 * Prints {@code progress} lines every second while starting.
 *
 * <p>The clients file has one line per client: hex identity seed, space, hex client certificate.
 */
@Command(name = "mix-clients", hidden = true, mixinStandardHelpOptions = true,
        description = "Client simulator for herd bench mix (many clients in one process); prints JSON lines.")
public final class MixClientsCommand implements Callable<Integer> {

    private static final HexFormat HEX = HexFormat.of();

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Option(names = "--network", required = true, description = "Network layout file.")
    Path network;

    @Option(names = "--clients", required = true, description = "Clients file (hex seed, space, hex certificate per line).")
    Path clientsFile;

    @Option(names = "--mix", required = true, description = "Hex identity key of the Mix every client links to.")
    String mixKey;

    @Option(names = "--calls", description = "Calls between clients 2i and 2i+1 (default ${DEFAULT-VALUE}).")
    int calls;

    @Option(names = "--loops", description = "Event loops shared by all clients (default ${DEFAULT-VALUE}).")
    int loops = 2;

    @Option(names = "--connect-per-second", description = "Clients started per second (default ${DEFAULT-VALUE}).")
    int connectPerSecond = 50;

    @Option(names = "--max-pending", description = "Clients started but not yet linked, at most (default ${DEFAULT-VALUE}).")
    int maxPending = 16;

    @Option(names = "--calls-per-second", description = "Calls placed per second (default ${DEFAULT-VALUE}).")
    int callsPerSecond = 20;

    @Option(names = "--exit-on-stdin-eof", description = "Stop when standard input ends.")
    boolean exitOnStdinEof;

    /** One simulated client; its fields are written on its event loop. */
    private final class Sim {
        final ClientCertificate certificate;
        final int index;
        volatile ClientNode node;
        Sim peer;
        Call call;
        boolean linked;
        boolean ready;
        boolean caller;
        boolean connected;
        /** The caller may dial from {@link #nextAttemptNanos} on (set by the {@code call} command). */
        boolean armed;
        long nextAttemptNanos;
        int sequence;
        final byte[] frame = new byte[ClientCommand.FRAME];

        Sim(int index, ClientCertificate certificate) {
            this.index = index;
            this.certificate = certificate;
        }

        void tick() {
            CallClient c = node == null ? null : node.client();
            if (c == null) {
                return;
            }
            if (!linked && node.linked()) {
                linked = true;
                clientsLinked.incrementAndGet();
            }
            if (!ready && c.ready() && c.isRegistered(certificate.zone())) {
                ready = true;
                clientsReady.incrementAndGet();
            }
            if (call != null && call.state() == Call.State.ACTIVE && !muted) {
                ClientCommand.fill(frame, sequence++, ClientCommand.wallMicros());
                if (call.sendFrame(frame, 0, ClientCommand.FRAME)) {
                    framesSent.increment();
                }
            }
            if (armed && ready && call == null && System.nanoTime() - nextAttemptNanos >= 0) {
                try {
                    call = c.call(peer.certificate);
                    callAttempts.increment();
                } catch (CallException e) {
                    callFailures.increment();
                    nextAttemptNanos = System.nanoTime() + TimeUnit.SECONDS.toNanos(1);
                }
            }
        }

        CallClient.Listener listener() {
            return new CallClient.Listener() {
                @Override
                public void onIncoming(Call incoming) {
                    call = incoming;
                    incoming.accept();
                }

                @Override
                public void onConnected(Call c) {
                    connected = true;
                    activeLegs.incrementAndGet();
                }

                @Override
                public void onEnded(Call ended, int reason) {
                    if (ended != call) {
                        return;
                    }
                    if (connected) {
                        activeLegs.decrementAndGet();
                    }
                    connected = false;
                    call = null;
                    if (caller) {
                        callFailures.increment();
                        // The caller tries again (a pre-built circuit may have run out at its rendezvous Mix).
                        nextAttemptNanos = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(500 + index % 500);
                    }
                }

                @Override
                public void onRejoin(String zone, MixRef other) {
                    rejoins.increment();
                }

                @Override
                public void onFrame(Call c, long frameNumber, byte[] buffer, int offset, int length) {
                    if (!ClientCommand.intact(buffer, offset, length)) {
                        framesCorrupted.increment();
                        return;
                    }
                    framesReceived.increment();
                    long delay = ClientCommand.wallMicros() - Bytes.getLong(buffer, offset);
                    delays.recordValue(Math.max(0, Math.min(delay, 10_000_000L)));
                }
            };
        }
    }

    private final AtomicInteger clientsLinked = new AtomicInteger();
    private final AtomicInteger clientsReady = new AtomicInteger();
    private final AtomicInteger activeLegs = new AtomicInteger();
    private final LongAdder framesSent = new LongAdder();
    private final LongAdder framesReceived = new LongAdder();
    private final LongAdder framesCorrupted = new LongAdder();
    private final LongAdder callAttempts = new LongAdder();
    private final LongAdder callFailures = new LongAdder();
    private final LongAdder rejoins = new LongAdder();
    private final Recorder delays = new Recorder(10_000_000L, 2);
    /** Frames start with {@code unmute}: calls are set up on chaffed links only, then carry frames. */
    private volatile boolean muted = true;

    @Override
    public Integer call() throws Exception {
        NodeProcess proc = new NodeProcess(spec.commandLine().getOut());
        List<Sim> sims = new ArrayList<>();
        MixDescriptor mix;
        List<MixRef> zoneMixes;
        Map<IdentityPublicKey, InetSocketAddress> addresses = new HashMap<>();
        int rate;
        try {
            if (loops < 1 || connectPerSecond < 1 || callsPerSecond < 1 || calls < 0 || maxPending < 1) {
                throw new IllegalArgumentException("--loops, --connect-per-second, --max-pending, --calls-per-second must be >= 1");
            }
            NetworkLayout layout = NetworkLayout.read(network, SystemClock.INSTANCE);
            mix = layout.descriptor(IdentityPublicKey.of(HEX.parseHex(mixKey)));
            if (mix == null) {
                throw new IllegalArgumentException("--mix: no such Mix in the layout");
            }
            NetworkLayout.Zone zone = layout.zone(mix.zone());
            zoneMixes = zone.mixes().stream().map(MixRef::of).toList();
            zone.mixes().forEach(d -> addresses.put(d.mixKey(), d.address()));
            rate = layout.rates().client();
            for (String line : Files.readAllLines(clientsFile)) {
                if (line.isBlank()) {
                    continue;
                }
                String[] f = line.trim().split(" ");
                ClientCertificate cert = ClientCertificate.decode(HEX.parseHex(f[1]));
                cert.verify(zone.certificate(), SystemClock.INSTANCE);
                Sim s = new Sim(sims.size(), cert);
                sims.add(s);
                seeds.add(HEX.parseHex(f[0]));
            }
            if (2 * calls > sims.size()) {
                throw new IllegalArgumentException("--calls " + calls + " needs " + 2 * calls + " clients, the file has " + sims.size());
            }
        } catch (Exception e) {
            spec.commandLine().getErr().println("herd bench mix-clients: " + e.getMessage());
            return 2;
        }
        for (int i = 0; i < calls; i++) {
            Sim a = sims.get(2 * i);
            Sim b = sims.get(2 * i + 1);
            a.peer = b;
            b.peer = a;
            a.caller = true;
        }
        proc.watch(exitOnStdinEof, line -> {
            switch (line) {
                case "call" -> {
                    long now = System.nanoTime();
                    for (Sim s : sims) {
                        if (s.caller && s.node != null) {
                            long at = now + TimeUnit.SECONDS.toNanos(s.index / 2) / callsPerSecond;
                            s.node.links().execute(() -> {
                                s.nextAttemptNanos = at;
                                s.armed = true;
                            });
                        }
                    }
                }
                case "stop-half" -> {
                    // Every other pair of clients (both parties of every other call, and as many
                    // chaff-only clients) leaves: the Mix's heap with the rest is the bench's
                    // second point for its per-client figure.
                    int stopped = 0;
                    for (Sim s : sims) {
                        ClientNode n = s.node;
                        if ((s.index / 2) % 2 == 1 && n != null) {
                            s.node = null;
                            n.close();
                            stopped++;
                        }
                    }
                    proc.emit("{\"event\":\"stopped-half\",\"stopped\":" + stopped + "}");
                }
                case "mute" -> muted = true;
                case "unmute" -> muted = false;
                case "status" -> proc.emit(status(sims.size()));
                case "quit" -> proc.stop();
                default -> proc.emit("{\"event\":\"error\",\"reason\":" + NodeProcess.q("unknown command " + line) + "}");
            }
        });
        SecureRandom random = new SecureRandom();
        // Each simulated client has its own socket with a few arrivals per tick: polled reads
        // would batch nothing there, so the simulator reads on every arrival whatever the default.
        LinkConfig link = LinkConfig.builder().random(random).polledReads(false).build();
        MixRef mixRef = MixRef.of(mix);
        InetSocketAddress any = new InetSocketAddress("127.0.0.1", 0);
        try (SharedLoops shared = SharedLoops.create(loops, true, SystemClock.INSTANCE)) {
            this.shared = shared;
            try {
                long start = System.nanoTime();
                long lastProgress = start;
                for (int i = 0; i < sims.size() && !proc.awaitStop(0); i++) {
                    Sim s = sims.get(i);
                    ClientNode.Settings settings = new ClientNode.Settings(IdentityKeyPair.fromSeed(seeds.get(i)), s.certificate,
                            mixRef, zoneMixes, addresses, any, rate, link, TimeUnit.SECONDS.toNanos(5));
                    s.node = ClientNode.start(settings, SystemClock.INSTANCE, random, s.listener(), s::tick, shared);
                    long due = start + TimeUnit.SECONDS.toNanos(i + 1) / connectPerSecond;
                    long wait = due - System.nanoTime();
                    if (wait > 0) {
                        TimeUnit.NANOSECONDS.sleep(wait);
                    }
                    // Handshakes cost the Mix CPU and its endpoint admits a bounded number at once: on a
                    // loaded machine a burst would time out and be retried 10 s later. Keep few in flight.
                    long pendingSince = System.nanoTime();
                    boolean stopping = false;
                    while (!stopping && i + 1 - clientsLinked.get() >= maxPending
                            && System.nanoTime() - pendingSince < TimeUnit.SECONDS.toNanos(15)) {
                        stopping = proc.awaitStop(10);
                    }
                    if (System.nanoTime() - lastProgress > TimeUnit.SECONDS.toNanos(1)) {
                        lastProgress = System.nanoTime();
                        proc.emit("{\"event\":\"progress\",\"started\":" + (i + 1) + ",\"ready\":" + clientsReady.get() + "}");
                    }
                }
                proc.emit("{\"event\":\"started\",\"clients\":" + sims.size() + "}");
                while (!proc.awaitStop(1000) && clientsReady.get() < sims.size()) {
                    proc.emit("{\"event\":\"progress\",\"started\":" + sims.size() + ",\"ready\":" + clientsReady.get() + "}");
                }
                proc.awaitStop();
                proc.emit(status(sims.size()).replace("\"status\"", "\"stopped\""));
            } finally {
                for (Sim s : sims) {
                    if (s.node != null) {
                        s.node.close();
                    }
                }
            }
        } finally {
            proc.finished();
        }
        return 0;
    }

    private final List<byte[]> seeds = new ArrayList<>();
    private volatile SharedLoops shared;

    private String status(int clients) {
        Histogram h = delays.getIntervalHistogram();
        long late = 0;
        long fired = 0;
        SharedLoops s = shared;
        if (s != null) {
            for (PacedLinks p : s.paced()) {
                late += p.scheduler().lateSlots();
                fired += p.scheduler().slotsFired();
            }
        }
        return String.format(java.util.Locale.ROOT, "{\"event\":\"status\",\"clients\":%d,\"linked\":%d,\"ready\":%d,\"calls\":%d,"
                + "\"call_legs_active\":%d,\"call_attempts\":%d,\"call_failures\":%d,\"frames_sent\":%d,\"frames_received\":%d,"
                + "\"frames_corrupted\":%d,\"delay_ms_p50\":%.2f,\"delay_ms_p99\":%.2f,\"delay_samples\":%d,"
                + "\"slots_fired\":%d,\"late_slots\":%d,\"rejoins\":%d}",
                clients, clientsLinked.get(), clientsReady.get(), calls, activeLegs.get(), callAttempts.sum(), callFailures.sum(), framesSent.sum(),
                framesReceived.sum(), framesCorrupted.sum(), h.getValueAtPercentile(50) / 1000.0,
                h.getValueAtPercentile(99) / 1000.0, h.getTotalCount(), fired, late, rejoins.sum());
    }
}
