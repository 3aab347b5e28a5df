package org.herd.gateway.config;

import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;

/**
 * The configuration of {@code herd mix}, validated once at start. Keys and defaults:
 * {@link #DEFAULTS} and the shipped {@code etc/herd-mix.properties}. A Mix starts knowing only
 * the bootstrap facts — the root key, every zone's certificate and its directory's address — and
 * learns the other Mixes (their descriptors) from the directories' signed documents.
 *
 * @param zone                 the zone the mix belongs to
 * @param stateDirectory       where its NodeKeys (identity and onion keys, 0600) live
 * @param listen               its DTLS endpoint (the address in its descriptor)
 * @param directories          every zone's directory endpoint, by zone (the Mix links to each)
 * @param zoneCertificates     every zone's certificate file (names the zone and its directory key)
 * @param rootKey              the root public key file
 * @param reportIntervalMillis how often it sends utilisation reports during an epoch
 * @param clientRate           the rate of its client links, cells per tick
 * @param mixRate              the rate its Mix links start at (the zone directory decides it afterwards)
 * @param directoryRate        the rate of its directory links
 * @param dialVia              Mixes to dial at another address than their descriptor's: hex key → address
 */
public record MixConfig(String zone, Path stateDirectory, InetSocketAddress listen, Map<String, InetSocketAddress> directories,
                        List<Path> zoneCertificates, Path rootKey, long reportIntervalMillis, int clientRate, int mixRate,
                        int directoryRate, Map<String, InetSocketAddress> dialVia) {

    /** Every key and its default; the one place defaults live. */
    public static final Map<String, String> DEFAULTS;

    static {
        Map<String, String> d = new LinkedHashMap<>();
        d.put("herd.mix.zone", "");
        d.put("herd.mix.state-dir", "/var/lib/herd/mix");
        d.put("herd.mix.listen-address", "127.0.0.1");
        d.put("herd.mix.listen-port", "7100");
        d.put("herd.mix.directories", "");
        d.put("herd.mix.zone-certificates", "");
        d.put("herd.mix.root-key", "/etc/herd/root.pub");
        d.put("herd.mix.report-interval-ms", "60000");
        d.put("herd.mix.rate.client", "2");
        d.put("herd.mix.rate.mix", "8");
        d.put("herd.mix.rate.directory", "2");
        d.put("herd.mix.dial-via", "");
        DEFAULTS = java.util.Collections.unmodifiableMap(d);
    }

    /** Loads with the process's environment and system properties. */
    public static MixConfig load(Path file) {
        return load(file, System.getenv(), System.getProperties());
    }

    /** Loads and validates; a {@link ConfigException} names the first bad key. */
    public static MixConfig load(Path file, Map<String, String> env, Properties sys) {
        HerdConfiguration c = HerdConfiguration.load(file, DEFAULTS, env, sys);
        String zone = DirectoryConfig.zone(c, "herd.mix.zone");
        Map<String, InetSocketAddress> directories = RoleConfigs.endpointMap(c, "herd.mix.directories", true);
        if (!directories.containsKey(zone)) {
            throw c.invalid("herd.mix.directories", "names no directory for the mix's own zone " + zone);
        }
        Map<String, InetSocketAddress> dial = RoleConfigs.endpointMap(c, "herd.mix.dial-via", false);
        for (String key : dial.keySet()) {
            if (!key.matches("[0-9a-f]{64}")) {
                throw c.invalid("herd.mix.dial-via", "'" + key + "' is not a 64-digit lower-case hex Mix key");
            }
        }
        List<Path> certificates = RoleConfigs.paths(c, "herd.mix.zone-certificates");
        if (certificates.size() != directories.size()) {
            throw c.invalid("herd.mix.zone-certificates", "lists " + certificates.size() + " certificates for "
                    + directories.size() + " zones in herd.mix.directories");
        }
        return new MixConfig(zone, c.path("herd.mix.state-dir"),
                RoleConfigs.endpoint(c, "herd.mix.listen-address", "herd.mix.listen-port"), directories, certificates,
                c.path("herd.mix.root-key"), c.longValue("herd.mix.report-interval-ms", 100, 3_600_000),
                c.intValue("herd.mix.rate.client", 1, 64), c.intValue("herd.mix.rate.mix", 1, 512),
                c.intValue("herd.mix.rate.directory", 1, 64), dial);
    }
}
