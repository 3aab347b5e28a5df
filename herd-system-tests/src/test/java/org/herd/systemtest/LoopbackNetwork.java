package org.herd.systemtest;

import static org.junit.jupiter.api.Assertions.assertNotNull;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.herd.core.crypto.ClientCertificate;
import org.herd.core.crypto.IdentityKeyPair;
import org.herd.core.crypto.IdentityPublicKey;
import org.herd.core.crypto.KeyFiles;
import org.herd.core.crypto.MixDescriptor;
import org.herd.core.directory.EpochSchedule;
import org.herd.core.directory.ZoneBootstrap;
import org.herd.core.mix.MixNode;
import org.herd.gateway.devnet.DevnetLayout;
import org.herd.gateway.devnet.HostPort;
import org.herd.gateway.devnet.ImpairmentRelay;
import org.herd.gateway.devnet.StateDirectory;
import org.herd.gateway.network.NetworkLayout;

/**
 * A Herd network of real processes on loopback, laid out by devnet's {@link DevnetLayout} but
 * with every process in the test's hands and the older static forms of the Mix and client configs
 * (a client allow-list and a fixed Mix per client, so a test knows whose Mix it kills and can put
 * a wire observer on a client link): two zones ({@code azone}, {@code bzone}) of two Mixes
 * ({@code azone-mix0} ...), a directory per zone ({@code azone-directory}, with its SQLite file), two
 * clients — alice at {@code azone-mix0}, bob at {@code bzone-mix1} — each with the other's
 * certificate, so {@code call} on standard input calls the other. Eight JVMs, each started with
 * {@code --exit-on-stdin-eof}. Processes can be SIGKILLed ({@link #kill}) and started again on
 * the same configuration and state ({@link #restart}).
 *
 * <p>With {@code observe}, a wire observer ({@link ImpairmentRelay}) stands on every Mix↔Mix link
 * (in front of the Mix that is dialled: two intra-zone, four inter-zone) and on both client links
 * (each client is given a layout in which its Mix's descriptor, re-signed by the zone directory,
 * points at the relay).
 */
final class LoopbackNetwork implements AutoCloseable {

    static final int RATE_CLIENT = 2;
    static final int RATE_MIX = 8;

    /** One observed link: a name, its relay, its rate in cells per tick. */
    record Link(String name, ImpairmentRelay relay, int rate, boolean interZone) {
    }

    private final Path dir;
    private final Map<String, Path> configs = new LinkedHashMap<>();
    private final Map<String, DevnetProcess> processes = new LinkedHashMap<>();
    private final List<DevnetProcess> started = new ArrayList<>();
    private final List<Link> links = new ArrayList<>();
    private int restarts;
    private DevnetLayout layout;

    private LoopbackNetwork(Path dir) {
        this.dir = dir;
    }

    /** Writes the PKI, layouts and configs into {@code dir} and starts the 8 processes. */
    static LoopbackNetwork start(Path dir, boolean observe) throws IOException {
        return start(dir, observe, false);
    }

    /**
     * Like {@link #start(Path, boolean)}; with {@code joining} the Mixes and clients have devnet's
     * role configurations instead: the Mixes learn each other from the directories' documents and
     * admit clients only by the certificates their zone directory pushes, and alice and bob JOIN
     * their zone (its directory picks their Mix, printed in their {@code joined} line).
     */
    static LoopbackNetwork start(Path dir, boolean observe, boolean joining) throws IOException {
        LoopbackNetwork net = new LoopbackNetwork(dir);
        try {
            if (joining) {
                net.writeJoining();
            } else {
                net.write(observe);
            }
            for (String name : net.configs.keySet()) {
                net.launch(name);
            }
            return net;
        } catch (IOException | RuntimeException e) {
            net.close();
            throw e;
        }
    }

    /** The process called {@code name} (its latest start). */
    DevnetProcess process(String name) {
        DevnetProcess p = processes.get(name);
        if (p == null) {
            throw new IllegalArgumentException("no process " + name + " in " + processes.keySet());
        }
        return p;
    }

    /** The names of the processes, directories first, then Mixes, then clients. */
    List<String> names() {
        return List.copyOf(processes.keySet());
    }

    /** The observed links (empty without {@code observe}); client links first. */
    List<Link> links() {
        return links;
    }

    /** The SQLite file of zone {@code zone}'s directory. */
    Path directoryStore(String zone) {
        return layout.directoryStore(zone);
    }

    /** Waits until every Mix and client printed {@code ready} (every link and circuit up, clients registered). */
    void awaitReady(int seconds) throws InterruptedException {
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        for (Map.Entry<String, DevnetProcess> e : processes.entrySet()) {
            if (!e.getKey().endsWith("-directory")) {
                long left = Math.max(1, TimeUnit.NANOSECONDS.toMillis(end - System.nanoTime()));
                assertNotNull(e.getValue().await("\"event\":\"ready\"", left), e.getKey() + " not ready");
            }
        }
    }

    /** Writes {@code command} and a newline to the standard input of {@code name}. */
    void send(String name, String command) throws IOException {
        OutputStream in = process(name).process.getOutputStream();
        in.write((command + "\n").getBytes(StandardCharsets.UTF_8));
        in.flush();
    }

    /**
     * {@code caller} calls {@code callee} (the other client) and waits until both report the call
     * connected; any end instead fails (a lost control cell is re-sent by the client itself,
     * {@code CallClient.MAX_SENDS}). Returns the caller's connected line.
     */
    String call(String caller, String callee) throws IOException, InterruptedException {
        DevnetProcess from = process(caller);
        DevnetProcess to = process(callee);
        long connected = count(from, CONNECTED);
        long ended = count(from, ENDED);
        long answered = count(to, CONNECTED);
        send(caller, "call");
        String outcome = from.await(l -> count(from, CONNECTED) > connected || count(from, ENDED) > ended, 30_000);
        assertNotNull(outcome, "no outcome of the call at " + caller + ": " + from.lines());
        if (count(from, CONNECTED) > connected) {
            assertNotNull(to.await(l -> count(to, CONNECTED) > answered, 10_000),
                    "call not connected at " + callee + ": " + to.lines());
            return from.lines().stream().filter(l -> l.contains(CONNECTED)).skip(connected).findFirst().orElseThrow();
        }
        String end = from.lines().stream().filter(l -> l.contains(ENDED)).skip(ended).findFirst().orElseThrow();
        throw new AssertionError("call from " + caller + " not connected: " + end + "; " + callee + ": " + to.lines());
    }

    /**
     * {@code who} hangs up its call with {@code other}; waits until both report it ended (so the
     * next call's outcome is not confused with this one's end) and returns {@code who}'s line.
     */
    String hangUp(String who, String other) throws IOException, InterruptedException {
        DevnetProcess p = process(who);
        DevnetProcess q = process(other);
        long ended = count(p, ENDED);
        long otherEnded = count(q, ENDED);
        send(who, "hangup");
        assertNotNull(p.await(l -> count(p, ENDED) > ended, 10_000), "the call did not end at " + who + ": " + p.lines());
        // END goes in several copies on every link (ControlMessages.END_COPIES): the other side hears it.
        assertNotNull(q.await(l -> count(q, ENDED) > otherEnded, 10_000),
                "the call did not end at " + other + " (its END lost?): " + q.lines());
        return p.lines().stream().filter(l -> l.contains(ENDED)).skip(ended).findFirst().orElseThrow();
    }

    private static final String CONNECTED = "\"event\":\"connected\"";
    private static final String ENDED = "\"event\":\"ended\"";

    private static long count(DevnetProcess p, String text) {
        return p.lines().stream().filter(l -> l.contains(text)).count();
    }

    /** SIGKILLs {@code name} (its real pid: no shutdown hook runs) and waits until it is gone. */
    void kill(String name) throws InterruptedException {
        Process p = process(name).process;
        p.destroyForcibly();
        if (!p.waitFor(10, TimeUnit.SECONDS)) {
            throw new AssertionError(name + " (pid " + p.pid() + ") survived SIGKILL");
        }
    }

    /** Starts {@code name} again with the same configuration (keys, database) as before. */
    DevnetProcess restart(String name) throws IOException {
        if (process(name).process.isAlive()) {
            throw new IllegalStateException(name + " is still running");
        }
        return launch(name);
    }

    private DevnetProcess launch(String name) throws IOException {
        String role = name.endsWith("-directory") ? "zone-directory" : name.contains("-mix") ? "mix" : "client";
        String log = processes.containsKey(name) ? name + "-" + ++restarts + ".log" : name + ".log";
        DevnetProcess p = new DevnetProcess(dir.resolve(log), role, "--config", configs.get(name).toString(),
                "--exit-on-stdin-eof");
        started.add(p);
        processes.put(name, p);
        return p;
    }

    /** The name of the Mix whose identity key is {@code hex}, e.g. {@code azone-mix0}. */
    String mixNameOf(String hex) {
        for (MixDescriptor d : layout.mixes()) {
            if (d.mixKey().toHex().equals(hex)) {
                return layout.mixName(d.mixKey());
            }
        }
        throw new IllegalArgumentException("no Mix " + hex);
    }

    /** devnet's layout: role-form Mixes, clients that JOIN (alice in azone, bob in bzone). */
    private void writeJoining() throws IOException {
        DevnetLayout layout = DevnetLayout.create(dir, 2, 2, new SecureRandom());
        MixNode.Rates rates = new MixNode.Rates(RATE_CLIENT, RATE_MIX, RATE_MIX, 2);
        layout.writeNetwork(Set.of(), rates, new EpochSchedule(0, EpochSchedule.DEFAULT_LENGTH_MILLIS), 60_000);
        Map<IdentityPublicKey, Map<IdentityPublicKey, InetSocketAddress>> direct = layout.dialVia((dialler, to) -> null);
        for (MixDescriptor d : layout.mixes()) {
            layout.writeRoleMix(d, rates, 60_000, direct.get(d.mixKey()));
        }
        layout.writeJoiningClient("alice", "azone", "bob", RATE_CLIENT);
        layout.writeJoiningClient("bob", "bzone", "alice", RATE_CLIENT);
        configs.putAll(layout.configs());
        this.layout = layout;
    }

    private void write(boolean observe) throws IOException {
        SecureRandom random = new SecureRandom();
        // The devnet's layout: PKI, directory configs, network.properties, who dials whom.
        DevnetLayout layout = DevnetLayout.create(dir, 2, 2, random);
        long from = layout.validFrom();
        long until = layout.validUntil();
        String[] names = {"alice", "bob"};
        String[] clientZones = {"azone", "bzone"};
        int[] clientMixIndex = {0, 1};
        Path[] certs = new Path[2];
        Path[] ids = new Path[2];
        Set<IdentityPublicKey> clientKeys = new HashSet<>();
        for (int i = 0; i < 2; i++) {
            IdentityKeyPair ck = IdentityKeyPair.generate(random);
            clientKeys.add(ck.publicKey());
            Path cd = layout.clientDir(names[i]);
            ids[i] = cd.resolve("identity.key");
            KeyFiles.writeIdentity(ids[i], ck, true);
            ClientCertificate cert = ClientCertificate.issue(layout.pki().zones().get(clientZones[i]).directory(),
                    clientZones[i], random.nextLong(), ck.publicKey(), from, until);
            certs[i] = cd.resolve("certificate.bin");
            Files.write(certs[i], cert.encoded());
        }
        MixNode.Rates rates = new MixNode.Rates(RATE_CLIENT, RATE_MIX, RATE_MIX, 2);
        // The static form (older layouts): the Mixes admit the clients by the allow-list.
        Path network = layout.writeNetwork(clientKeys, rates, new EpochSchedule(0, EpochSchedule.DEFAULT_LENGTH_MILLIS), 60_000);
        Map<IdentityPublicKey, Map<IdentityPublicKey, InetSocketAddress>> dialVia = layout.dialVia((dialler, to) -> {
            if (!observe) {
                return null;
            }
            ImpairmentRelay relay = relay(to.address(), random);
            links.add(new Link(layout.mixName(dialler.mixKey()) + "->" + layout.mixName(to.mixKey()), relay, RATE_MIX,
                    !to.zone().equals(dialler.zone())));
            return relay.address();
        });
        for (MixDescriptor d : layout.mixes()) {
            Map<String, String> cfg = new LinkedHashMap<>();
            cfg.put("network", network.toString());
            cfg.put("keys", layout.mixDir(d.mixKey()).toString());
            dialVia.get(d.mixKey()).forEach((k, a) -> cfg.put("dial." + k.toHex(), HostPort.format(a)));
            layout.add(layout.mixName(d.mixKey()), StateDirectory.writeConfig(layout.mixDir(d.mixKey()).resolve("mix.properties"), cfg));
        }
        for (int i = 0; i < 2; i++) {
            ZoneBootstrap.Zone z = layout.pki().zones().get(clientZones[i]);
            MixDescriptor mine = layout.zones().get(clientZones[i]).mixes().get(clientMixIndex[i]);
            Path clientLayout = network;
            if (observe) {
                // The client's layout carries its Mix's descriptor re-issued by the zone directory at a relay.
                ImpairmentRelay relay = relay(mine.address(), random);
                links.add(i, new Link(names[i] + "->" + layout.mixName(mine.mixKey()), relay, RATE_CLIENT, false));
                List<MixDescriptor> mixes = new ArrayList<>();
                for (ZoneBootstrap.Mix m : z.mixes()) {
                    MixDescriptor d = m.descriptor();
                    mixes.add(d.mixKey().equals(mine.mixKey())
                            ? MixDescriptor.issue(z.directory(), clientZones[i], d.mixKey(), m.keys().onion().publicKey(),
                                    relay.address(), from, until)
                            : d);
                }
                Map<String, NetworkLayout.Zone> own = new LinkedHashMap<>(layout.zones());
                NetworkLayout.Zone a = layout.zones().get(clientZones[i]);
                own.put(clientZones[i], new NetworkLayout.Zone(clientZones[i], a.certificate(), a.directory(), mixes));
                clientLayout = dir.resolve("network-" + names[i] + ".properties");
                new NetworkLayout(layout.pki().root().publicKey(), own, clientKeys, rates).write(clientLayout);
            }
            Map<String, String> cfg = new LinkedHashMap<>();
            cfg.put("network", clientLayout.toString());
            cfg.put("identity", ids[i].toString());
            cfg.put("certificate", certs[i].toString());
            cfg.put("mix", mine.mixKey().toHex());
            cfg.put("peer-certificate", certs[1 - i].toString());
            layout.add(names[i], StateDirectory.writeConfig(ids[i].resolveSibling("client.properties"), cfg));
        }
        configs.putAll(layout.configs());
        this.layout = layout;
    }

    /** Stops every process ever started (standard input closed, SIGTERM, SIGKILL after 10 s) and every relay. */
    @Override
    public void close() {
        for (DevnetProcess p : started) {
            try {
                p.process.getOutputStream().close();
            } catch (IOException e) {
                // already gone
            }
        }
        for (DevnetProcess p : started) {
            try {
                p.close();
            } catch (InterruptedException e) {
                p.process.destroyForcibly();
                Thread.currentThread().interrupt();
            }
        }
        for (Link l : links) {
            try {
                l.relay().close();
            } catch (IOException e) {
                // closing anyway
            }
        }
    }

    private static ImpairmentRelay relay(InetSocketAddress target, SecureRandom random) throws IOException {
        return ImpairmentRelay.start(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), target, 0,
                TimeUnit.MILLISECONDS, 0, random.nextLong());
    }
}
