package org.herd.gateway.devnet;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.herd.core.crypto.IdentityPublicKey;
import org.herd.core.crypto.MixDescriptor;
import org.herd.core.crypto.NodeKeys;
import org.herd.core.directory.EpochSchedule;
import org.herd.core.directory.ZoneBootstrap;
import org.herd.core.mix.MixNode;
import org.herd.gateway.network.NetworkLayout;

/**
 * The layout of a Herd network of {@code herd} processes on loopback, as {@code herd devnet} and
 * the system tests' {@code LoopbackNetwork} write it into a state directory (§3.1, §3.5 of the
 * Herd paper): zones {@code azone}, {@code bzone}, … of Mixes {@code azone-mix0}, … on free
 * loopback ports; the zone PKI in {@link ZoneBootstrap}'s layout ({@code root/},
 * {@code zones/<zone>/directory/}, {@code zones/<zone>/mixes/<i>/}); per zone a
 * {@code herd zone-directory} config ({@code <zone>-directory}: network, zone, key, store
 * {@code directory.db}); {@code network.properties}, the directories' bootstrap; and which Mix
 * dials which (of a pair the lower identity key, {@link MixNode#lower}), with an optional relay in
 * front of the dialled one. Processes are named in {@link #configs()}: directories first, then
 * what the caller adds (Mixes, clients) in order. The caller picks the forms of the Mix and
 * client configs: {@link #writeRoleMix} and {@link #writeJoiningClient} write devnet's (role
 * configuration; clients JOIN their zone).
 */
public final class DevnetLayout {

    /** A day, in ms. */
    public static final long DAY_MS = 86_400_000L;

    /** Where the dialler of a Mix link dials instead of the dialled Mix's own address. */
    @FunctionalInterface
    public interface Relays {
        /** The address {@code dialler} dials to reach {@code dialled}, or null for the descriptor's. */
        InetSocketAddress relay(MixDescriptor dialler, MixDescriptor dialled) throws IOException;
    }

    private final Path dir;
    private final ZoneBootstrap.Network pki;
    private final long validFrom;
    private final long validUntil;
    private final Map<String, NetworkLayout.Zone> zones = new LinkedHashMap<>();
    private final List<MixDescriptor> mixes = new ArrayList<>();
    private final Map<IdentityPublicKey, String> mixNames = new LinkedHashMap<>();
    private final Map<IdentityPublicKey, Path> mixDirs = new LinkedHashMap<>();
    private final Map<String, Path> configs = new LinkedHashMap<>();

    private DevnetLayout(Path dir, ZoneBootstrap.Network pki, long validFrom, long validUntil) {
        this.dir = dir;
        this.pki = pki;
        this.validFrom = validFrom;
        this.validUntil = validUntil;
    }

    /**
     * Writes the PKI of {@code zoneCount} zones of {@code mixesPerZone} Mixes (certificates valid
     * from a day ago for 30 days, each Mix on a free loopback port) and every zone directory's
     * config into {@code dir}.
     */
    public static DevnetLayout create(Path dir, int zoneCount, int mixesPerZone, SecureRandom random) throws IOException {
        long now = System.currentTimeMillis();
        Map<String, List<InetSocketAddress>> addresses = new TreeMap<>();
        for (int z = 0; z < zoneCount; z++) {
            List<InetSocketAddress> ports = new ArrayList<>();
            for (int m = 0; m < mixesPerZone; m++) {
                ports.add(StateDirectory.freePort());
            }
            addresses.put(zoneName(z), ports);
        }
        DevnetLayout layout = new DevnetLayout(dir, ZoneBootstrap.generate(addresses, now - DAY_MS, now + 30 * DAY_MS, random),
                now - DAY_MS, now + 30 * DAY_MS);
        ZoneBootstrap.write(layout.pki, dir);
        for (String zone : addresses.keySet()) {
            ZoneBootstrap.Zone bz = layout.pki.zones().get(zone);
            List<MixDescriptor> zoneMixes = new ArrayList<>();
            for (int m = 0; m < bz.mixes().size(); m++) {
                MixDescriptor d = bz.mixes().get(m).descriptor();
                zoneMixes.add(d);
                layout.mixes.add(d);
                layout.mixDirs.put(d.mixKey(), dir.resolve("zones").resolve(zone).resolve("mixes").resolve(Integer.toString(m)));
                layout.mixNames.put(d.mixKey(), zone + "-mix" + m);
            }
            layout.zones.put(zone, new NetworkLayout.Zone(zone, bz.certificate(), StateDirectory.freePort(), zoneMixes));
            Path dd = layout.directoryDir(zone);
            layout.configs.put(zone + "-directory", StateDirectory.writeConfig(dd.resolve("directory.properties"), Map.of(
                    "network", layout.network().toString(), "zone", zone, "key", dd.resolve(NodeKeys.IDENTITY_FILE).toString(),
                    "store", layout.directoryStore(zone).toString())));
        }
        return layout;
    }

    /** The name of zone number {@code z}: {@code azone}, {@code bzone}, … */
    public static String zoneName(int z) {
        return (char) ('a' + z) + "zone";
    }

    /**
     * Writes {@code network.properties} (root key, zones with their certificates, directory
     * addresses and descriptors, rates, epochs; the static client allow-list of older layouts).
     */
    public Path writeNetwork(Set<IdentityPublicKey> clients, MixNode.Rates rates, EpochSchedule schedule,
            long reportIntervalMillis) throws IOException {
        new NetworkLayout(pki.root().publicKey(), zones, clients, rates, schedule, reportIntervalMillis).write(network());
        return network();
    }

    /**
     * For every Mix, the Mixes it dials (of each pair the lower key dials) at an address other than
     * their descriptor's, as {@code relays} decides: dialler → (dialled key → address).
     */
    public Map<IdentityPublicKey, Map<IdentityPublicKey, InetSocketAddress>> dialVia(Relays relays) throws IOException {
        Map<IdentityPublicKey, Map<IdentityPublicKey, InetSocketAddress>> via = new LinkedHashMap<>();
        for (MixDescriptor d : mixes) {
            Map<IdentityPublicKey, InetSocketAddress> own = new LinkedHashMap<>();
            for (MixDescriptor other : mixes) {
                if (MixNode.lower(d.mixKey(), other.mixKey())) {
                    InetSocketAddress a = relays.relay(d, other);
                    if (a != null) {
                        own.put(other.mixKey(), a);
                    }
                }
            }
            via.put(d.mixKey(), own);
        }
        return via;
    }

    /**
     * Writes {@code d}'s {@code herd mix} role configuration (etc/herd-mix.properties form: the
     * Mix knows its zone, keys, endpoint, every directory and zone certificate and the root key;
     * the other Mixes come with the directories' documents) and names it in {@link #configs()}.
     */
    public Path writeRoleMix(MixDescriptor d, MixNode.Rates rates, long reportIntervalMillis,
            Map<IdentityPublicKey, InetSocketAddress> dialVia) throws IOException {
        Map<String, String> cfg = new LinkedHashMap<>();
        cfg.put("herd.mix.zone", d.zone());
        cfg.put("herd.mix.state-dir", mixDir(d.mixKey()).toString());
        cfg.put("herd.mix.listen-address", d.address().getAddress().getHostAddress());
        cfg.put("herd.mix.listen-port", Integer.toString(d.address().getPort()));
        cfg.put("herd.mix.directories", directoriesSpec());
        cfg.put("herd.mix.zone-certificates", zoneCertificatesSpec());
        cfg.put("herd.mix.root-key", rootKey().toString());
        cfg.put("herd.mix.report-interval-ms", Long.toString(reportIntervalMillis));
        cfg.put("herd.mix.rate.client", Integer.toString(rates.client()));
        cfg.put("herd.mix.rate.mix", Integer.toString(rates.intraZone()));
        StringBuilder dial = new StringBuilder();
        dialVia.forEach((key, address) -> dial.append(dial.length() == 0 ? "" : ",").append(key.toHex()).append('=')
                .append(HostPort.format(address)));
        cfg.put("herd.mix.dial-via", dial.toString());
        return add(mixName(d.mixKey()), StateDirectory.writeConfig(mixDir(d.mixKey()).resolve("mix.properties"), cfg));
    }

    /**
     * Writes the {@code herd client} role configuration of client {@code name} in {@code zone}
     * (state in {@code clients/<name>/}; it JOINs the zone, whose directory picks its Mix, and
     * writes its certificate there), which calls {@code peer} (reads {@code clients/<peer>/certificate.bin}).
     */
    public Path writeJoiningClient(String name, String zone, String peer, int linkRate) throws IOException {
        NetworkLayout.Zone z = zones.get(zone);
        Map<String, String> cfg = new LinkedHashMap<>();
        cfg.put("herd.client.zone", z.name());
        cfg.put("herd.client.state-dir", clientDir(name).toString());
        cfg.put("herd.client.directory-address", z.directory().getAddress().getHostAddress());
        cfg.put("herd.client.directory-port", Integer.toString(z.directory().getPort()));
        cfg.put("herd.client.zone-certificate", zoneCertificate(z.name()).toString());
        cfg.put("herd.client.root-key", rootKey().toString());
        cfg.put("herd.client.link-rate", Integer.toString(linkRate));
        cfg.put("herd.client.peer-certificate", clientDir(peer).resolve("certificate.bin").toString());
        return add(name, StateDirectory.writeConfig(clientDir(name).resolve("client.properties"), cfg));
    }

    /** Names the config of process {@code name} (after the directories, in the order added). */
    public Path add(String name, Path config) {
        configs.put(name, config);
        return config;
    }

    /** Every process's config by name: directories, then what was added. */
    public Map<String, Path> configs() {
        return Collections.unmodifiableMap(configs);
    }

    /** The state directory of client {@code name}, created if absent. */
    public Path clientDir(String name) throws IOException {
        return Files.createDirectories(dir.resolve("clients").resolve(name));
    }

    /** {@code every zone=host:port} of the directories, for {@code herd.mix.directories}. */
    private String directoriesSpec() {
        StringBuilder sb = new StringBuilder();
        zones.values().forEach(z -> sb.append(sb.length() == 0 ? "" : ", ").append(z.name()).append('=')
                .append(HostPort.format(z.directory())));
        return sb.toString();
    }

    /** The zone certificate files, for {@code herd.mix.zone-certificates}. */
    private String zoneCertificatesSpec() {
        StringBuilder sb = new StringBuilder();
        zones.keySet().forEach(z -> sb.append(sb.length() == 0 ? "" : ",").append(zoneCertificate(z)));
        return sb.toString();
    }

    /** The PKI (root, zones, Mix keys and descriptors). */
    public ZoneBootstrap.Network pki() {
        return pki;
    }

    /** The start of the certificates' validity (a day ago). */
    public long validFrom() {
        return validFrom;
    }

    /** The end of the certificates' validity (in 30 days). */
    public long validUntil() {
        return validUntil;
    }

    /** The zones in order, with their certificates, directory addresses and descriptors. */
    public Map<String, NetworkLayout.Zone> zones() {
        return Collections.unmodifiableMap(zones);
    }

    /** Every Mix's descriptor, zone by zone. */
    public List<MixDescriptor> mixes() {
        return List.copyOf(mixes);
    }

    /** The name of the Mix of {@code key}, e.g. {@code azone-mix0}. */
    public String mixName(IdentityPublicKey key) {
        return mixNames.get(key);
    }

    /** The state directory of the Mix of {@code key} (its {@link NodeKeys}). */
    public Path mixDir(IdentityPublicKey key) {
        return mixDirs.get(key);
    }

    /** {@code network.properties}. */
    public Path network() {
        return dir.resolve("network.properties");
    }

    /** The root's public key file. */
    public Path rootKey() {
        return dir.resolve("root").resolve(NodeKeys.IDENTITY_PUBLIC_FILE);
    }

    /** The directory of zone {@code zone}'s directory (keys, certificate, config, database). */
    private Path directoryDir(String zone) {
        return dir.resolve("zones").resolve(zone).resolve("directory");
    }

    /** The zone certificate file of {@code zone}. */
    public Path zoneCertificate(String zone) {
        return directoryDir(zone).resolve(ZoneBootstrap.ZONE_CERTIFICATE_FILE);
    }

    /** The SQLite file of {@code zone}'s directory. */
    public Path directoryStore(String zone) {
        return directoryDir(zone).resolve("directory.db");
    }
}
