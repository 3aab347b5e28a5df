package org.herd.core.directory;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.stream.Stream;
import org.herd.core.crypto.CertificateException;
import org.herd.core.crypto.IdentityKeyPair;
import org.herd.core.crypto.KeyFiles;
import org.herd.core.crypto.MixDescriptor;
import org.herd.core.crypto.NodeKeys;
import org.herd.core.crypto.ZoneCertificate;

/**
 * Lays out the PKI of a Herd network (§3.1 "a PKI that provides a root of trust"): a root key
 * that certifies each zone's directory, and per zone the directory key, its zone certificate, and
 * the keys and directory-signed descriptors of its mixes. Devnet and tests use it; production
 * operators run the same steps with the root key offline.
 *
 * <p>On disk (secret keys {@code 0600} via {@link KeyFiles}, directories {@code 0700}):
 * <pre>
 * root/identity.key, root/identity.pub           the root key (identity.pub is what etc/ ships)
 * zones/&lt;zone&gt;/directory/identity.key|.pub       the zone directory's key
 * zones/&lt;zone&gt;/directory/zone.cert              the root's ZoneCertificate for it (binary)
 * zones/&lt;zone&gt;/mixes/&lt;i&gt;/{identity,onion}.key|.pub  a mix's NodeKeys
 * zones/&lt;zone&gt;/mixes/&lt;i&gt;/descriptor.bin         its MixDescriptor signed by the directory
 * </pre>
 */
public final class ZoneBootstrap {

    /** File name of a zone certificate. */
    public static final String ZONE_CERTIFICATE_FILE = "zone.cert";
    /** File name of a mix descriptor. */
    public static final String DESCRIPTOR_FILE = "descriptor.bin";

    private ZoneBootstrap() {
    }

    /** A mix: its keys and its signed descriptor. */
    public record Mix(NodeKeys keys, MixDescriptor descriptor) {
    }

    /** A zone: its directory's key and certificate and its mixes. */
    public record Zone(String name, IdentityKeyPair directory, ZoneCertificate certificate, List<Mix> mixes) {
    }

    /** A whole network: the root key and the zones. */
    public record Network(IdentityKeyPair root, Map<String, Zone> zones) {
    }

    /**
     * Generates a network: a root key; per zone (in the map's order) a directory key, its zone
     * certificate and one mix per address, all valid over {@code [validFrom, validUntil)}.
     */
    public static Network generate(Map<String, List<InetSocketAddress>> mixAddresses, long validFrom, long validUntil,
                                   SecureRandom random) {
        IdentityKeyPair root = IdentityKeyPair.generate(random);
        Map<String, Zone> zones = new LinkedHashMap<>();
        for (Map.Entry<String, List<InetSocketAddress>> z : mixAddresses.entrySet()) {
            zones.put(z.getKey(), zone(root, z.getKey(), z.getValue(), validFrom, validUntil, random));
        }
        return new Network(root, Map.copyOf(zones));
    }

    /** Certifies a new directory for {@code zone} with {@code root} and issues descriptors for new mixes. */
    public static Zone zone(IdentityKeyPair root, String zone, List<InetSocketAddress> mixAddresses, long validFrom,
                            long validUntil, SecureRandom random) {
        IdentityKeyPair directory = IdentityKeyPair.generate(random);
        ZoneCertificate cert = ZoneCertificate.issue(root, zone, directory.publicKey(), validFrom, validUntil);
        List<Mix> mixes = new ArrayList<>();
        for (InetSocketAddress a : mixAddresses) {
            NodeKeys keys = NodeKeys.generate(random);
            mixes.add(new Mix(keys, MixDescriptor.issue(directory, zone, keys.identity().publicKey(),
                    keys.onion().publicKey(), a, validFrom, validUntil)));
        }
        return new Zone(zone, directory, cert, List.copyOf(mixes));
    }

    /** Writes the network under {@code stateDir} (which may exist; files must not). */
    public static void write(Network network, Path stateDir) throws IOException {
        Objects.requireNonNull(network, "network");
        Path rootDir = privateDirectory(stateDir.resolve("root"));
        KeyFiles.writeIdentity(rootDir.resolve(NodeKeys.IDENTITY_FILE), network.root(), false);
        KeyFiles.writeIdentityPublic(rootDir.resolve(NodeKeys.IDENTITY_PUBLIC_FILE), network.root().publicKey(), false);
        for (Zone z : network.zones().values()) {
            Path zoneDir = stateDir.resolve("zones").resolve(z.name());
            Path dirDir = privateDirectory(zoneDir.resolve("directory"));
            KeyFiles.writeIdentity(dirDir.resolve(NodeKeys.IDENTITY_FILE), z.directory(), false);
            KeyFiles.writeIdentityPublic(dirDir.resolve(NodeKeys.IDENTITY_PUBLIC_FILE), z.directory().publicKey(), false);
            Files.write(dirDir.resolve(ZONE_CERTIFICATE_FILE), z.certificate().encoded(), StandardOpenOption.CREATE_NEW,
                    StandardOpenOption.WRITE);
            for (int i = 0; i < z.mixes().size(); i++) {
                Path mixDir = zoneDir.resolve("mixes").resolve(Integer.toString(i));
                z.mixes().get(i).keys().writeTo(mixDir, false);
                Files.write(mixDir.resolve(DESCRIPTOR_FILE), z.mixes().get(i).descriptor().encoded(),
                        StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
            }
        }
    }

    /** Reads back a network written by {@link #write}. */
    public static Network read(Path stateDir) throws IOException {
        IdentityKeyPair root = KeyFiles.readIdentity(stateDir.resolve("root").resolve(NodeKeys.IDENTITY_FILE));
        Map<String, Zone> zones = new LinkedHashMap<>();
        Path zonesDir = stateDir.resolve("zones");
        List<Path> zoneDirs;
        try (Stream<Path> s = Files.list(zonesDir)) {
            zoneDirs = s.sorted().toList();
        }
        for (Path zoneDir : zoneDirs) {
            String name = zoneDir.getFileName().toString();
            Path dirDir = zoneDir.resolve("directory");
            IdentityKeyPair directory = KeyFiles.readIdentity(dirDir.resolve(NodeKeys.IDENTITY_FILE));
            ZoneCertificate cert = readZoneCertificate(dirDir.resolve(ZONE_CERTIFICATE_FILE));
            List<Mix> mixes = new ArrayList<>();
            Path mixesDir = zoneDir.resolve("mixes");
            if (Files.isDirectory(mixesDir)) {
                List<Path> mixDirs;
                try (Stream<Path> s = Files.list(mixesDir)) {
                    mixDirs = s.sorted((a, b) -> Integer.compare(Integer.parseInt(a.getFileName().toString()),
                            Integer.parseInt(b.getFileName().toString()))).toList();
                }
                for (Path m : mixDirs) {
                    mixes.add(new Mix(NodeKeys.readFrom(m), readDescriptor(m.resolve(DESCRIPTOR_FILE))));
                }
            }
            zones.put(name, new Zone(name, directory, cert, List.copyOf(mixes)));
        }
        return new Network(root, Map.copyOf(zones));
    }

    /** Reads a zone certificate file (the bytes of {@link ZoneCertificate#encoded()}). */
    public static ZoneCertificate readZoneCertificate(Path file) throws IOException {
        try {
            return ZoneCertificate.decode(readSmall(file));
        } catch (CertificateException e) {
            throw new IOException(file + ": " + e.getMessage(), e);
        }
    }

    /** Reads a mix descriptor file (the bytes of {@link MixDescriptor#encoded()}). */
    public static MixDescriptor readDescriptor(Path file) throws IOException {
        try {
            return MixDescriptor.decode(readSmall(file));
        } catch (CertificateException e) {
            throw new IOException(file + ": " + e.getMessage(), e);
        }
    }

    private static byte[] readSmall(Path file) throws IOException {
        if (Files.size(file) > org.herd.core.crypto.HerdCertificate.MAX_ENCODED_SIZE) {
            throw new IOException(file + ": larger than any certificate");
        }
        return Files.readAllBytes(file);
    }

    private static Path privateDirectory(Path dir) throws IOException {
        if (!Files.isDirectory(dir)) {
            Files.createDirectories(dir.getParent());
            Files.createDirectory(dir, java.nio.file.attribute.PosixFilePermissions.asFileAttribute(
                    java.nio.file.attribute.PosixFilePermissions.fromString("rwx------")));
        }
        return dir;
    }
}
