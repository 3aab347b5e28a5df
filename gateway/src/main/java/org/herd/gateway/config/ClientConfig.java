package org.herd.gateway.config;

import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Properties;

/**
 * The configuration of a Herd client (the gateway's network side), validated once at start.
 * Keys and defaults: {@link #DEFAULTS} and the shipped {@code etc/herd-client.properties}.
 *
 * @param zone           the zone the client joins
 * @param stateDirectory where its identity key and certificate live (0600)
 * @param directory      the zone directory's endpoint (JOIN goes there directly)
 * @param rootKey        the root public key file
 * @param spareCircuits  pre-built circuits kept beyond the one in use
 */
public record ClientConfig(String zone, Path stateDirectory, InetSocketAddress directory, Path rootKey,
                           int spareCircuits) {

    /** Every key and its default; the one place defaults live. */
    public static final Map<String, String> DEFAULTS;

    static {
        Map<String, String> d = new LinkedHashMap<>();
        d.put("herd.client.zone", "");
        d.put("herd.client.state-dir", "/var/lib/herd/client");
        d.put("herd.client.directory-address", "127.0.0.1");
        d.put("herd.client.directory-port", "7000");
        d.put("herd.client.root-key", "/etc/herd/root.pub");
        d.put("herd.client.spare-circuits", "2");
        DEFAULTS = java.util.Collections.unmodifiableMap(d);
    }

    /** Loads with the process's environment and system properties. */
    public static ClientConfig load(Path file) {
        return load(file, System.getenv(), System.getProperties());
    }

    /** Loads and validates; a {@link ConfigException} names the first bad key. */
    public static ClientConfig load(Path file, Map<String, String> env, Properties sys) {
        HerdConfiguration c = HerdConfiguration.load(file, DEFAULTS, env, sys);
        return new ClientConfig(DirectoryConfig.zone(c, "herd.client.zone"), c.path("herd.client.state-dir"),
                RoleConfigs.endpoint(c, "herd.client.directory-address", "herd.client.directory-port"),
                c.path("herd.client.root-key"), c.intValue("herd.client.spare-circuits", 0, 64));
    }
}
