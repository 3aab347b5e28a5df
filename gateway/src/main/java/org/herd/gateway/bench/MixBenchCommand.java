package org.herd.gateway.bench;

import static org.herd.gateway.devnet.StateDirectory.deleteTree;
import static org.herd.gateway.devnet.StateDirectory.freePort;
import static org.herd.gateway.devnet.StateDirectory.writeConfig;

import java.io.IOException;
import java.io.PrintWriter;

import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.herd.core.crypto.ClientCertificate;
import org.herd.core.crypto.IdentityKeyPair;
import org.herd.core.crypto.IdentityPublicKey;
import org.herd.core.crypto.MixDescriptor;
import org.herd.core.crypto.NodeKeys;
import org.herd.core.directory.ZoneBootstrap;
import org.herd.core.mix.MixNode;
import org.herd.core.sched.SlotTiming;
import org.herd.gateway.devnet.JsonLines;
import org.herd.gateway.network.NetworkLayout;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code herd bench mix --clients N --seconds T [--json]}: what one Mix costs with N direct,
 * chaffed clients (DESIGN.md §7; the paper's prototype: 59 % of a core for 100 clients, §4.3),
 * measured on the production path — separate processes on loopback, real sockets, DTLS records,
 * onion layers, rendezvous splices.
 *
 * <p>It writes a one-zone network into a temporary directory (zone PKI, N client certificates,
 * a {@link NetworkLayout}; deleted at the end) and starts: the measured Mix ({@code herd mix}),
 * a second Mix of the zone (rendezvous Mixes are drawn uniformly from both, so call paths cross
 * the Mix link), the zone directory ({@code herd zone-directory}), and one client simulator
 * ({@link MixClientsCommand}) hosting all N clients on a few shared event loops. Every client
 * links to the measured Mix; N/4 pairs call each other and send one 160-byte frame per 20 ms
 * each way for the whole run, the others only chaff. Once every client is registered and every
 * call connected, the run warms up (JIT) and then measures T seconds.
 *
 * <p>Figures (the Mix's come from its {@code status} command, see {@code MixCommand}):
 * {@code mix_cpu_percent} (user+system time of the Mix process alone from /proc over the window,
 * % of one core), {@code cells_per_second} (datagrams the Mix received + sent per second, each
 * one cell), {@code late_slots} (the Mix's slot scheduler, in the window), {@code heap_mb} (the
 * Mix's live heap after a GC at the end, calls carrying frames) and {@code heap_kb_per_client}
 * (minus the same Mix's live heap once every other pair of clients has stopped and its links and
 * circuits are gone, per client stopped; the heap before any client linked and after all left are
 * printed too); as baselines of the same run: the bare UDP
 * send+receive cost (and half of it, the bare cost of one datagram, against which the Mix's CPU
 * per cell is compared: each cell the Mix counts is one datagram, sent or received), the client simulator's CPU and the load average. Progress goes to standard
 * error; the last line on standard output is one JSON object ({@code --json}). Every child stops
 * with this command (finally block and shutdown hook; the children also stop when their standard
 * input closes, so a SIGKILLed bench leaves no orphans).
 */
@Command(name = "mix", mixinStandardHelpOptions = true,
        description = "Measure one Mix with N direct chaffed clients (half in calls) on loopback; --json prints one JSON line.")
public final class MixBenchCommand implements Callable<Integer> {

    private static final long DAY_MS = 86_400_000L;
    private static final String ZONE = "azone";
    private static final int DIRECTORY_RATE = 2;
    /** Set-up fails when no more clients register (or calls connect) for this long. */
    private static final long STALL_MILLIS = 60_000;
    private static final HexFormat HEX = HexFormat.of();

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Option(names = "--clients", description = "Direct clients of the measured Mix (default ${DEFAULT-VALUE}).")
    int clients = 100;

    @Option(names = "--seconds", description = "Measured seconds (default ${DEFAULT-VALUE}).")
    int seconds = 10;

    @Option(names = "--warmup", description = "Seconds of full load before measuring (JIT) (default ${DEFAULT-VALUE}).")
    int warmup = 5;

    @Option(names = "--client-rate", description = "Client link rate, cells per 20 ms tick each way (default ${DEFAULT-VALUE}, as devnet; 1 = exactly one call).")
    int clientRate = 2;

    @Option(names = "--mix-rate", description = "Mix link rate, cells per tick (default: 2 per call + 16, enough for every call to cross it).")
    Integer mixRate;

    @Option(names = "--client-loops", description = "Event loops of the client simulator (default ${DEFAULT-VALUE}).")
    int clientLoops = 2;

    @Option(names = "--connect-per-second", description = "Clients the simulator starts per second (default ${DEFAULT-VALUE}).")
    int connectPerSecond = 50;

    @Option(names = "--calls-per-second", description = "Calls the simulator places per second (default ${DEFAULT-VALUE}).")
    int callsPerSecond = 20;

    @Option(names = "--mix-heap-mb", description = "-Xmx of the measured Mix, MB (default ${DEFAULT-VALUE}).")
    int mixHeapMb = 512;

    @Option(names = "--mix-socket-buffer-kb", description = "SO_RCVBUF/SO_SNDBUF of the Mixes' sockets, KB; 0: the system's"
            + " (default ${DEFAULT-VALUE}).")
    int mixSocketBufferKb = 4096;

    @Option(names = "--mix-polled-reads", negatable = true, description = "The Mixes read their sockets at slot wake-ups"
            + " (LinkConfig.polledReads) instead of on every arrival (default: the Mix's own default).")
    Boolean mixPolledReads;

    @Option(names = "--mix-jvm-option", hidden = true, description = "Extra JVM option of the measured Mix (profiling:"
            + " e.g. -XX:+PreserveFramePointer); repeatable.")
    List<String> mixJvmOptions = new ArrayList<>();

    @Option(names = "--json", description = "Only the JSON object on standard output (progress on standard error).")
    boolean json;

    private final List<BenchChild> children = new ArrayList<>();
    private int mixPort;
    private PrintWriter err;

    @Override
    public Integer call() throws Exception {
        int calls = clients / 4;
        int linkRate = mixRate != null ? mixRate : Math.min(SlotTiming.MAX_RATE, 2 * calls + 16);
        CommandLine cl = spec.commandLine();
        if (clients < 4 || clients > 20_000) {
            throw new CommandLine.ParameterException(cl, "--clients must be 4..20000 (a quarter of them are callers): " + clients);
        }
        if (seconds < 1 || warmup < 0) {
            throw new CommandLine.ParameterException(cl, "--seconds must be >= 1 and --warmup >= 0");
        }
        if (clientRate < 1 || clientRate > SlotTiming.MAX_RATE || linkRate < 1 || linkRate > SlotTiming.MAX_RATE) {
            throw new CommandLine.ParameterException(cl, "--client-rate and --mix-rate must be 1.." + SlotTiming.MAX_RATE);
        }
        if (clientLoops < 1 || clientLoops > 64 || connectPerSecond < 1 || callsPerSecond < 1 || mixHeapMb < 64
                || mixSocketBufferKb < 0 || mixSocketBufferKb > 1 << 20) {
            throw new CommandLine.ParameterException(cl, "--client-loops 1..64, --connect-per-second >= 1,"
                    + " --calls-per-second >= 1, --mix-heap-mb >= 64, --mix-socket-buffer-kb 0..1048576");
        }
        PrintWriter out = cl.getOut();
        err = cl.getErr();
        double baselineMicros = LinkBenchCommand.bareUdpSendReceiveMicros();
        Path dir = Files.createTempDirectory("herd-bench-mix-");
        Thread hook = new Thread(() -> {
            stopAll();
            deleteTree(dir);
        }, "bench-mix-stop");
        Runtime.getRuntime().addShutdownHook(hook);
        try {
            String result = run(dir, calls, linkRate, baselineMicros);
            if (result.startsWith("error: ")) {
                say("herd bench mix: " + result.substring(7) + " (logs were in " + dir + ")");
                return 1;
            }
            if (!json) {
                printSummary(out, result);
            }
            out.println(result);
            out.flush();
            return 0;
        } finally {
            stopAll();
            deleteTree(dir);
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException e) {
                // already shutting down: the hook cleans up
            }
        }
    }

    private void say(String line) {
        err.println(line);
        err.flush();
    }

    /** The network: file names of the configs and the measured Mix's key. */
    private record Network(Path network, Path clientsFile, List<Path> mixConfigs, Path directoryConfig, IdentityPublicKey measured) {
    }

    private Network writeNetwork(Path dir, int linkRate) throws IOException {
        SecureRandom random = new SecureRandom();
        long now = System.currentTimeMillis();
        long from = now - DAY_MS;
        long until = now + 30 * DAY_MS;
        Map<String, List<InetSocketAddress>> addresses = new LinkedHashMap<>();
        addresses.put(ZONE, List.of(freePort(), freePort()));
        ZoneBootstrap.Network pki = ZoneBootstrap.generate(addresses, from, until, random);
        ZoneBootstrap.write(pki, dir);
        ZoneBootstrap.Zone zone = pki.zones().get(ZONE);
        Path zoneDir = dir.resolve("zones").resolve(ZONE);
        Set<IdentityPublicKey> clientKeys = new HashSet<>();
        StringBuilder clientLines = new StringBuilder();
        for (int i = 0; i < clients; i++) {
            IdentityKeyPair key = IdentityKeyPair.generate(random);
            clientKeys.add(key.publicKey());
            ClientCertificate cert = ClientCertificate.issue(zone.directory(), ZONE, random.nextLong(), key.publicKey(), from, until);
            clientLines.append(HEX.formatHex(key.seed())).append(' ').append(HEX.formatHex(cert.encoded())).append('\n');
        }
        Path clientsFile = dir.resolve("clients.txt");
        Files.writeString(clientsFile, clientLines);
        List<MixDescriptor> mixes = new ArrayList<>();
        zone.mixes().forEach(m -> mixes.add(m.descriptor()));
        Path network = dir.resolve("network.properties");
        new NetworkLayout(pki.root().publicKey(), Map.of(ZONE, new NetworkLayout.Zone(ZONE, zone.certificate(), freePort(), mixes)),
                clientKeys, new MixNode.Rates(clientRate, linkRate, linkRate, DIRECTORY_RATE)).write(network);
        List<Path> mixConfigs = new ArrayList<>();
        for (int m = 0; m < mixes.size(); m++) {
            Path md = zoneDir.resolve("mixes").resolve(Integer.toString(m));
            Map<String, String> mixConfig = new LinkedHashMap<>(Map.of("network", network.toString(), "keys", md.toString(),
                    "socket-buffer-bytes", Integer.toString(mixSocketBufferKb * 1024)));
            if (mixPolledReads != null) {
                mixConfig.put("polled-reads", mixPolledReads.toString()); // absent: the Mix's own default
            }
            mixConfigs.add(writeConfig(md.resolve("mix.properties"), mixConfig));
        }
        Path dd = zoneDir.resolve("directory");
        Path directoryConfig = writeConfig(dd.resolve("directory.properties"), Map.of("network", network.toString(), "zone", ZONE,
                "key", dd.resolve(NodeKeys.IDENTITY_FILE).toString(), "store", dd.resolve("directory.db").toString()));
        return new Network(network, clientsFile, mixConfigs, directoryConfig, mixes.get(0).mixKey());
    }

    private BenchChild start(String name, List<String> jvm, Path dir, String... args) throws IOException {
        BenchChild c = BenchChild.start(name, jvm, dir.resolve(name + ".log"), args);
        synchronized (children) {
            children.add(c);
        }
        return c;
    }

    /** Runs the whole measurement; the JSON object, or "error: why". */
    private String run(Path dir, int calls, int linkRate, double baselineMicros) throws Exception {
        say(String.format(Locale.ROOT, "bench mix: %d clients (%d calls), client rate %d, Mix link rate %d; state in %s",
                clients, calls, clientRate, linkRate, dir));
        Network net = writeNetwork(dir, linkRate);
        List<String> serial = List.of("-Xmx192m", "-XX:+UseSerialGC");
        BenchChild directory = start("directory", serial, dir, "zone-directory", "--config", net.directoryConfig().toString());
        List<String> mixJvm = new ArrayList<>(List.of("-Xmx" + mixHeapMb + "m", "-XX:+UseSerialGC"));
        mixJvm.addAll(mixJvmOptions);
        BenchChild mix = start("mix", mixJvm, dir,
                "mix", "--config", net.mixConfigs().get(0).toString());
        BenchChild other = start("mix2", serial, dir, "mix", "--config", net.mixConfigs().get(1).toString());
        for (BenchChild c : List.of(directory, mix, other)) {
            if (c.awaitEvent("listening", 60_000) == null) {
                return "error: " + c.name + " did not start";
            }
        }
        String address = JsonLines.field(mix.awaitEvent("listening", 1), "address");
        mixPort = Integer.parseInt(address.substring(address.lastIndexOf(':') + 1));
        for (BenchChild c : List.of(mix, other)) {
            if (c.awaitEvent("ready", 60_000) == null) {
                return "error: " + c.name + " not ready (Mix or directory link, or pre-built circuits, missing)";
            }
        }
        // The live heap of the ready Mix before any client (for the record; the per-client figure
        // is taken at the end, when the process is warm and its handshake threads have idled).
        String bare = liveHeap(mix);
        if (bare == null) {
            return "error: the Mix did not answer status";
        }
        say(String.format(Locale.ROOT, "bench mix: Mixes ready; live heap of the measured Mix without clients %.1f MB",
                number(bare, "heap_used_bytes") / 1e6));
        long setupStart = System.nanoTime();
        BenchChild sim = start("clients", List.of("-Xmx" + Math.max(256, 64 + clients) + "m", "-XX:+UseSerialGC"), dir,
                "bench", "mix-clients", "--network", net.network().toString(), "--clients", net.clientsFile().toString(),
                "--mix", net.measured().toHex(), "--calls", Integer.toString(calls), "--loops", Integer.toString(clientLoops),
                "--connect-per-second", Integer.toString(connectPerSecond), "--calls-per-second", Integer.toString(callsPerSecond));
        // All clients, or (on a machine too loaded for the last few) at least 95 %: the JSON says how many.
        String ready = awaitProgress(sim, "ready", clients, STALL_MILLIS);
        if (ready == null || number(ready, "ready") < 0.95 * clients) {
            return "error: only " + lastReady(sim) + " of " + clients + " clients registered, none more for "
                    + STALL_MILLIS / 1000 + " s; " + mixState(mix);
        }
        double linkSeconds = (System.nanoTime() - setupStart) / 1e9;
        say(String.format(Locale.ROOT, "bench mix: %d of %d clients linked and registered in %.1f s; placing %d calls",
                (long) number(ready, "ready"), clients, linkSeconds, calls));
        sim.send("call");
        String connected = awaitProgress(sim, "call_legs_active", 2L * calls, STALL_MILLIS);
        if (connected == null || number(connected, "call_legs_active") < 0.9 * 2 * calls) {
            String s = sim.request("status", "status", 10_000);
            return "error: calls not all connected, no more for " + STALL_MILLIS / 1000 + " s: " + s + "; " + mixState(mix);
        }
        sim.send("unmute");
        say("bench mix: " + (long) number(connected, "call_legs_active") / 2 + " of " + calls + " calls connected ("
                + (long) number(connected, "call_failures")
                + " failed attempts retried); frames flow; warming up " + warmup + " s");
        Thread.sleep(TimeUnit.SECONDS.toMillis(warmup));

        double load0 = BenchChild.ProcStat.loadAverage();
        String m0 = mix.request("status", "status", 10_000);
        String s0 = sim.request("status", "status", 10_000);
        long[] socket0 = BenchChild.ProcStat.udpSocket(mixPort);
        long mixCpu0 = mix.cpuNanos();
        long simCpu0 = sim.cpuNanos();
        long t0 = System.nanoTime();
        say("bench mix: measuring " + seconds + " s");
        Thread.sleep(TimeUnit.SECONDS.toMillis(seconds));
        long mixCpu1 = mix.cpuNanos();
        long[] socket1 = BenchChild.ProcStat.udpSocket(mixPort);
        long simCpu1 = sim.cpuNanos();
        long t1 = System.nanoTime();
        String m1 = mix.request("status", "status", 10_000);
        String s1 = sim.request("status", "status", 10_000);
        double load1 = BenchChild.ProcStat.loadAverage();
        if (m0 == null || m1 == null || s0 == null || s1 == null) {
            return "error: no status from the Mix or the client simulator";
        }
        // End to end: stop sending, let the last frames arrive, count.
        sim.send("mute");
        Thread.sleep(1000);
        String end = sim.request("status", "status", 10_000);
        if (end == null) {
            return "error: no final status";
        }
        // Heap per client: the warm Mix's live heap with all N clients, their calls carrying
        // frames, against the same with every other pair gone (half the calls, half the chaff-only
        // clients), after their links closed and their circuits were torn down. Both points carry
        // the same per-Mix fixed costs (code paths, buffers, caches warmed by traffic), which a
        // comparison with the Mix before any client or after all left would count per client.
        sim.send("unmute");
        Thread.sleep(1000);
        String heap = liveHeap(mix);
        String stopped = sim.request("stop-half", "stopped-half", 30_000);
        if (heap == null || stopped == null) {
            return "error: no heap status, or the simulator did not stop half of its clients";
        }
        long kept = clients - (long) number(stopped, "stopped");
        String half = liveHeapOnceLinksGone(mix, kept);
        sim.send("mute");
        if (half == null) {
            return "error: the Mix still holds the links of the clients that stopped";
        }
        // For the record, the same Mix once every client has gone.
        sim.requestStop();
        sim.awaitStopOrKill();
        String left = liveHeapOnceLinksGone(mix, 0);
        if (left == null) {
            return "error: the Mix still holds client links after the clients stopped";
        }
        return json(new Window(m0, m1, s0, s1, end, bare, heap, half, kept, left, socket1[1] - socket0[1], socket1[0], mixCpu1 - mixCpu0, simCpu1 - simCpu0, t1 - t0, load0, load1),
                calls, linkRate, baselineMicros, linkSeconds);
    }

    /**
     * The Mix's {@code status gc} line with the least live heap of three in a row: an object
     * that is briefly live when one collection runs (a class-loading buffer, a status snapshot)
     * is not counted as the Mix's state.
     */
    private static String liveHeap(BenchChild mix) throws IOException, InterruptedException {
        String least = null;
        for (int i = 0; i < 3; i++) {
            String s = mix.request("status gc", "status", 30_000);
            if (s != null && (least == null || number(s, "heap_used_bytes") < number(least, "heap_used_bytes"))) {
                least = s;
            }
        }
        return least;
    }

    /**
     * {@link #liveHeap} once the Mix holds at most {@code clientLinks} client links (waiting up to
     * 10 s for the others to close) and a second more (the circuits of a closed link are torn down
     * a moment after the link); null if the links did not close.
     */
    private static String liveHeapOnceLinksGone(BenchChild mix, long clientLinks) throws IOException, InterruptedException {
        String status = null;
        for (int i = 0; i < 40 && (status == null || classLinks(status, "client") > clientLinks); i++) {
            Thread.sleep(250);
            status = mix.request("status", "status", 10_000);
        }
        Thread.sleep(1000);
        String heap = liveHeap(mix);
        return heap == null || classLinks(heap, "client") > clientLinks ? null : heap;
    }

    /** Status lines and measurements of the window. */
    private record Window(String mix0, String mix1, String sim0, String sim1, String simEnd, String heapBare, String heapEnd,
            String heapHalf, long keptClients, String heapLeft, long socketDrops, long socketQueueBytes,
            long mixCpuNanos, long simCpuNanos, long wallNanos, double load0, double load1) {
    }

    private String json(Window w, int calls, int linkRate, double baselineMicros, double linkSeconds) {
        double mixWall = number(w.mix1(), "nanos") - number(w.mix0(), "nanos");
        double cells = delta(w, "datagrams_in") + delta(w, "datagrams_out");
        double cellsPerSecond = cells * 1e9 / mixWall;
        double expected = 2.0 * 50 * ((double) clients * clientRate + linkRate + DIRECTORY_RATE);
        double mixCpuPercent = 100.0 * w.mixCpuNanos() / w.wallNanos();
        double simCpuPercent = 100.0 * w.simCpuNanos() / w.wallNanos();
        double usPerCell = w.mixCpuNanos() / 1e3 / Math.max(1, cells * w.wallNanos() / mixWall);
        double heapMb = number(w.heapEnd(), "heap_used_bytes") / 1e6;
        double heapBareMb = number(w.heapBare(), "heap_used_bytes") / 1e6;
        double heapLeftMb = number(w.heapLeft(), "heap_used_bytes") / 1e6;
        double heapHalfMb = number(w.heapHalf(), "heap_used_bytes") / 1e6;
        double framesSent = number(w.simEnd(), "frames_sent");
        double framesReceived = number(w.simEnd(), "frames_received");
        double windowFramesSent = number(w.sim1(), "frames_sent") - number(w.sim0(), "frames_sent");
        double windowFramesReceived = number(w.sim1(), "frames_received") - number(w.sim0(), "frames_received");
        return String.format(Locale.ROOT, "{\"clients\":%d,\"calls\":%d,\"seconds\":%.3f,\"warmup_s\":%d,"
                + "\"client_rate\":%d,\"mix_rate\":%d,\"client_links_up\":%d,\"clients_ready\":%d,\"call_legs_active\":%d,"
                + "\"link_setup_s\":%.1f,"
                + "\"mix_cpu_percent\":%.1f,\"cells_per_second\":%.1f,\"expected_cells_per_second\":%.1f,"
                + "\"mix_cpu_us_per_cell\":%.3f,\"baseline_udp_send_receive_us\":%.3f,\"baseline_udp_us_per_datagram\":%.3f,"
                + "\"mix_cpu_per_cell_vs_baseline\":%.2f,"
                + "\"late_slots\":%d,\"late_slots_by_class\":%s,\"skipped_slots\":%d,\"mix_send_drops\":%d,"
                + "\"mix_forward_drops\":%d,\"mix_backward_drops\":%d,\"mix_circuits\":%d,"
                + "\"heap_mb\":%.2f,\"heap_mb_before_clients\":%.2f,\"heap_mb_after_clients_left\":%.2f,"
                + "\"heap_mb_half_clients\":%.2f,\"heap_half_clients\":%d,\"heap_kb_per_client\":%.2f,"
                + "\"frames_sent\":%d,\"frames_received\":%d,\"frames_corrupted\":%d,\"frames_lost_percent\":%.3f,"
                + "\"window_frames_sent\":%d,\"window_frames_received\":%d,\"delay_ms_p50\":%.2f,\"delay_ms_p99\":%.2f,"
                + "\"client_sim_cpu_percent\":%.1f,\"client_sim_late_slots\":%d,\"mix_cpu_vs_client_sim_cpu\":%.3f,"
                + "\"client_rejoins\":%d,\"mix_socket_drops\":%d,\"mix_socket_queue_bytes\":%d,"
                + "\"load_average_start\":%.2f,\"load_average_end\":%.2f,\"cores\":%d}",
                clients, calls, w.wallNanos() / 1e9, warmup, clientRate, linkRate, classLinks(w.mix1(), "client"),
                (long) number(w.sim1(), "ready"), (long) number(w.sim1(), "call_legs_active"), linkSeconds,
                mixCpuPercent, cellsPerSecond, expected, usPerCell, baselineMicros, baselineMicros / 2,
                usPerCell / (baselineMicros / 2),
                (long) delta(w, "late_slots"), lateByClass(w), (long) delta(w, "skipped_slots"), (long) delta(w, "send_drops"),
                (long) delta(w, "forward_drops"), (long) delta(w, "backward_drops"), (long) number(w.mix1(), "circuits"),
                heapMb, heapBareMb, heapLeftMb, heapHalfMb, w.keptClients(),
                (heapMb - heapHalfMb) * 1000 / Math.max(1, clients - w.keptClients()),
                (long) framesSent, (long) framesReceived, (long) number(w.simEnd(), "frames_corrupted"),
                framesSent == 0 ? 100.0 : Math.max(0, 100.0 * (framesSent - framesReceived) / framesSent),
                (long) windowFramesSent, (long) windowFramesReceived, number(w.sim1(), "delay_ms_p50"),
                number(w.sim1(), "delay_ms_p99"), simCpuPercent,
                (long) (number(w.sim1(), "late_slots") - number(w.sim0(), "late_slots")),
                w.simCpuNanos() == 0 ? 0 : (double) w.mixCpuNanos() / w.simCpuNanos(), (long) number(w.simEnd(), "rejoins"),
                w.socketDrops(), w.socketQueueBytes(), w.load0(), w.load1(),
                Runtime.getRuntime().availableProcessors());
    }

    private void printSummary(PrintWriter out, String json) {
        out.printf(Locale.ROOT, "Mix with %s direct chaffed clients (%s calls, client rate %s, Mix link rate %s), %s s:%n",
                field(json, "clients"), field(json, "calls"), field(json, "client_rate"), field(json, "mix_rate"), field(json, "seconds"));
        out.printf(Locale.ROOT, "  Mix CPU %s %% of one core; %s cells/s (expected %s); %s us per cell (datagram sent or received)"
                + " = %s x a bare UDP datagram (%s us, half a bare send+receive)%n",
                field(json, "mix_cpu_percent"), field(json, "cells_per_second"), field(json, "expected_cells_per_second"),
                field(json, "mix_cpu_us_per_cell"), field(json, "mix_cpu_per_cell_vs_baseline"), field(json, "baseline_udp_us_per_datagram"));
        out.printf(Locale.ROOT, "  late slots %s %s; live heap %s MB (%s MB once the clients left, %s MB before they came;"
                + " %s KB per client)%n", field(json, "late_slots"), field(json, "late_slots_by_class"), field(json, "heap_mb"),
                field(json, "heap_mb_after_clients_left"), field(json, "heap_mb_before_clients"), field(json, "heap_kb_per_client"));
        out.printf(Locale.ROOT, "  frames sent %s received %s (lost %s %%), delay p50 %s ms p99 %s ms; client simulator CPU %s %%;"
                + " load average %s -> %s on %s cores%n", field(json, "frames_sent"), field(json, "frames_received"),
                field(json, "frames_lost_percent"), field(json, "delay_ms_p50"), field(json, "delay_ms_p99"),
                field(json, "client_sim_cpu_percent"), field(json, "load_average_start"), field(json, "load_average_end"),
                field(json, "cores"));
    }

    private static String field(String json, String key) {
        if (key.equals("late_slots_by_class")) {
            Matcher m = Pattern.compile("\"late_slots_by_class\":(\\{[^}]*\\})").matcher(json);
            return m.find() ? m.group(1) : "";
        }
        String v = JsonLines.field(json, key);
        return v == null ? "?" : v;
    }

    /**
     * Waits until the simulator's status shows {@code key} ≥ {@code target}, or until it made no
     * progress for {@code stallMillis} (a loaded machine is slow, not stuck); the last status line
     * (null if the simulator died).
     */
    private String awaitProgress(BenchChild sim, String key, long target, long stallMillis) throws Exception {
        long end = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(stallMillis);
        long lastSaid = -1;
        long best = -1;
        String last = null;
        while (System.nanoTime() - end < 0 && sim.alive()) {
            String s = sim.request("status", "status", 10_000);
            if (s != null) {
                long v = (long) number(s, key);
                if (v >= target) {
                    return s;
                }
                if (v > best) {
                    best = v;
                    end = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(stallMillis);
                }
                last = s;
                if (v / Math.max(1, target / 10) != lastSaid) {
                    lastSaid = v / Math.max(1, target / 10);
                    say(String.format(Locale.ROOT, "bench mix: %s %d of %d (%s)", key, v, target, s));
                }
            }
            Thread.sleep(500);
        }
        return sim.alive() ? last : null;
    }

    /** What the measured Mix looks like when set-up stalls: its counters and its socket's kernel queue. */
    private String mixState(BenchChild mix) throws Exception {
        long[] socket = BenchChild.ProcStat.udpSocket(mixPort);
        return "Mix socket: " + socket[0] + " bytes queued in the kernel, " + socket[1] + " datagrams dropped; Mix "
                + mix.request("status", "status", 10_000);
    }

    private static long lastReady(BenchChild sim) {
        String s = sim.last("status");
        return s == null ? 0 : (long) number(s, "ready");
    }

    private static double number(String json, String key) {
        String v = JsonLines.field(json, key);
        return v == null ? Double.NaN : Double.parseDouble(v);
    }

    private static double delta(Window w, String key) {
        return number(w.mix1(), key) - number(w.mix0(), key);
    }

    /** Links of class {@code name} in a Mix status line's {@code classes}. */
    private static long classLinks(String status, String name) {
        Matcher m = Pattern.compile("\"" + Pattern.quote(name) + "\":\\{\"links\":(\\d+),\"late_slots\":(\\d+)\\}").matcher(status);
        return m.find() ? Long.parseLong(m.group(1)) : 0;
    }

    /** Late slots per link class in the window, as a JSON object. */
    private static String lateByClass(Window w) {
        Pattern p = Pattern.compile("\"([a-z-]+)\":\\{\"links\":(\\d+),\"late_slots\":(\\d+)\\}");
        Map<String, Long> before = new LinkedHashMap<>();
        Matcher m0 = p.matcher(w.mix0());
        while (m0.find()) {
            before.put(m0.group(1), Long.parseLong(m0.group(3)));
        }
        StringBuilder sb = new StringBuilder("{");
        Matcher m1 = p.matcher(w.mix1());
        while (m1.find()) {
            sb.append(sb.length() == 1 ? "" : ",").append('"').append(m1.group(1)).append("\":")
                    .append(Long.parseLong(m1.group(3)) - before.getOrDefault(m1.group(1), 0L));
        }
        return sb.append('}').toString();
    }

    /** Stops every child: standard input closed and SIGTERM, SIGKILL after 5 s. Idempotent. */
    private void stopAll() {
        List<BenchChild> all;
        synchronized (children) {
            all = new ArrayList<>(children);
            children.clear();
        }
        for (BenchChild c : all) {
            c.requestStop();
        }
        for (BenchChild c : all) {
            c.awaitStopOrKill();
        }
    }

}
