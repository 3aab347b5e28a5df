package org.herd.systemtest;

import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.OutputStream;
import java.net.DatagramSocket;
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
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import org.herd.core.crypto.ClientCertificate;
import org.herd.core.crypto.IdentityKeyPair;
import org.herd.core.crypto.IdentityPublicKey;
import org.herd.core.crypto.KeyFiles;
import org.herd.core.crypto.MixDescriptor;
import org.herd.core.crypto.NodeKeys;
import org.herd.core.directory.ZoneBootstrap;
import org.herd.core.mix.MixNode;
import org.herd.gateway.devnet.HostPort;
import org.herd.gateway.devnet.ImpairmentRelay;
import org.herd.gateway.devnet.ImpairmentRelay.Observation;
import org.herd.gateway.network.NetworkLayout;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The wire invariants of §3.4/§3.7 on real processes on loopback: two zones of two Mixes, a
 * directory per zone, two clients (8 JVMs), built here the way {@code herd devnet} builds them,
 * with a wire observer ({@link ImpairmentRelay}) on every Mix↔Mix link (two intra-zone, four
 * inter-zone) and on alice's client↔Mix link (alice is given a layout in which her Mix's
 * descriptor, re-signed by the zone directory, points at the relay).
 *
 * <p>I6: per link and direction, the per-second datagram counts are the link's constant rate
 * (within a load tolerance; exact or ±1 on a quiet run) before, during and after a call, and every datagram has one size. I7: blackholing one
 * inter-zone link (both directions) for two seconds (under the 3 s silence timeout) leaves the
 * per-second counts on every other link unchanged, and the cut link carries its rate again afterwards.
 */
class WireInvariantsSystemTest {

    private static final long TICK_NANOS = TimeUnit.MILLISECONDS.toNanos(20);
    private static final int RATE_CLIENT = 2;
    private static final int RATE_MIX = 8;
    private static final int WINDOW_SECONDS = 3;
    private static final long DAY_MS = 86_400_000L;

    /** One observed link: a name, its relay, its rate in cells per tick. */
    private record Link(String name, ImpairmentRelay relay, int rate, boolean interZone) {
    }

    private final List<DevnetProcess> processes = new ArrayList<>();
    private final List<Link> links = new ArrayList<>();

    @Test
    @Timeout(value = 150, unit = TimeUnit.SECONDS)
    void perLinkCountsIgnoreCallsAndUpstreamImpairment(@TempDir Path dir) throws Exception {
        try {
            Map<String, DevnetProcess> byName = startNetwork(dir);
            DevnetProcess alice = byName.get("alice");
            DevnetProcess bob = byName.get("bob");
            for (Map.Entry<String, DevnetProcess> e : byName.entrySet()) {
                if (!e.getKey().endsWith("-directory")) {
                    assertNotNull(e.getValue().await("\"event\":\"ready\"", 90_000), e.getKey() + " not ready");
                }
            }
            Thread.sleep(1000);
            long[] idle = window();
            send(alice, "call");
            assertNotNull(alice.await("\"event\":\"connected\"", 20_000), "call not established");
            assertNotNull(bob.await("\"event\":\"connected\"", 5_000), "bob not connected");
            Thread.sleep(300);
            long[] during = window();
            send(alice, "hangup");
            assertNotNull(alice.await("\"event\":\"ended\"", 10_000), "call did not end");
            Thread.sleep(300);
            long[] after = window();
            Link cut = links.stream().filter(Link::interZone).findFirst().orElseThrow();
            long droppedBefore = cut.relay().dropped();
            cut.relay().blackhole(true);
            long[] impaired;
            try {
                Thread.sleep(200);
                impaired = window(2);
            } finally {
                cut.relay().blackhole(false);
            }
            // The blackhole (2.24 s) stays under the link's silence timeout (NodeLinks.SILENCE_MILLIS,
            // 3 s): the cut link must survive and carry its constant rate again.
            Thread.sleep(300);
            long[] recovered = window(2);
            assertTrue(cut.relay().dropped() - droppedBefore >= 2L * 2 * 50 * RATE_MIX, "the blackhole dropped nothing");

            List<Observation> all = new ArrayList<>();
            StringBuilder report = new StringBuilder();
            List<String> failures = new ArrayList<>();
            for (Link l : links) {
                List<Observation> seen = l.relay().observations();
                String[] windowNames = {"idle", "call", "after", "impaired", "recovered"};
                long[][] windows = {idle, during, after, impaired, recovered};
                for (int w = 0; w < windows.length; w++) {
                    long[] span = windows[w];
                    List<Observation> in = seen.stream().filter(o -> o.nanoTime() >= span[0] && o.nanoTime() < span[1]).toList();
                    all.addAll(in);
                    Map<Integer, Long> sizeCounts = new TreeMap<>();
                    in.forEach(o -> sizeCounts.merge(o.size(), 1L, Long::sum));
                    report.append(l.name()).append(' ').append(windowNames[w]).append(" sizes ").append(sizeCounts).append('\n');
                }
                int expected = 50 * l.rate();
                for (ImpairmentRelay.Direction d : ImpairmentRelay.Direction.values()) {
                    List<Observation> dir1 = seen.stream().filter(o -> o.direction() == d).toList();
                    for (long[] w : List.of(idle, during, after, recovered)) {
                        int[] c = perSecond(dir1, w[0], w[1]);
                        report.append(l.name()).append(' ').append(d).append(' ').append(java.util.Arrays.toString(c)).append('\n');
                        failures.add(check(l.name() + " " + d, expected, c));
                    }
                    if (l != cut) {
                        int[] c = perSecond(dir1, impaired[0], impaired[1]);
                        report.append(l.name()).append(' ').append(d).append(" impaired ").append(java.util.Arrays.toString(c)).append('\n');
                        failures.add(check(l.name() + " " + d + " while " + cut.name() + " was blackholed", expected, c));
                    }
                }
            }
            System.out.println("per-second datagram counts (idle, call, after; impaired):\n" + report);
            failures.removeIf(String::isEmpty);
            assertTrue(failures.isEmpty(), String.join("\n", failures));
            Set<Integer> sizes = new TreeSet<>();
            all.forEach(o -> sizes.add(o.size()));
            assertTrue(sizes.size() == 1, "one datagram size on every observed link in the windows (handshakes before are excluded): " + sizes);
        } finally {
            for (DevnetProcess p : processes) {
                try {
                    p.process.getOutputStream().close();
                } catch (IOException e) {
                    // already gone
                }
            }
            for (DevnetProcess p : processes) {
                p.close();
            }
            for (Link l : links) {
                l.relay().close();
            }
        }
    }

    /**
     * Empty if every whole-second count is the constant rate {@code expected} within 15 % and the
     * window's counts average to it within 8 %; else why not. Measured on an idle machine the
     * counts are exact or ±1; the slack is for this shared 2-core machine (load ~13 while 8 JVMs
     * run), where one process stalling ~120 ms loses six ticks from one bin and sends them in the
     * next. Without Chaff (idle links silent) or with a cut link starving its downstream links,
     * the counts fall far below this.
     */
    private static String check(String what, int expected, int[] counts) {
        if (counts.length < 1) {
            return what + ": no whole second observed";
        }
        int sum = 0;
        for (int c : counts) {
            sum += c;
            if (Math.abs(c - expected) > 0.15 * expected) {
                return what + ": per-second counts " + java.util.Arrays.toString(counts) + ", constant rate " + expected;
            }
        }
        if (Math.abs(sum - (double) expected * counts.length) > 0.08 * expected * counts.length) {
            return what + ": " + sum + " datagrams in " + counts.length + " s, constant rate " + expected;
        }
        return "";
    }

    /** Observes for {@link #WINDOW_SECONDS} (plus a tick either side); returns {start, end} in nanoTime. */
    private static long[] window() throws InterruptedException {
        return window(WINDOW_SECONDS);
    }

    private static long[] window(int seconds) throws InterruptedException {
        long start = System.nanoTime();
        Thread.sleep(seconds * 1000L + 2 * TimeUnit.NANOSECONDS.toMillis(TICK_NANOS));
        return new long[] {start, System.nanoTime()};
    }

    /**
     * Whole-second datagram counts of one link direction within [from, to). The bins begin half a
     * tick away from where that direction's ticks fall (circular mean of the arrival phase), so
     * a tick must be more than half a tick late to change bins.
     */
    private static int[] perSecond(List<Observation> seen, long from, long to) {
        double x = 0;
        double y = 0;
        for (Observation o : seen) {
            if (o.nanoTime() >= from && o.nanoTime() < to) {
                double angle = 2 * Math.PI * Math.floorMod(o.nanoTime() - from, TICK_NANOS) / TICK_NANOS;
                x += Math.cos(angle);
                y += Math.sin(angle);
            }
        }
        long phase = (long) ((Math.atan2(y, x) / (2 * Math.PI) + 1) % 1 * TICK_NANOS);
        long start = from + phase + TICK_NANOS / 2;
        long second = TimeUnit.SECONDS.toNanos(1);
        int n = (int) Math.max(0, (to - start) / second);
        int[] counts = new int[n];
        for (Observation o : seen) {
            long t = o.nanoTime() - start;
            if (t >= 0 && t < n * second) {
                counts[(int) (t / second)]++;
            }
        }
        return counts;
    }

    private static void send(DevnetProcess p, String command) throws IOException {
        OutputStream in = p.process.getOutputStream();
        in.write((command + "\n").getBytes(StandardCharsets.UTF_8));
        in.flush();
    }

    /** Writes the PKI, layouts and configs as {@code herd devnet} does, places the relays, starts the 8 processes. */
    private Map<String, DevnetProcess> startNetwork(Path dir) throws IOException {
        SecureRandom random = new SecureRandom();
        long now = System.currentTimeMillis();
        long from = now - DAY_MS;
        long until = now + 30 * DAY_MS;
        Map<String, List<InetSocketAddress>> addresses = new TreeMap<>();
        for (String zone : List.of("azone", "bzone")) {
            addresses.put(zone, List.of(freePort(), freePort()));
        }
        ZoneBootstrap.Network pki = ZoneBootstrap.generate(addresses, from, until, random);
        ZoneBootstrap.write(pki, dir);
        Map<String, NetworkLayout.Zone> zones = new LinkedHashMap<>();
        Map<String, Path> configs = new LinkedHashMap<>();
        Map<IdentityPublicKey, Path> mixDirs = new LinkedHashMap<>();
        Map<IdentityPublicKey, String> mixNames = new LinkedHashMap<>();
        List<MixDescriptor> all = new ArrayList<>();
        Path network = dir.resolve("network.properties");
        for (String zone : addresses.keySet()) {
            ZoneBootstrap.Zone bz = pki.zones().get(zone);
            Path dd = dir.resolve("zones").resolve(zone).resolve("directory");
            List<MixDescriptor> mixes = new ArrayList<>();
            for (int m = 0; m < bz.mixes().size(); m++) {
                MixDescriptor d = bz.mixes().get(m).descriptor();
                mixes.add(d);
                all.add(d);
                mixDirs.put(d.mixKey(), dir.resolve("zones").resolve(zone).resolve("mixes").resolve(Integer.toString(m)));
                mixNames.put(d.mixKey(), zone + "-mix" + m);
            }
            zones.put(zone, new NetworkLayout.Zone(zone, bz.certificate(), freePort(), mixes));
            configs.put(zone + "-directory", config(dd.resolve("directory.properties"), Map.of(
                    "network", network.toString(), "zone", zone, "key", dd.resolve(NodeKeys.IDENTITY_FILE).toString(),
                    "store", dd.resolve("directory.db").toString())));
        }
        // Clients: alice at azone's first Mix, bob at bzone's last.
        String[] names = {"alice", "bob"};
        String[] clientZones = {"azone", "bzone"};
        MixDescriptor[] clientMix = {zones.get("azone").mixes().get(0), zones.get("bzone").mixes().get(1)};
        Path[] certs = new Path[2];
        Path[] ids = new Path[2];
        Set<IdentityPublicKey> clientKeys = new HashSet<>();
        for (int i = 0; i < 2; i++) {
            IdentityKeyPair ck = IdentityKeyPair.generate(random);
            clientKeys.add(ck.publicKey());
            Path cd = Files.createDirectories(dir.resolve("clients").resolve(names[i]));
            ids[i] = cd.resolve("identity.key");
            KeyFiles.writeIdentity(ids[i], ck, true);
            ClientCertificate cert = ClientCertificate.issue(pki.zones().get(clientZones[i]).directory(), clientZones[i],
                    random.nextLong(), ck.publicKey(), from, until);
            certs[i] = cd.resolve("certificate.bin");
            Files.write(certs[i], cert.encoded());
        }
        MixNode.Rates rates = new MixNode.Rates(RATE_CLIENT, RATE_MIX, RATE_MIX, 2);
        new NetworkLayout(pki.root().publicKey(), zones, clientKeys, rates).write(network);
        // A relay on every Mix↔Mix link, in front of the Mix that is dialled.
        for (MixDescriptor d : all) {
            Map<String, String> cfg = new LinkedHashMap<>();
            cfg.put("network", network.toString());
            cfg.put("keys", mixDirs.get(d.mixKey()).toString());
            for (MixDescriptor other : all) {
                if (MixNode.lower(d.mixKey(), other.mixKey())) {
                    ImpairmentRelay relay = relay(other.address(), random);
                    boolean inter = !other.zone().equals(d.zone());
                    links.add(new Link(mixNames.get(d.mixKey()) + "->" + mixNames.get(other.mixKey()), relay, RATE_MIX, inter));
                    cfg.put("dial." + other.mixKey().toHex(), HostPort.format(relay.address()));
                }
            }
            configs.put(mixNames.get(d.mixKey()), config(mixDirs.get(d.mixKey()).resolve("mix.properties"), cfg));
        }
        // Alice's client link: her layout carries her Mix's descriptor re-issued by azone's directory at a relay.
        ImpairmentRelay aliceRelay = relay(clientMix[0].address(), random);
        links.add(0, new Link("alice->" + mixNames.get(clientMix[0].mixKey()), aliceRelay, RATE_CLIENT, false));
        ZoneBootstrap.Zone az = pki.zones().get("azone");
        List<MixDescriptor> aliceMixes = new ArrayList<>();
        for (ZoneBootstrap.Mix m : az.mixes()) {
            MixDescriptor d = m.descriptor();
            aliceMixes.add(d.mixKey().equals(clientMix[0].mixKey())
                    ? MixDescriptor.issue(az.directory(), "azone", d.mixKey(), m.keys().onion().publicKey(),
                            aliceRelay.address(), from, until)
                    : d);
        }
        Map<String, NetworkLayout.Zone> aliceZones = new LinkedHashMap<>(zones);
        NetworkLayout.Zone a = zones.get("azone");
        aliceZones.put("azone", new NetworkLayout.Zone("azone", a.certificate(), a.directory(), aliceMixes));
        Path aliceNetwork = dir.resolve("network-alice.properties");
        new NetworkLayout(pki.root().publicKey(), aliceZones, clientKeys, rates).write(aliceNetwork);
        for (int i = 0; i < 2; i++) {
            Map<String, String> cfg = new LinkedHashMap<>();
            cfg.put("network", (i == 0 ? aliceNetwork : network).toString());
            cfg.put("identity", ids[i].toString());
            cfg.put("certificate", certs[i].toString());
            cfg.put("mix", clientMix[i].mixKey().toHex());
            cfg.put("peer-certificate", certs[1 - i].toString());
            configs.put(names[i], config(ids[i].resolveSibling("client.properties"), cfg));
        }
        Map<String, DevnetProcess> byName = new LinkedHashMap<>();
        for (Map.Entry<String, Path> e : configs.entrySet()) {
            String name = e.getKey();
            String role = name.endsWith("-directory") ? "zone-directory" : name.contains("-mix") ? "mix" : "client";
            DevnetProcess p = new DevnetProcess(dir.resolve(name + ".log"), role, "--config", e.getValue().toString(),
                    "--exit-on-stdin-eof");
            processes.add(p);
            byName.put(name, p);
        }
        return byName;
    }

    private static ImpairmentRelay relay(InetSocketAddress target, SecureRandom random) throws IOException {
        return ImpairmentRelay.start(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), target, 0,
                TimeUnit.MILLISECONDS, 0, random.nextLong());
    }

    private static Path config(Path file, Map<String, String> values) throws IOException {
        StringBuilder sb = new StringBuilder("# written by WireInvariantsSystemTest\n");
        values.forEach((k, v) -> sb.append(k).append(" = ").append(v.replace("\\", "\\\\")).append('\n'));
        Files.writeString(file, sb.toString());
        return file;
    }

    /** A UDP port free on loopback now (the child binds it a moment later). */
    private static InetSocketAddress freePort() throws IOException {
        try (DatagramSocket s = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))) {
            return new InetSocketAddress(InetAddress.getLoopbackAddress(), s.getLocalPort());
        }
    }
}
