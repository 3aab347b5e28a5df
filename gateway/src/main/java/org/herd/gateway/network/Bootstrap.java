package org.herd.gateway.network;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.herd.core.crypto.CertificateException;
import org.herd.core.crypto.IdentityPublicKey;
import org.herd.core.crypto.ZoneCertificate;
import org.herd.core.directory.ZoneBootstrap;
import org.herd.core.mix.MixNode;
import org.herd.core.time.Clock;

/**
 * The bootstrap facts a Mix or client starts from when configured through
 * {@code etc/herd-mix.properties} / {@code etc/herd-client.properties} (§3.1, §3.5 of the Herd
 * paper: the root of trust ships with the software, and the zone directories are known): zone
 * certificates checked against the root key, paired with their directories' addresses. Everything
 * else (Mix descriptors, rates, client certificates) comes from the directories at run time.
 */
final class Bootstrap {

    private Bootstrap() {
    }

    /** True if the properties file holds keys of the role's Commons Configuration form ({@code prefix}, e.g. "herd.mix."). */
    static boolean isRoleConfig(Path file, String prefix) throws IOException {
        for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
            if (line.trim().startsWith(prefix)) {
                return true;
            }
        }
        return false;
    }

    /** A zone certificate file, verified against {@code root} for {@code zone} (null: any zone). */
    static ZoneCertificate zoneCertificate(Path file, IdentityPublicKey root, String zone, Clock clock) throws IOException {
        ZoneCertificate zc = ZoneBootstrap.readZoneCertificate(file);
        try {
            if (zone == null) {
                zc.verify(root, clock);
            } else {
                zc.verify(root, zone, clock);
            }
        } catch (CertificateException e) {
            throw new IOException(file + ": " + e.getMessage(), e);
        }
        return zc;
    }

    /** The directories of {@code addresses}' zones, their keys from the certificates (each verified; one per zone). */
    static List<MixNode.Directory> directories(Map<String, InetSocketAddress> addresses, List<Path> certificates,
            IdentityPublicKey root, Clock clock) throws IOException {
        Map<String, ZoneCertificate> byZone = new HashMap<>();
        for (Path f : certificates) {
            ZoneCertificate zc = zoneCertificate(f, root, null, clock);
            if (byZone.put(zc.zone(), zc) != null) {
                throw new IOException(f + ": a second certificate for zone " + zc.zone());
            }
        }
        List<MixNode.Directory> out = new ArrayList<>();
        for (Map.Entry<String, InetSocketAddress> e : addresses.entrySet()) {
            ZoneCertificate zc = byZone.get(e.getKey());
            if (zc == null) {
                throw new IOException("no zone certificate for zone " + e.getKey() + " among " + certificates);
            }
            out.add(new MixNode.Directory(e.getKey(), zc.directoryKey(), e.getValue()));
        }
        return out;
    }
}
