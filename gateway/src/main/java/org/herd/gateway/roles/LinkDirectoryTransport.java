package org.herd.gateway.roles;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Set;
import java.util.function.UnaryOperator;
import org.herd.core.crypto.IdentityKeyPair;
import org.herd.core.crypto.IdentityPublicKey;
import org.herd.core.crypto.KeyFiles;
import org.herd.core.directory.DirectoryService;
import org.herd.core.directory.DirectoryTransport;
import org.herd.core.directory.IssuedCertificates;
import org.herd.core.directory.ZoneBootstrap;
import org.herd.core.link.LinkConfig;
import org.herd.core.link.LinkException;
import org.herd.core.mix.ZoneDirectoryNode;
import org.herd.core.time.Clock;
import org.herd.gateway.config.ConfigException;
import org.herd.gateway.config.DirectoryConfig;

/**
 * The {@code herd directory} role's transport on real links (§3.1, §3.5 of the Herd paper): a
 * {@link ZoneDirectoryNode} on the configured endpoint. The Mixes (this zone's and, from
 * {@code herd.directory.peer-mixes}, the other zones') link here for REGISTER, LOOKUP and their
 * utilisation reports; joining clients for JOIN and GET_DIRECTORY; the signed document is pushed
 * to the Mixes every {@code epoch.poll-ms}, and the valid client certificates of the store to
 * each Mix of the zone that links (and each one a JOIN issues at once); the role's
 * RATE_PROPOSALs ({@link #propose}) go to the peer directories through a Mix of this zone. The
 * role runs the epoch step itself.
 */
public final class LinkDirectoryTransport implements DirectoryTransport {

    private final DirectoryConfig config;
    private final IdentityKeyPair key;
    private final Set<IdentityPublicKey> zoneMixes;
    private final Set<IdentityPublicKey> allMixes;
    private final Clock clock;
    private volatile ZoneDirectoryNode node;

    private LinkDirectoryTransport(DirectoryConfig config, IdentityKeyPair key, Set<IdentityPublicKey> zoneMixes,
            Set<IdentityPublicKey> allMixes, Clock clock) {
        this.config = config;
        this.key = key;
        this.zoneMixes = Set.copyOf(zoneMixes);
        this.allMixes = Set.copyOf(allMixes);
        this.clock = clock;
    }

    /**
     * Reads the keys the links need: the directory's identity key, its zone's Mixes (enrolled keys
     * and published descriptors) and the other zones' Mixes.
     *
     * @throws ConfigException naming the key whose file cannot be used
     */
    public static LinkDirectoryTransport of(DirectoryConfig config, Clock clock) {
        IdentityKeyPair key = read("herd.directory.identity-key", config.identityKey(), KeyFiles::readIdentity);
        Set<IdentityPublicKey> zone = new HashSet<>();
        for (Path p : config.enrolledMixes()) {
            zone.add(read("herd.directory.enrolled-mixes", p, KeyFiles::readIdentityPublic));
        }
        for (Path p : config.descriptors()) {
            zone.add(read("herd.directory.descriptors", p, ZoneBootstrap::readDescriptor).mixKey());
        }
        Set<IdentityPublicKey> all = new HashSet<>(zone);
        for (Path p : config.peerMixes()) {
            all.add(read("herd.directory.peer-mixes", p, KeyFiles::readIdentityPublic));
        }
        return new LinkDirectoryTransport(config, key, zone, all, clock);
    }

    /** Starts without certificates to push: clients are admitted only by the Mixes' own allow-lists. */
    @Override
    public void start(UnaryOperator<byte[]> handler) {
        start(handler, (after, limit) -> java.util.List.of());
    }

    @Override
    public void start(UnaryOperator<byte[]> handler, IssuedCertificates certificates) {
        try {
            node = ZoneDirectoryNode.start(config.zone(), handler, null, certificates, new ZoneDirectoryNode.Settings(key, config.listen(),
                    zoneMixes, allMixes, true, config.linkRate(), config.epochPollMillis(), LinkConfig.defaults()), clock,
                    new ZoneDirectoryNode.Events() {
                    });
        } catch (LinkException e) {
            throw new ConfigException("herd.directory.listen-port", "cannot listen on " + config.listen() + ": "
                    + e.getMessage());
        }
    }

    /** Sends a RATE_PROPOSAL of the role's epoch step to its peer directory (through a Mix of the zone). */
    public void propose(DirectoryService.PeerRequest request) {
        ZoneDirectoryNode n = node;
        if (n != null) {
            n.propose(request);
        }
    }

    /** The running node (counters), or null before start. */
    public ZoneDirectoryNode node() {
        return node;
    }

    @Override
    public void close() {
        ZoneDirectoryNode n = node;
        if (n != null) {
            n.close();
        }
    }

    private interface Reader<T> {
        T read(Path p) throws IOException;
    }

    private static <T> T read(String key, Path path, Reader<T> reader) {
        try {
            if (!Files.isReadable(path)) {
                throw new IOException("not readable");
            }
            return reader.read(path);
        } catch (IOException e) {
            throw new ConfigException(key, "cannot use " + path + " (" + key + "): " + e.getMessage());
        }
    }
}
