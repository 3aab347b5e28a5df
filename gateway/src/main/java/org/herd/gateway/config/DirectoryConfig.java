package org.herd.gateway.config;

import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.herd.core.crypto.ZoneName;
import org.herd.core.directory.DirectoryService;
import org.herd.core.directory.EpochSchedule;
import org.herd.core.directory.RatePolicy;

/**
 * The configuration of {@code herd directory} (one per trust zone), validated once at start.
 * Keys, defaults and meaning: {@link #DEFAULTS} here and the shipped
 * {@code etc/herd-directory.properties}, which documents every key.
 *
 * @param zone                  the zone this directory serves
 * @param listen                the UDP endpoint the directory's transport binds
 * @param database              the SQLite database file
 * @param identityKey           the directory's Ed25519 identity key file (0600)
 * @param zoneCertificate       the root's certificate of this directory (binary file)
 * @param rootKey               the root public key file
 * @param enrolledMixes         identity public key files of the mixes this directory issues descriptors for
 * @param descriptors           mix descriptor files published at start (e.g. laid out by ZoneBootstrap)
 * @param peerZones             the zones with which inter-zone rates are agreed
 * @param schedule              the rate epochs
 * @param epochPollMillis       how often the rate controller's epoch step runs
 * @param policy                the rate decision tunables
 * @param service               the service's lifetimes, skew and bounds
 * @param peerMixes             identity public key files of the other zones' Mixes (they link here too)
 * @param linkRate              the rate of the directory's links, cells per tick
 */
public record DirectoryConfig(String zone, InetSocketAddress listen, Path database, Path identityKey,
                              Path zoneCertificate, Path rootKey, List<Path> enrolledMixes, List<Path> descriptors,
                              List<String> peerZones, EpochSchedule schedule, long epochPollMillis, RatePolicy policy,
                              ServiceLimits service, List<Path> peerMixes, int linkRate) {

    /** The {@link DirectoryService.Settings} values that come from configuration (keys resolved at start). */
    public record ServiceLimits(long certificateLifetimeMillis, long descriptorLifetimeMillis,
                                long maxRegistrationLifetimeMillis, long maxClockSkewMillis, long documentLifetimeMillis,
                                long documentRefreshMillis, int nonceCapacity) {
    }

    /** Every key of the role and its default ({@code ""}: required, or empty list). The one place defaults live. */
    public static final Map<String, String> DEFAULTS;

    static {
        RatePolicy p = RatePolicy.DEFAULTS;
        Map<String, String> d = new LinkedHashMap<>();
        d.put("herd.directory.zone", "");
        d.put("herd.directory.listen-address", "127.0.0.1");
        d.put("herd.directory.listen-port", "7000");
        d.put("herd.directory.database", "/var/lib/herd/directory/directory.db");
        d.put("herd.directory.identity-key", "/var/lib/herd/directory/identity.key");
        d.put("herd.directory.zone-certificate", "/var/lib/herd/directory/zone.cert");
        d.put("herd.directory.root-key", "/etc/herd/root.pub");
        d.put("herd.directory.enrolled-mixes", "");
        d.put("herd.directory.descriptors", "");
        d.put("herd.directory.peer-zones", "");
        d.put("herd.directory.peer-mixes", "");
        d.put("herd.directory.link-rate", "2");
        d.put("herd.directory.epoch.origin-ms", "1767225600000");
        d.put("herd.directory.epoch.length-ms", Long.toString(EpochSchedule.DEFAULT_LENGTH_MILLIS));
        d.put("herd.directory.epoch.poll-ms", "1000");
        d.put("herd.directory.certificate-lifetime-ms", "2592000000");
        d.put("herd.directory.descriptor-lifetime-ms", "604800000");
        d.put("herd.directory.registration.max-lifetime-ms", "86400000");
        d.put("herd.directory.max-clock-skew-ms", "300000");
        d.put("herd.directory.document.lifetime-ms", "3600000");
        d.put("herd.directory.document.refresh-ms", "60000");
        d.put("herd.directory.nonce-capacity", "100000");
        d.put("herd.directory.rate.client-multiple", Integer.toString(p.clientMultiple()));
        d.put("herd.directory.rate.initial", Integer.toString(p.initialRate()));
        d.put("herd.directory.rate.min", Integer.toString(p.minRate()));
        d.put("herd.directory.rate.max", Integer.toString(p.maxRate()));
        d.put("herd.directory.rate.raise-step", Integer.toString(p.raiseStep()));
        d.put("herd.directory.rate.lower-step", Integer.toString(p.lowerStep()));
        d.put("herd.directory.rate.high-watermark", Double.toString(p.highWatermark()));
        d.put("herd.directory.rate.low-watermark", Double.toString(p.lowWatermark()));
        d.put("herd.directory.rate.low-epochs-before-lowering", Integer.toString(p.lowEpochsBeforeLowering()));
        d.put("herd.directory.rate.lead-epochs", Integer.toString(p.leadEpochs()));
        d.put("herd.directory.rate.report-grace-ms", Long.toString(p.reportGraceMillis()));
        DEFAULTS = java.util.Collections.unmodifiableMap(d);
    }

    /** Loads with the process's environment and system properties. */
    public static DirectoryConfig load(Path file) {
        return load(file, System.getenv(), System.getProperties());
    }

    /**
     * Loads and validates.
     *
     * @throws ConfigException naming the first bad key, its value and its source
     */
    public static DirectoryConfig load(Path file, Map<String, String> env, Properties sys) {
        HerdConfiguration c = HerdConfiguration.load(file, DEFAULTS, env, sys);
        String zone = zone(c, "herd.directory.zone");
        List<String> peers = c.list("herd.directory.peer-zones");
        for (String peer : peers) {
            if (!ZoneName.isValid(peer) || peer.equals(zone)) {
                throw c.invalid("herd.directory.peer-zones", "'" + peer + "' is not a valid zone other than " + zone);
            }
        }
        long length = c.longValue("herd.directory.epoch.length-ms", 1_000, 7L * 24 * 3_600_000);
        EpochSchedule schedule = new EpochSchedule(c.longValue("herd.directory.epoch.origin-ms", 0, Long.MAX_VALUE / 4),
                length);
        RatePolicy policy;
        int min = c.intValue("herd.directory.rate.min", 1, 1 << 20);
        int max = c.intValue("herd.directory.rate.max", min, 1 << 20);
        double high = c.doubleValue("herd.directory.rate.high-watermark", Double.MIN_VALUE, 1.0);
        long grace = c.longValue("herd.directory.rate.report-grace-ms", 0, Long.MAX_VALUE);
        if (grace * 2 >= length) {
            throw c.invalid("herd.directory.rate.report-grace-ms", "must be under half of herd.directory.epoch.length-ms ("
                    + length + ")");
        }
        policy = new RatePolicy(c.intValue("herd.directory.rate.client-multiple", 1, 64),
                c.intValue("herd.directory.rate.initial", min, max), min, max,
                c.intValue("herd.directory.rate.raise-step", 1, 1 << 20),
                c.intValue("herd.directory.rate.lower-step", 1, 1 << 20), high,
                c.doubleValue("herd.directory.rate.low-watermark", 0.0, Math.nextDown(high)),
                c.intValue("herd.directory.rate.low-epochs-before-lowering", 1, 1000),
                c.intValue("herd.directory.rate.lead-epochs", 1, 1000), grace);
        long docLifetime = c.longValue("herd.directory.document.lifetime-ms", 2, Long.MAX_VALUE / 4);
        ServiceLimits limits = new ServiceLimits(
                c.longValue("herd.directory.certificate-lifetime-ms", 1, Long.MAX_VALUE / 4),
                c.longValue("herd.directory.descriptor-lifetime-ms", 1, Long.MAX_VALUE / 4),
                c.longValue("herd.directory.registration.max-lifetime-ms", 1, Long.MAX_VALUE / 4),
                c.longValue("herd.directory.max-clock-skew-ms", 1, 3_600_000),
                docLifetime,
                c.longValue("herd.directory.document.refresh-ms", 1, docLifetime - 1),
                c.intValue("herd.directory.nonce-capacity", 1, 10_000_000));
        return new DirectoryConfig(zone, RoleConfigs.endpoint(c, "herd.directory.listen-address", "herd.directory.listen-port"),
                c.path("herd.directory.database"), c.path("herd.directory.identity-key"),
                c.path("herd.directory.zone-certificate"), c.path("herd.directory.root-key"),
                RoleConfigs.paths(c, "herd.directory.enrolled-mixes"), RoleConfigs.paths(c, "herd.directory.descriptors"),
                List.copyOf(peers), schedule, c.longValue("herd.directory.epoch.poll-ms", 10, 60_000), policy, limits,
                RoleConfigs.paths(c, "herd.directory.peer-mixes"), c.intValue("herd.directory.link-rate", 1, 64));
    }

    static String zone(HerdConfiguration c, String key) {
        String z = c.string(key);
        if (!ZoneName.isValid(z)) {
            throw c.invalid(key, "a zone is a DNS label: a-z, 0-9 and '-', 1 to 63 characters");
        }
        return z;
    }
}
