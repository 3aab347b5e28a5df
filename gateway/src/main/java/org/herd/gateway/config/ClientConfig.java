package org.herd.gateway.config;

import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Properties;

/**
 * The configuration of a Herd client (the gateway's network side), validated once at start.
 * Keys and defaults: {@link #DEFAULTS} and the shipped {@code etc/herd-client.properties}. The
 * client knows only the bootstrap facts (root key, its zone's certificate, the directory's
 * address); it JOINs through the directory, which issues its certificate and sends it to a Mix.
 *
 * @param zone            the zone the client joins
 * @param stateDirectory  where its identity key lives (0600) and its certificate is written after JOIN
 * @param directory       the zone directory's endpoint (JOIN goes there directly)
 * @param zoneCertificate its zone's certificate file (names the directory key the link pins)
 * @param rootKey         the root public key file
 * @param listen          its own UDP endpoint (port 0: any free port)
 * @param linkRate        the constant rate of its link to its Mix, cells per tick
 * @param peerCertificate the certificate file of the party the test client calls, or null
 */
public record ClientConfig(String zone, Path stateDirectory, InetSocketAddress directory, Path zoneCertificate,
                           Path rootKey, InetSocketAddress listen, int linkRate, Path peerCertificate) {

    /** Every key and its default; the one place defaults live. */
    public static final Map<String, String> DEFAULTS;

    static {
        Map<String, String> d = new LinkedHashMap<>();
        d.put("herd.client.zone", "");
        d.put("herd.client.state-dir", "/var/lib/herd/client");
        d.put("herd.client.directory-address", "127.0.0.1");
        d.put("herd.client.directory-port", "7000");
        d.put("herd.client.zone-certificate", "/etc/herd/zone.cert");
        d.put("herd.client.root-key", "/etc/herd/root.pub");
        d.put("herd.client.listen-address", "127.0.0.1");
        d.put("herd.client.listen-port", "0");
        d.put("herd.client.link-rate", "2");
        d.put("herd.client.peer-certificate", "");
        DEFAULTS = java.util.Collections.unmodifiableMap(d);
    }

    /** Loads with the process's environment and system properties. */
    public static ClientConfig load(Path file) {
        return load(file, System.getenv(), System.getProperties());
    }

    /** Loads and validates; a {@link ConfigException} names the first bad key. */
    public static ClientConfig load(Path file, Map<String, String> env, Properties sys) {
        HerdConfiguration c = HerdConfiguration.load(file, DEFAULTS, env, sys);
        String peer = c.optionalString("herd.client.peer-certificate");
        return new ClientConfig(DirectoryConfig.zone(c, "herd.client.zone"), c.path("herd.client.state-dir"),
                RoleConfigs.endpoint(c, "herd.client.directory-address", "herd.client.directory-port"),
                c.path("herd.client.zone-certificate"), c.path("herd.client.root-key"),
                RoleConfigs.endpoint(c, "herd.client.listen-address", "herd.client.listen-port", 0),
                c.intValue("herd.client.link-rate", 1, 64), peer.isEmpty() ? null : c.path("herd.client.peer-certificate"));
    }
}
