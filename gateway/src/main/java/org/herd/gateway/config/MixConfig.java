package org.herd.gateway.config;

import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Properties;

/**
 * The configuration of {@code herd mix}, validated once at start. Keys and defaults:
 * {@link #DEFAULTS} and the shipped {@code etc/herd-mix.properties}.
 *
 * @param zone              the zone the mix belongs to
 * @param stateDirectory    where its NodeKeys (identity and onion keys, 0600) live
 * @param listen            its DTLS endpoint (the address in its descriptor)
 * @param directory         its zone directory's endpoint
 * @param rootKey           the root public key file
 * @param reportIntervalMillis how often it sends utilisation reports
 */
public record MixConfig(String zone, Path stateDirectory, InetSocketAddress listen, InetSocketAddress directory,
                        Path rootKey, long reportIntervalMillis) {

    /** Every key and its default; the one place defaults live. */
    public static final Map<String, String> DEFAULTS;

    static {
        Map<String, String> d = new LinkedHashMap<>();
        d.put("herd.mix.zone", "");
        d.put("herd.mix.state-dir", "/var/lib/herd/mix");
        d.put("herd.mix.listen-address", "127.0.0.1");
        d.put("herd.mix.listen-port", "7100");
        d.put("herd.mix.directory-address", "127.0.0.1");
        d.put("herd.mix.directory-port", "7000");
        d.put("herd.mix.root-key", "/etc/herd/root.pub");
        d.put("herd.mix.report-interval-ms", "60000");
        DEFAULTS = java.util.Collections.unmodifiableMap(d);
    }

    /** Loads with the process's environment and system properties. */
    public static MixConfig load(Path file) {
        return load(file, System.getenv(), System.getProperties());
    }

    /** Loads and validates; a {@link ConfigException} names the first bad key. */
    public static MixConfig load(Path file, Map<String, String> env, Properties sys) {
        HerdConfiguration c = HerdConfiguration.load(file, DEFAULTS, env, sys);
        return new MixConfig(DirectoryConfig.zone(c, "herd.mix.zone"), c.path("herd.mix.state-dir"),
                RoleConfigs.endpoint(c, "herd.mix.listen-address", "herd.mix.listen-port"),
                RoleConfigs.endpoint(c, "herd.mix.directory-address", "herd.mix.directory-port"),
                c.path("herd.mix.root-key"), c.longValue("herd.mix.report-interval-ms", 1_000, 3_600_000));
    }
}
