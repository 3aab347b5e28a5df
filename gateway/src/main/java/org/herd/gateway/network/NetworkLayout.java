package org.herd.gateway.network;

import java.io.IOException;
import java.io.Reader;
import java.io.Writer;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;
import org.herd.core.circuit.MixRef;
import org.herd.core.crypto.CertificateException;
import org.herd.core.crypto.IdentityPublicKey;
import org.herd.core.crypto.MixDescriptor;
import org.herd.core.crypto.ZoneCertificate;
import org.herd.core.mix.MixNode;
import org.herd.core.time.Clock;
import org.herd.gateway.devnet.HostPort;

/**
 * A static description of a Herd network (the devnet's, until mixes enrol with their directory):
 * the root key, and per zone the directory's certificate and link address and the signed
 * descriptors of its Mixes, plus the client keys the Mixes admit and the link rates. Stored as a
 * properties file; every signature is checked on load (descriptor by its zone certificate, zone
 * certificate by the root).
 *
 * <pre>
 * root-key = hex                         zones = alpha,beta
 * zone.NAME.certificate = hex            zone.NAME.directory = host:port
 * zone.NAME.mixes = hex,hex              clients = hex,hex
 * rate.client / rate.intra-zone / rate.inter-zone / rate.directory = cells per 20 ms tick
 * epoch.origin-ms = 0                    epoch.length-ms = 3600000
 * report-interval-ms = min(60000, epoch length / 4)
 * </pre>
 * The {@code rate.intra-zone}/{@code rate.inter-zone} values are the rates every Mix starts with and
 * the directories' initial rate; from then on the zone directories decide them per epoch
 * ({@link #policy()}, {@link #schedule()}; §3.4.3).
 */
public final class NetworkLayout {

    /** One zone. */
    public record Zone(String name, ZoneCertificate certificate, InetSocketAddress directory, List<MixDescriptor> mixes) {
    }

    private static final HexFormat HEX = HexFormat.of();

    private final IdentityPublicKey root;
    private final Map<String, Zone> zones;
    private final Set<IdentityPublicKey> clients;
    private final MixNode.Rates rates;
    private final org.herd.core.directory.EpochSchedule schedule;
    private final long reportIntervalMillis;

    /** A layout with one-hour epochs from 1970 and reports every minute. */
    public NetworkLayout(IdentityPublicKey root, Map<String, Zone> zones, Set<IdentityPublicKey> clients, MixNode.Rates rates) {
        this(root, zones, clients, rates, new org.herd.core.directory.EpochSchedule(0,
                org.herd.core.directory.EpochSchedule.DEFAULT_LENGTH_MILLIS), 60_000);
    }

    /** A layout with the given rate epochs and Mix report interval. */
    public NetworkLayout(IdentityPublicKey root, Map<String, Zone> zones, Set<IdentityPublicKey> clients, MixNode.Rates rates,
            org.herd.core.directory.EpochSchedule schedule, long reportIntervalMillis) {
        this.root = root;
        this.zones = new LinkedHashMap<>(zones);
        this.clients = Set.copyOf(clients);
        this.rates = rates;
        this.schedule = java.util.Objects.requireNonNull(schedule);
        if (reportIntervalMillis < 1) {
            throw new IllegalArgumentException("report-interval-ms must be positive: " + reportIntervalMillis);
        }
        this.reportIntervalMillis = reportIntervalMillis;
    }

    /** The rate epochs of the network (every directory and Mix). */
    public org.herd.core.directory.EpochSchedule schedule() {
        return schedule;
    }

    /** How often a Mix reports its utilisation during an epoch. */
    public long reportIntervalMillis() {
        return reportIntervalMillis;
    }

    /**
     * The directories' rate policy: {@link org.herd.core.directory.RatePolicy#DEFAULTS} starting at
     * {@code rate.intra-zone} (the rate the Mixes start their intra-zone links with), waiting a quarter epoch (at most a
     * minute) for the reports of the last epoch.
     */
    public org.herd.core.directory.RatePolicy policy() {
        return policy(rates.intraZone());
    }

    /** {@link #policy()} starting at {@code initial} (the inter-zone scopes start at {@code rate.inter-zone}). */
    public org.herd.core.directory.RatePolicy policy(int initial) {
        org.herd.core.directory.RatePolicy d = org.herd.core.directory.RatePolicy.DEFAULTS;
        return new org.herd.core.directory.RatePolicy(d.clientMultiple(), initial, Math.min(d.minRate(), initial),
                Math.max(d.maxRate(), initial), d.raiseStep(), d.lowerStep(), d.highWatermark(), d.lowWatermark(),
                d.lowEpochsBeforeLowering(), d.leadEpochs(), Math.min(60_000L, schedule.lengthMillis() / 4));
    }

    /** The root key. */
    public IdentityPublicKey root() {
        return root;
    }

    /** The zones, in order. */
    public Map<String, Zone> zones() {
        return zones;
    }

    /** Zone {@code name}; IllegalArgumentException if unknown. */
    public Zone zone(String name) {
        Zone z = zones.get(name);
        if (z == null) {
            throw new IllegalArgumentException("zone '" + name + "' is not in the network layout");
        }
        return z;
    }

    /** Client keys the Mixes admit. */
    public Set<IdentityPublicKey> clients() {
        return clients;
    }

    /** Link rates. */
    public MixNode.Rates rates() {
        return rates;
    }

    /** Every Mix of every zone. */
    public List<MixRef> allMixes() {
        List<MixRef> all = new ArrayList<>();
        for (Zone z : zones.values()) {
            z.mixes().forEach(d -> all.add(MixRef.of(d)));
        }
        return all;
    }

    /** The descriptor of the Mix with key {@code key}, or null. */
    public MixDescriptor descriptor(IdentityPublicKey key) {
        for (Zone z : zones.values()) {
            for (MixDescriptor d : z.mixes()) {
                if (d.mixKey().equals(key)) {
                    return d;
                }
            }
        }
        return null;
    }

    /** The directories as Mix link peers. */
    public List<MixNode.Directory> directories() {
        return zones.values().stream()
                .map(z -> new MixNode.Directory(z.name(), z.certificate().directoryKey(), z.directory())).toList();
    }

    /** Writes the layout. */
    public void write(Path file) throws IOException {
        Map<String, String> p = new TreeMap<>();
        p.put("root-key", root.toHex());
        p.put("zones", String.join(",", zones.keySet()));
        for (Zone z : zones.values()) {
            p.put("zone." + z.name() + ".certificate", HEX.formatHex(z.certificate().encoded()));
            p.put("zone." + z.name() + ".directory", HostPort.format(z.directory()));
            p.put("zone." + z.name() + ".mixes", z.mixes().stream().map(d -> HEX.formatHex(d.encoded()))
                    .collect(Collectors.joining(",")));
        }
        p.put("clients", clients.stream().map(IdentityPublicKey::toHex).sorted().collect(Collectors.joining(",")));
        p.put("rate.client", Integer.toString(rates.client()));
        p.put("rate.intra-zone", Integer.toString(rates.intraZone()));
        p.put("rate.inter-zone", Integer.toString(rates.interZone()));
        p.put("rate.directory", Integer.toString(rates.directory()));
        p.put("epoch.origin-ms", Long.toString(schedule.originEpochMillis()));
        p.put("epoch.length-ms", Long.toString(schedule.lengthMillis()));
        p.put("report-interval-ms", Long.toString(reportIntervalMillis));
        try (Writer w = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
            w.write("# Herd network layout (written by herd devnet)\n");
            for (Map.Entry<String, String> e : p.entrySet()) {
                w.write(e.getKey() + " = " + e.getValue() + "\n");
            }
        }
    }

    /**
     * Reads and verifies a layout.
     *
     * @throws IllegalArgumentException naming the key that is missing or wrong, or the signature that fails
     */
    public static NetworkLayout read(Path file, Clock clock) throws IOException {
        Properties p = load(file);
        IdentityPublicKey root = key(require(p, "root-key"));
        Map<String, Zone> zones = new LinkedHashMap<>();
        for (String name : require(p, "zones").split(",")) {
            String zn = name.trim();
            try {
                ZoneCertificate zc = ZoneCertificate.decode(HEX.parseHex(require(p, "zone." + zn + ".certificate")));
                zc.verify(root, zn, clock);
                List<MixDescriptor> mixes = new ArrayList<>();
                for (String hex : require(p, "zone." + zn + ".mixes").split(",")) {
                    MixDescriptor d = MixDescriptor.decode(HEX.parseHex(hex.trim()));
                    d.verify(zc, clock);
                    mixes.add(d);
                }
                zones.put(zn, new Zone(zn, zc, HostPort.parse(require(p, "zone." + zn + ".directory")), mixes));
            } catch (CertificateException e) {
                throw new IllegalArgumentException("zone " + zn + ": " + e.getMessage(), e);
            }
        }
        Set<IdentityPublicKey> clients = new java.util.HashSet<>();
        String c = p.getProperty("clients", "").trim();
        if (!c.isEmpty()) {
            for (String hex : c.split(",")) {
                clients.add(key(hex.trim()));
            }
        }
        MixNode.Rates rates = new MixNode.Rates(integer(p, "rate.client", 2), integer(p, "rate.intra-zone", 8),
                integer(p, "rate.inter-zone", 8), integer(p, "rate.directory", 2));
        long length = longValue(p, "epoch.length-ms", org.herd.core.directory.EpochSchedule.DEFAULT_LENGTH_MILLIS);
        if (length < 1000 || length % 20 != 0) {
            throw new IllegalArgumentException("key 'epoch.length-ms': " + length + " is not a multiple of 20 ms of at least 1 s");
        }
        long origin = longValue(p, "epoch.origin-ms", 0);
        if (origin % 20 != 0 || origin > System.currentTimeMillis()) {
            throw new IllegalArgumentException("key 'epoch.origin-ms': " + origin + " must be a multiple of 20 ms in the past");
        }
        return new NetworkLayout(root, zones, clients, rates, new org.herd.core.directory.EpochSchedule(origin, length),
                longValue(p, "report-interval-ms", Math.min(60_000L, length / 4)));
    }

    static long longValue(Properties p, String key, long dflt) {
        String v = p.getProperty(key);
        try {
            return v == null ? dflt : Long.parseLong(v.trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("key '" + key + "': '" + v + "' is not an integer");
        }
    }

    /**
     * The layout named by a node config's {@code network} key. A role config in the shipped
     * {@code etc/herd-*.properties} form (enrolment with the directory) has no such key: say so.
     */
    static NetworkLayout ofConfig(Properties config, Clock clock) throws IOException {
        String file = config.getProperty("network");
        if (file == null || file.isBlank()) {
            throw new IllegalArgumentException("missing key 'network': this command runs from a static network layout"
                    + " (written by herd devnet); joining through the directory (etc/herd-*.properties) is not"
                    + " carried over links yet");
        }
        return read(Path.of(file.trim()), clock);
    }

    /** Loads a properties file. */
    static Properties load(Path file) throws IOException {
        Properties p = new Properties();
        try (Reader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            p.load(r);
        }
        return p;
    }

    /** A required key; IllegalArgumentException naming it if absent. */
    static String require(Properties p, String key) {
        String v = p.getProperty(key);
        if (v == null || v.isBlank()) {
            throw new IllegalArgumentException("missing key '" + key + "'");
        }
        return v.trim();
    }

    static int integer(Properties p, String key, int dflt) {
        long v = longValue(p, key, dflt);
        if (v != (int) v) {
            throw new IllegalArgumentException("key '" + key + "': " + v + " is out of range");
        }
        return (int) v;
    }

    /** An optional {@code true}/{@code false} key; IllegalArgumentException naming it for anything else. */
    static boolean bool(Properties p, String key, boolean dflt) {
        String v = p.getProperty(key);
        if (v == null || v.isBlank()) {
            return dflt;
        }
        return switch (v.trim()) {
            case "true" -> true;
            case "false" -> false;
            default -> throw new IllegalArgumentException("key '" + key + "': '" + v.trim() + "' is not true or false");
        };
    }

    /** A hex Ed25519 public key. */
    static IdentityPublicKey key(String hex) {
        try {
            return IdentityPublicKey.of(HEX.parseHex(hex));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("'" + hex + "' is not a 64-digit hex Ed25519 public key");
        }
    }
}
