package org.herd.gateway.network;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import org.herd.core.call.Call;
import org.herd.core.call.CallClient;
import org.herd.core.call.CallException;
import org.herd.core.circuit.MixRef;
import org.herd.core.client.ClientNode;
import org.herd.core.client.DirectoryJoin;
import org.herd.core.crypto.CertificateException;
import org.herd.core.crypto.ClientCertificate;
import org.herd.core.crypto.IdentityKeyPair;
import org.herd.core.crypto.KeyFiles;
import org.herd.core.crypto.MixDescriptor;
import org.herd.core.link.LinkConfig;
import org.herd.core.time.SystemClock;
import org.herd.core.wire.Bytes;
import org.herd.gateway.config.ClientConfig;
import org.herd.gateway.devnet.HostPort;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * {@code herd client --config FILE}: a Herd client ({@link ClientNode}) that sends test voice
 * frames, for devnet and system tests. FILE is either the role's configuration ({@code herd.client.*},
 * {@link ClientConfig}, shipped as {@code etc/herd-client.properties}: the client JOINs through its
 * zone directory first and prints {@code joined}), or a static layout form with keys {@code network}, {@code identity}
 * (identity.key), {@code certificate} (its client certificate, binary), {@code mix} (hex key of
 * its Mix), {@code listen} (default 127.0.0.1:0), {@code peer-certificate} (the callee's
 * certificate, binary; optional). Commands on standard input: {@code call}, {@code mute} (stop sending
 * frames), {@code hangup}, {@code status} (prints a {@code status} line), {@code quit}. Incoming calls are accepted. While a call is active one 160-byte frame is sent
 * per 20 ms tick: send time 8 | sequence 4 | pattern 148 (byte i = seq·31 + i).
 *
 * <p><b>Clock</b>: the send time is wall-clock microseconds since 1970 ({@link Instant#now()},
 * CLOCK_REALTIME on Linux, microsecond resolution), because {@code System.nanoTime} is per
 * process. The one-way delay {@code receive time − send time} is valid between processes on one
 * host (one clock); it is not monotonic across an NTP step, which a short self-test ignores.
 *
 * <p>JSON lines: listening, linked, registered, ready, connected (setup_ms), incoming, rejoin, resumed,
 * frame_gap (an intact frame arrived more than {@link #GAP_REPORT_MILLIS} after the previous one:
 * gap_ms, seq_before, seq_after, received_before: intact frames of the call before the gap — how
 * long a resume interrupted the audio),
 * ended (frames_sent, frames_received, frames_corrupted, frames_dropped, frames_intact, frames_out_of_order,
 * max_gap_ms, delays_us), status and stopped (both with the client's counters, {@link #counters}; stopped
 * also send_drops).
 */
@Command(name = "client", mixinStandardHelpOptions = true, description = "Run a Herd test client; prints JSON lines.")
public final class ClientCommand implements Callable<Integer> {

    /** Bytes of a test frame (one 20 ms G.711 frame). */
    public static final int FRAME = 160;
    private static final int MAX_DELAYS = 100_000;
    /** A pause between two received frames longer than this is reported as a frame_gap line. */
    static final long GAP_REPORT_MILLIS = 200;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @CommandLine.Mixin
    NodeOptions options;

    private final byte[] frame = new byte[FRAME];
    private final long[] delays = new long[MAX_DELAYS];
    private int delayCount;
    private long corrupted;
    private long lastFrameNanos;
    private int lastSeq;
    private long outOfOrder;
    private long received;
    private long maxGapNanos;
    private int sequence;
    private long callStartNanos;
    private boolean readyPrinted;
    private boolean muted;

    /** Wall-clock microseconds since 1970 (see the class comment). */
    public static long wallMicros() {
        Instant now = Instant.now();
        return now.getEpochSecond() * 1_000_000L + now.getNano() / 1000;
    }

    /** Fills {@code f} with test frame {@code seq} sent at {@code micros}. */
    public static void fill(byte[] f, int seq, long micros) {
        Bytes.putLong(f, 0, micros);
        Bytes.putInt(f, 8, seq);
        for (int i = 12; i < FRAME; i++) {
            f[i] = (byte) (seq * 31 + i);
        }
    }

    /** True if the frame's pattern matches its sequence number. */
    public static boolean intact(byte[] f, int off, int length) {
        if (length != FRAME) {
            return false;
        }
        int seq = Bytes.getInt(f, off + 8);
        for (int i = 12; i < FRAME; i++) {
            if (f[off + i] != (byte) (seq * 31 + i)) {
                return false;
            }
        }
        return true;
    }

    @Override
    public Integer call() throws Exception {
        NodeProcess proc = new NodeProcess(spec.commandLine().getOut());
        ClientNode.Settings settings;
        Path peerFile;
        try {
            if (Bootstrap.isRoleConfig(options.config, "herd.client.")) {
                ClientConfig c = ClientConfig.load(options.config);
                settings = joined(c, proc);
                peerFile = c.peerCertificate();
            } else {
                Properties p = NetworkLayout.load(options.config);
                settings = fromLayout(p);
                String f = p.getProperty("peer-certificate");
                peerFile = f == null ? null : Path.of(f.trim());
            }
        } catch (org.herd.gateway.config.ConfigException e) {
            spec.commandLine().getErr().println("herd client: " + e.getMessage());
            return 2;
        } catch (DirectoryJoin.JoinException e) {
            spec.commandLine().getErr().println("herd client: JOIN failed: " + e.getMessage());
            return 3;
        } catch (IllegalArgumentException | java.io.IOException | CertificateException e) {
            spec.commandLine().getErr().println("herd client: " + options.config + ": " + e.getMessage());
            return 2;
        }
        return run(proc, settings, peerFile);
    }

    /**
     * The role configuration ({@code herd.client.*}, {@link ClientConfig}): JOINs the zone through
     * its directory (§3.5), writes the issued certificate to the state directory, and attaches to
     * the Mix the directory chose, knowing the zone's Mixes from the signed document.
     */
    private ClientNode.Settings joined(ClientConfig c, NodeProcess proc) throws java.io.IOException, DirectoryJoin.JoinException,
            InterruptedException, org.herd.core.link.LinkException {
        org.herd.core.crypto.IdentityPublicKey root = KeyFiles.readIdentityPublic(c.rootKey());
        org.herd.core.crypto.ZoneCertificate zone = Bootstrap.zoneCertificate(c.zoneCertificate(), root, c.zone(),
                SystemClock.INSTANCE);
        Path keyFile = c.stateDirectory().resolve("identity.key");
        IdentityKeyPair identity;
        if (Files.exists(keyFile)) {
            identity = KeyFiles.readIdentity(keyFile);
        } else {
            identity = IdentityKeyPair.generate(new SecureRandom());
            Files.createDirectories(c.stateDirectory());
            KeyFiles.writeIdentity(keyFile, identity, false);
        }
        DirectoryJoin.Joined j = DirectoryJoin.join(identity, zone, c.directory(), root,
                new java.net.InetSocketAddress(c.listen().getAddress(), 0), LinkConfig.defaults(), SystemClock.INSTANCE,
                new SecureRandom(), 30_000);
        Path cert = c.stateDirectory().resolve("certificate.bin");
        Path tmp = c.stateDirectory().resolve("certificate.bin.tmp");
        Files.write(tmp, j.certificate().encoded());
        Files.move(tmp, cert, java.nio.file.StandardCopyOption.REPLACE_EXISTING, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
        proc.emit("{\"event\":\"joined\",\"zone\":" + NodeProcess.q(c.zone()) + ",\"address\":"
                + NodeProcess.q(j.certificate().address().toString()) + ",\"mix\":" + NodeProcess.q(j.mix().mixKey().toHex())
                + ",\"zone_mixes\":" + j.zoneMixes().size() + "}");
        java.util.Map<org.herd.core.crypto.IdentityPublicKey, java.net.InetSocketAddress> addresses = new java.util.HashMap<>();
        j.zoneMixes().forEach(d -> addresses.put(d.mixKey(), d.address()));
        return new ClientNode.Settings(identity, j.certificate(), MixRef.of(j.mix()),
                j.zoneMixes().stream().map(MixRef::of).toList(), addresses, c.listen(), c.linkRate(), LinkConfig.defaults(),
                TimeUnit.SECONDS.toNanos(5));
    }

    /** The static layout form ({@code network}, {@code identity}, {@code certificate}, {@code mix}). */
    private ClientNode.Settings fromLayout(Properties p) throws java.io.IOException, CertificateException {
        ClientNode.Settings settings;
        {
            NetworkLayout layout = NetworkLayout.ofConfig(p, SystemClock.INSTANCE);
            IdentityKeyPair identity = KeyFiles.readIdentity(Path.of(NetworkLayout.require(p, "identity")));
            ClientCertificate cert = ClientCertificate.decode(Files.readAllBytes(Path.of(NetworkLayout.require(p, "certificate"))));
            NetworkLayout.Zone zone = layout.zone(cert.zone());
            cert.verify(zone.certificate(), SystemClock.INSTANCE);
            MixDescriptor mix = layout.descriptor(NetworkLayout.key(NetworkLayout.require(p, "mix")));
            if (mix == null || !mix.zone().equals(zone.name())) {
                throw new IllegalArgumentException("key 'mix': not a Mix of zone " + zone.name());
            }
            List<MixRef> zoneMixes = zone.mixes().stream().map(MixRef::of).toList();
            java.util.Map<org.herd.core.crypto.IdentityPublicKey, java.net.InetSocketAddress> addresses = new java.util.HashMap<>();
            zone.mixes().forEach(d -> addresses.put(d.mixKey(), d.address()));
            settings = new ClientNode.Settings(identity, cert, MixRef.of(mix), zoneMixes, addresses,
                    HostPort.parse(p.getProperty("listen", "127.0.0.1:0").trim()), layout.rates().client(),
                    LinkConfig.defaults(), TimeUnit.SECONDS.toNanos(5));
        }
        return settings;
    }

    private Integer run(NodeProcess proc, ClientNode.Settings settings, Path peerFile) throws Exception {
        ClientNode[] node = new ClientNode[1];
        CallClient.Listener listener = new CallClient.Listener() {
            @Override
            public void onRegistered(String zone, int status) {
                proc.emit("{\"event\":\"registered\",\"zone\":" + NodeProcess.q(zone) + ",\"status\":" + status + "}");
            }

            @Override
            public void onIncoming(Call call) {
                proc.emit("{\"event\":\"incoming\"}");
                startCall();
                call.accept();
                proc.emit("{\"event\":\"connected\",\"caller\":false}");
            }

            @Override
            public void onConnected(Call call) {
                if (call.isCaller()) {
                    long setup = System.nanoTime() - callStartNanos;
                    proc.emit("{\"event\":\"connected\",\"caller\":true,\"setup_ms\":"
                            + String.format(java.util.Locale.ROOT, "%.1f", setup / 1e6) + "}");
                }
            }

            @Override
            public void onEnded(Call call, int reason) {
                proc.emit(ended(call, reason));
            }

            @Override
            public void onRejoin(String zone, MixRef mix) {
                proc.emit("{\"event\":\"rejoin\",\"zone\":" + NodeProcess.q(zone) + ",\"mix\":" + NodeProcess.q(mix.identity().toHex()) + "}");
            }

            @Override
            public void onResumed(Call call) {
                proc.emit("{\"event\":\"resumed\"}");
            }

            @Override
            public void onFrame(Call call, long frameNumber, byte[] buffer, int offset, int length) {
                long now = wallMicros();
                if (!intact(buffer, offset, length)) {
                    corrupted++;
                    return;
                }
                if (delayCount < MAX_DELAYS) {
                    delays[delayCount++] = now - Bytes.getLong(buffer, offset);
                }
                received++;
                long at = System.nanoTime();
                int seq = Bytes.getInt(buffer, offset + 8);
                if (lastFrameNanos != 0) {
                    long gap = at - lastFrameNanos;
                    maxGapNanos = Math.max(maxGapNanos, gap);
                    if (seq <= lastSeq) {
                        outOfOrder++;
                    }
                    if (gap > TimeUnit.MILLISECONDS.toNanos(GAP_REPORT_MILLIS)) {
                        proc.emit("{\"event\":\"frame_gap\",\"gap_ms\":" + String.format(java.util.Locale.ROOT, "%.1f", gap / 1e6)
                                + ",\"seq_before\":" + lastSeq + ",\"seq_after\":" + seq + ",\"received_before\":" + (received - 1) + "}");
                    }
                }
                lastFrameNanos = at;
                lastSeq = seq;
            }
        };
        Runnable tick = () -> {
            CallClient c = node[0] == null ? null : node[0].client();
            if (c == null) {
                return;
            }
            if (!readyPrinted && c.ready() && c.isRegistered(settings.certificate().zone())) {
                readyPrinted = true;
                proc.emit("{\"event\":\"ready\"}");
            }
            for (Call call : c.calls()) {
                if (call.state() == Call.State.ACTIVE && !muted) {
                    fill(frame, sequence++, wallMicros());
                    call.sendFrame(frame, 0, FRAME);
                }
            }
        };
        try (ClientNode n = ClientNode.start(settings, SystemClock.INSTANCE, new SecureRandom(), listener, tick)) {
            node[0] = n;
            proc.emit("{\"event\":\"listening\",\"role\":\"client\",\"zone\":" + NodeProcess.q(settings.certificate().zone())
                    + ",\"address\":" + NodeProcess.q(HostPort.format(n.links().localAddress())) + ",\"identity\":"
                    + NodeProcess.q(settings.identity().publicKey().toHex()) + "}");
            proc.watch(options.exitOnStdinEof, line -> {
                switch (line) {
                    case "call" -> n.execute(c -> {
                        // Read now: with JOIN, the callee's certificate is issued after this client started.
                        ClientCertificate callee;
                        try {
                            callee = peerFile == null ? null : ClientCertificate.decode(Files.readAllBytes(peerFile));
                        } catch (java.io.IOException | CertificateException e) {
                            proc.emit("{\"event\":\"error\",\"reason\":" + NodeProcess.q("peer certificate: " + e.getMessage()) + "}");
                            return;
                        }
                        if (callee == null) {
                            proc.emit("{\"event\":\"error\",\"reason\":\"no peer-certificate configured\"}");
                            return;
                        }
                        try {
                            startCall();
                            c.call(callee);
                            proc.emit("{\"event\":\"calling\"}");
                        } catch (CallException e) {
                            proc.emit("{\"event\":\"error\",\"reason\":" + NodeProcess.q(e.getMessage()) + "}");
                        }
                    });
                    case "hangup" -> n.execute(c -> {
                        for (Call call : List.copyOf(c.calls())) {
                            call.hangUp();
                        }
                    });
                    case "mute" -> n.execute(c -> muted = true);
                    case "status" -> n.execute(c -> proc.emit("{\"event\":\"status\"," + counters(c.counters())
                            + ",\"calls\":" + c.calls().size() + "}"));
                    case "quit" -> proc.stop();
                    default -> proc.emit("{\"event\":\"error\",\"reason\":" + NodeProcess.q("unknown command " + line) + "}");
                }
            });
            proc.awaitStop();
            proc.emit("{\"event\":\"stopped\",\"send_drops\":" + n.links().call(() -> n.links().sendDrops()) + ","
                    + n.links().call(() -> counters(n.client().counters())) + "}");
        } finally {
            proc.finished();
        }
        return 0;
    }

    /**
     * The client's counters as JSON members (no braces), read on its thread: control requests
     * re-sent ({@code retransmissions}), duplicate answers and requests ({@code duplicates}),
     * ANSWERs whose request id matched no LOOKUP in flight ({@code stale_answers}), and the drops
     * ({@code malformed}, {@code circuit_drops}, {@code unknown_circuit}, {@code unknown_relay_commands},
     * {@code unexpected}); see {@link CallClient.Counters}.
     */
    static String counters(CallClient.Counters c) {
        return "\"retransmissions\":" + c.retransmissions() + ",\"duplicates\":" + c.duplicates()
                + ",\"stale_answers\":" + c.staleAnswers() + ",\"malformed\":" + c.malformed()
                + ",\"circuit_drops\":" + c.circuitDrops() + ",\"unknown_circuit\":" + c.unknownCircuit()
                + ",\"unknown_relay_commands\":" + c.unknownRelayCommands() + ",\"unexpected\":" + c.unexpected();
    }

    private void startCall() {
        callStartNanos = System.nanoTime();
        muted = false;
        delayCount = 0;
        corrupted = 0;
        lastFrameNanos = 0;
        outOfOrder = 0;
        received = 0;
        maxGapNanos = 0;
    }

    private String ended(Call call, int reason) {
        StringBuilder sb = new StringBuilder("{\"event\":\"ended\",\"caller\":").append(call.isCaller())
                .append(",\"reason\":").append(reason).append(",\"frames_sent\":").append(call.framesSent())
                .append(",\"frames_received\":").append(call.framesReceived()).append(",\"frames_corrupted\":").append(corrupted)
                .append(",\"frames_dropped\":").append(call.framesDropped()).append(",\"frames_intact\":").append(received)
                .append(",\"frames_out_of_order\":").append(outOfOrder)
                .append(",\"max_gap_ms\":").append(String.format(java.util.Locale.ROOT, "%.1f", maxGapNanos / 1e6))
                .append(",\"delays_us\":[");
        long[] d = Arrays.copyOf(delays, delayCount);
        for (int i = 0; i < d.length; i++) {
            sb.append(i == 0 ? "" : ",").append(d[i]);
        }
        return sb.append("]}").toString();
    }
}
