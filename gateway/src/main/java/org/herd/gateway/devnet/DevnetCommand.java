package org.herd.gateway.devnet;

import static org.herd.gateway.devnet.StateDirectory.deleteTree;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.PrintWriter;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.herd.core.crypto.IdentityPublicKey;
import org.herd.core.crypto.MixDescriptor;
import org.herd.core.directory.ZoneBootstrap;
import org.herd.core.mix.MixNode;
import org.herd.rtp.quality.EModel;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code herd devnet}: a whole Herd network on loopback as separate processes — per zone one
 * directory ({@code herd zone-directory}) and its Mixes ({@code herd mix}), and two clients
 * ({@code herd client}) in the first and last zone. It writes the PKI (root, zone certificates,
 * Mix descriptors in {@link ZoneBootstrap}'s layout, client certificates under {@code clients/}; {@link DevnetLayout}) and one config file per process into a state directory,
 * starts every process as {@code java -cp <this classpath> org.herd.gateway.cli.HerdMain ...},
 * prints what runs where (then, without {@code --self-test}, every child's events prefixed with its
 * name), and stops them all on Ctrl-C (shutdown hook: standard input closed,
 * SIGTERM, then SIGKILL after 5 s; children also stop by themselves when devnet's pipe to them
 * closes, so even a SIGKILLed devnet leaves no orphans). {@code --zone-delay-ms N} (and
 * {@code --loss-percent P}) puts an {@link ImpairmentRelay} with N ms one-way delay (P % loss each
 * direction) on every inter-zone Mix link.
 *
 * <p>{@code --self-test}: once everything is ready, the first client calls the second, both send
 * test frames for {@code --seconds}, stop sending, and hang up; the last line printed is one JSON
 * object (call_established, setup_ms, frames_sent, frames_received, frames_corrupted,
 * one_way_delay_ms_p50/p99, added_delay_ms_p50, loss_percent, r_factor, mos; with relays and
 * {@code --seconds} ≥ 3 also wire_idle_datagrams_per_s, wire_call_datagrams_per_s and
 * wire_datagram_sizes: what an observer of the inter-zone links sees for 2 s before and during the
 * call (datagrams per second: the median of 250 ms bins)
 * — the same rate and one datagram size if constant rate holds); exit status 0 only
 * if the call was established, frames arrived and none was corrupted.
 */
@Command(name = "devnet", mixinStandardHelpOptions = true,
        description = "Run a Herd network on loopback as separate processes (zones, directories, mixes, two clients).")
public final class DevnetCommand implements Callable<Integer> {

    private static final Pattern EVENT = Pattern.compile("\"event\":\"([a-z_]+)\"");

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Option(names = "--zones", description = "Trust zones (default ${DEFAULT-VALUE}).")
    int zones = 2;

    @Option(names = "--mixes-per-zone", description = "Mixes per zone (default ${DEFAULT-VALUE}).")
    int mixesPerZone = 2;

    @Option(names = "--zone-delay-ms", description = "One-way delay on every inter-zone Mix link, ms (default ${DEFAULT-VALUE}).")
    int zoneDelayMs;

    @Option(names = "--loss-percent", description = "Loss on every inter-zone Mix link, each direction, in % (default ${DEFAULT-VALUE}).")
    double lossPercent;

    @Option(names = "--state-dir", description = "Where keys, configs and logs go (default: a new temporary directory).")
    Path stateDir;

    @Option(names = "--self-test", description = "Place one call between the clients, measure it, stop.")
    boolean selfTest;

    @Option(names = "--seconds", description = "Self-test: seconds of frames each way (default ${DEFAULT-VALUE}).")
    int seconds = 5;

    @Option(names = "--json", description = "Only the self-test's JSON object on standard output (progress on standard error).")
    boolean json;

    @Option(names = "--ready-timeout-s", description = "Seconds to wait for the network to be ready (default ${DEFAULT-VALUE}).")
    int readyTimeout = 90;

    @Option(names = {"--rate-client"}, description = "Client link rate, cells per tick (default ${DEFAULT-VALUE}).")
    int rateClient = 2;

    @Option(names = {"--rate-mix"}, description = "Mix link rate (intra- and inter-zone) at start, cells per tick (default ${DEFAULT-VALUE}).")
    int rateMix = 8;

    @Option(names = "--epoch-seconds", description = "Rate epoch length: the zone directories decide the Mix link rates "
            + "once per epoch from the Mixes' utilisation reports (default ${DEFAULT-VALUE}).")
    int epochSeconds = 3600;

    /** A child process and the JSON lines it printed. */
    static final class Child {
        final String name;
        final Process process;
        final OutputStream stdin;
        final List<String> lines = new ArrayList<>();

        Child(String name, Process process) {
            this.name = name;
            this.process = process;
            this.stdin = process.getOutputStream();
        }

        synchronized void add(String line) {
            lines.add(line);
            notifyAll();
        }

        /** The first line with event {@code event}, waiting up to {@code millis}; null on timeout or exit. */
        synchronized String await(String event, long millis) throws InterruptedException {
            long end = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(millis);
            while (true) {
                for (String l : lines) {
                    Matcher m = EVENT.matcher(l);
                    if (m.find() && m.group(1).equals(event)) {
                        return l;
                    }
                }
                long left = end - System.nanoTime();
                if (left <= 0 || !process.isAlive()) {
                    return null;
                }
                wait(Math.max(1, TimeUnit.NANOSECONDS.toMillis(left)));
            }
        }

        void send(String command) throws IOException {
            stdin.write((command + "\n").getBytes(StandardCharsets.UTF_8));
            stdin.flush();
        }
    }

    private final List<Child> children = new ArrayList<>();
    private final List<ImpairmentRelay> relays = new ArrayList<>();
    private PrintWriter progress;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        progress = json ? spec.commandLine().getErr() : out;
        if (zones < 1 || zones > 26 || mixesPerZone < 1 || mixesPerZone > 16 || zoneDelayMs < 0 || seconds < 1
                || rateClient < 1 || rateMix < 1 || lossPercent < 0 || lossPercent >= 100) {
            spec.commandLine().getErr().println("herd devnet: --zones 1..26, --mixes-per-zone 1..16, --seconds >= 1, rates >= 1,"
                    + " --loss-percent 0..<100");
            return 2;
        }
        Path dir = stateDir != null ? Files.createDirectories(stateDir) : Files.createTempDirectory("herd-devnet-");
        if (Files.exists(dir.resolve("root")) || Files.exists(dir.resolve("zones"))) {
            spec.commandLine().getErr().println("herd devnet: " + dir + " already holds a network; give a new --state-dir");
            return 2;
        }
        // A network in a temporary directory (keys, databases, logs) goes away with devnet;
        // give --state-dir to keep one.
        boolean temporary = stateDir == null;
        Thread hook = new Thread(() -> {
            stopAll();
            if (temporary) {
                deleteTree(dir);
            }
        }, "devnet-stop");
        Runtime.getRuntime().addShutdownHook(hook);
        try {
            Layout layout = writeLayout(dir);
            for (Map.Entry<String, Path> e : layout.configs.entrySet()) {
                start(e.getKey(), e.getValue(), dir);
            }
            say("devnet: state in " + dir + (zoneDelayMs > 0 ? ", inter-zone one-way delay " + zoneDelayMs + " ms" : ""));
            for (Child c : running()) {
                String l = c.await("listening", 30_000);
                say(String.format(Locale.ROOT, "  %-14s pid %-7d %s", c.name, c.process.pid(),
                        l == null ? "(not listening; see " + c.name + ".log)" : field(l, "address") + " " + field(l, "identity")));
            }
            if (!selfTest) {
                say("devnet: running; Ctrl-C stops every process.");
                for (Child c : running()) {
                    c.process.waitFor(); // Ctrl-C: the shutdown hook stops them (and empties the list)
                }
                return 0;
            }
            String result = selfTest(layout);
            stopAll();
            out.println(result);
            out.flush();
            return result.contains("\"call_established\":true") && !result.contains("\"frames_received\":0,")
                    && result.contains("\"frames_corrupted\":0,") ? 0 : 1;
        } finally {
            stopAll();
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
                if (temporary) {
                    deleteTree(dir);
                }
            } catch (IllegalStateException e) {
                // already shutting down: the hook cleans up
            }
        }
    }

    private void say(String line) {
        progress.println(line);
        progress.flush();
    }

    /** What {@link #writeLayout} produced. */
    private record Layout(Map<String, Path> configs, List<String> mixes, String caller, String callee) {
    }

    private Layout writeLayout(Path dir) throws IOException {
        SecureRandom random = new SecureRandom();
        // The zone PKI in the directory role's layout, the zone directories' configs and their
        // bootstrap (network.properties: their zone's descriptors); Mixes and clients get only root
        // key, zone certificates and directory addresses (etc/herd-mix.properties form).
        DevnetLayout layout = DevnetLayout.create(dir, zones, mixesPerZone, random);
        long epochMillis = epochSeconds * 1000L;
        MixNode.Rates rates = new MixNode.Rates(rateClient, rateMix, rateMix, 2);
        layout.writeNetwork(Set.of(), rates, new org.herd.core.directory.EpochSchedule(0, epochMillis), reportMillis(epochMillis));
        // An impairment relay on every inter-zone link (in front of the Mix that is dialled).
        Map<IdentityPublicKey, Map<IdentityPublicKey, InetSocketAddress>> dialVia = layout.dialVia((from, to) -> {
            if ((zoneDelayMs == 0 && lossPercent == 0) || from.zone().equals(to.zone())) {
                return null;
            }
            ImpairmentRelay relay = ImpairmentRelay.start(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0),
                    to.address(), zoneDelayMs, TimeUnit.MILLISECONDS, lossPercent / 100, random.nextLong());
            relay.recording(false); // only in the self-test's windows: it would grow without bound
            relays.add(relay);
            return relay.address();
        });
        List<String> mixNames = new ArrayList<>();
        for (MixDescriptor d : layout.mixes()) {
            layout.writeRoleMix(d, rates, reportMillis(epochMillis), dialVia.get(d.mixKey()));
            mixNames.add(layout.mixName(d.mixKey()));
        }
        // Clients: the first in the first zone, the second in the last; each JOINs through its zone
        // directory (which issues its certificate and picks its Mix) and writes its certificate to
        // its state directory, where the other reads it when told to call.
        List<String> zoneNames = new ArrayList<>(layout.zones().keySet());
        layout.writeJoiningClient("alice", zoneNames.get(0), "bob", rateClient);
        layout.writeJoiningClient("bob", zoneNames.get(zoneNames.size() - 1), "alice", rateClient);
        return new Layout(layout.configs(), mixNames, "alice", "bob");
    }

    /** Mixes report a few times per epoch, at most every minute. */
    private static long reportMillis(long epochMillis) {
        return Math.min(60_000L, Math.max(250, epochMillis / 4));
    }

    private void start(String name, Path config, Path dir) throws IOException {
        String role = name.endsWith("-directory") ? "zone-directory" : name.contains("-mix") ? "mix" : "client";
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<String> cmd = List.of(java, "-Xmx192m", "-XX:+UseSerialGC", "-cp", System.getProperty("java.class.path"),
                "org.herd.gateway.cli.HerdMain", role, "--config", config.toString(), "--exit-on-stdin-eof");
        Process p = new ProcessBuilder(cmd).redirectError(dir.resolve(name + ".log").toFile()).start();
        Child c = new Child(name, p);
        synchronized (children) {
            children.add(c);
        }
        Path events = dir.resolve(name + ".jsonl");
        Thread t = new Thread(() -> {
            try (BufferedReader in = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
                    PrintWriter log = new PrintWriter(Files.newBufferedWriter(events))) {
                String line;
                while ((line = in.readLine()) != null) {
                    log.println(line);
                    log.flush();
                    c.add(line);
                    if (!selfTest && !line.contains("\"event\":\"stats\"")) {
                        say(String.format(Locale.ROOT, "[%s] %s", name, line));
                    }
                }
            } catch (IOException e) {
                // the child is gone
            }
            synchronized (c) {
                c.notifyAll();
            }
        }, "devnet-" + name);
        t.setDaemon(true);
        t.start();
    }

    private String selfTest(Layout layout) throws Exception {
        long deadline = System.currentTimeMillis() + readyTimeout * 1000L;
        Child caller = child(layout.caller());
        Child callee = child(layout.callee());
        for (String m : layout.mixes()) {
            if (child(m).await("ready", deadline - System.currentTimeMillis()) == null) {
                return failure("mix " + m + " not ready (links or pre-built circuits missing)");
            }
        }
        for (Child c : List.of(caller, callee)) {
            if (c.await("ready", deadline - System.currentTimeMillis()) == null) {
                return failure("client " + c.name + " not registered");
            }
        }
        Wire idle = observeWire(2000);
        say("devnet: network ready; " + caller.name + " calls " + callee.name);
        caller.send("call");
        String connected = caller.await("connected", 20_000);
        if (connected == null) {
            String ended = caller.await("ended", 1);
            return failure("call not established" + (ended == null ? "" : ": ended with reason " + field(ended, "reason")));
        }
        double setupMs = Double.parseDouble(field(connected, "setup_ms"));
        say("devnet: call established in " + setupMs + " ms; frames for " + seconds + " s");
        Wire during = null;
        if (seconds >= 3) {
            Thread.sleep(500);
            during = observeWire(2000);
            Thread.sleep(seconds * 1000L - 2500);
        } else {
            Thread.sleep(seconds * 1000L);
        }
        caller.send("mute");
        callee.send("mute");
        Thread.sleep(1000L + 2L * zoneDelayMs);
        caller.send("hangup");
        String a = caller.await("ended", 10_000);
        String b = callee.await("ended", 10_000);
        if (a == null || b == null) {
            return failure("call did not end cleanly on both sides");
        }
        long sent = longField(a, "frames_sent") + longField(b, "frames_sent");
        long received = longField(a, "frames_received") + longField(b, "frames_received");
        long corrupted = longField(a, "frames_corrupted") + longField(b, "frames_corrupted");
        long[] delays = concat(delays(a), delays(b));
        Arrays.sort(delays);
        double p50 = delays.length == 0 ? Double.NaN : delays[(int) ((delays.length - 1) * 0.50)] / 1000.0;
        double p99 = delays.length == 0 ? Double.NaN : delays[(int) ((delays.length - 1) * 0.99)] / 1000.0;
        double loss = sent == 0 ? 100 : Math.max(0, 100.0 * (sent - received) / sent);
        double r = Double.isNaN(p50) ? 0 : EModel.g711WithPlc().rFactor(Math.max(0, p50), Math.min(100, loss));
        return String.format(Locale.ROOT, "{\"call_established\":true,\"setup_ms\":%.1f,\"frames_sent\":%d,"
                + "\"frames_received\":%d,\"frames_corrupted\":%d,\"one_way_delay_ms_p50\":%.2f,\"one_way_delay_ms_p99\":%.2f,"
                + "\"added_delay_ms_p50\":%.2f,\"emulated_path_delay_ms\":%d,\"loss_percent\":%.3f,\"r_factor\":%.2f,"
                + "\"mos\":%.3f,\"seconds\":%d,\"zones\":%d,\"mixes_per_zone\":%d%s}",
                setupMs, sent, received, corrupted, p50, p99, p50 - zoneDelayMs, zoneDelayMs, loss, r, EModel.mos(r),
                seconds, zones, mixesPerZone, wireJson(idle, during));
    }

    /** Datagrams per second through every inter-zone relay (both directions) and the sizes seen. */
    private record Wire(double datagramsPerSecond, java.util.SortedSet<Integer> sizes) {
    }

    /**
     * Watches the inter-zone links (the relays) for {@code millis}: what a passive observer of
     * those links sees (§3.1). Null when there are no relays (no --zone-delay-ms).
     */
    /** Bin of {@link #observeWire}: datagrams per bin, the median bin scaled to a second. */
    private static final long WIRE_BIN_MILLIS = 250;

    /**
     * Datagrams per second on the inter-zone links over {@code millis}: the median of its
     * {@link #WIRE_BIN_MILLIS} bins, so that a process stalled on a loaded machine and catching
     * up its missed slots back to back (one short bin, one long) does not move the figure.
     */
    private Wire observeWire(long millis) throws InterruptedException {
        if (relays.isEmpty()) {
            return null;
        }
        for (ImpairmentRelay r : relays) {
            r.clearObservations();
            r.recording(true);
        }
        long start = System.nanoTime();
        Thread.sleep(millis);
        int bins = (int) (millis / WIRE_BIN_MILLIS);
        long[] perBin = new long[bins];
        java.util.SortedSet<Integer> sizes = new java.util.TreeSet<>();
        for (ImpairmentRelay r : relays) {
            r.recording(false);
            for (ImpairmentRelay.Observation o : r.observations()) {
                long bin = (o.nanoTime() - start) / TimeUnit.MILLISECONDS.toNanos(WIRE_BIN_MILLIS);
                if (bin >= 0 && bin < bins) {
                    perBin[(int) bin]++;
                }
                sizes.add(o.size());
            }
            r.clearObservations();
        }
        java.util.Arrays.sort(perBin);
        double median = bins % 2 == 1 ? perBin[bins / 2] : (perBin[bins / 2 - 1] + perBin[bins / 2]) / 2.0;
        return new Wire(median * 1000.0 / WIRE_BIN_MILLIS, sizes);
    }

    private static String wireJson(Wire idle, Wire during) {
        if (idle == null || during == null) {
            return "";
        }
        java.util.SortedSet<Integer> sizes = new java.util.TreeSet<>(idle.sizes());
        sizes.addAll(during.sizes());
        return String.format(Locale.ROOT, ",\"wire_idle_datagrams_per_s\":%.1f,\"wire_call_datagrams_per_s\":%.1f,"
                + "\"wire_datagram_sizes\":%s", idle.datagramsPerSecond(), during.datagramsPerSecond(), sizes.toString().replace(" ", ""));
    }

    private String failure(String reason) {
        say("devnet: self-test failed: " + reason);
        return "{\"call_established\":false,\"reason\":\"" + reason.replace("\"", "'") + "\",\"frames_sent\":0,"
                + "\"frames_received\":0,\"frames_corrupted\":0}";
    }

    private Child child(String name) {
        for (Child c : running()) {
            if (c.name.equals(name)) {
                return c;
            }
        }
        throw new IllegalStateException("no process " + name);
    }

    /** A copy of the children list: the shutdown hook may empty it while devnet iterates. */
    private List<Child> running() {
        synchronized (children) {
            return new ArrayList<>(children);
        }
    }

    /** Stops every child: stdin closed and SIGTERM, SIGKILL after 5 s; closes the relays. Idempotent. */
    private void stopAll() {
        List<Child> all;
        synchronized (children) {
            all = running();
            children.clear();
        }
        for (Child c : all) {
            try {
                c.stdin.close();
            } catch (IOException e) {
                // already closed
            }
            c.process.destroy();
        }
        for (Child c : all) {
            try {
                if (!c.process.waitFor(5, TimeUnit.SECONDS)) {
                    c.process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
                }
            } catch (InterruptedException e) {
                c.process.destroyForcibly();
                Thread.currentThread().interrupt();
            }
        }
        for (ImpairmentRelay r : relays) {
            try {
                r.close();
            } catch (IOException e) {
                // closing anyway
            }
        }
        relays.clear();
    }

    static String field(String jsonLine, String key) {
        String v = JsonLines.field(jsonLine, key);
        return v == null ? "" : v;
    }

    static long longField(String jsonLine, String key) {
        String v = field(jsonLine, key);
        return v.isEmpty() ? 0 : Long.parseLong(v);
    }

    static long[] delays(String jsonLine) {
        Matcher m = Pattern.compile("\"delays_us\":\\[([^\\]]*)\\]").matcher(jsonLine);
        if (!m.find() || m.group(1).isBlank()) {
            return new long[0];
        }
        return Arrays.stream(m.group(1).split(",")).mapToLong(Long::parseLong).toArray();
    }

    private static long[] concat(long[] a, long[] b) {
        long[] c = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, c, a.length, b.length);
        return c;
    }
}
