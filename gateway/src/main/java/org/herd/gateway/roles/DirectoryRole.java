package org.herd.gateway.roles;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.herd.core.crypto.IdentityKeyPair;
import org.herd.core.crypto.IdentityPublicKey;
import org.herd.core.crypto.KeyFiles;
import org.herd.core.crypto.ZoneCertificate;
import org.herd.core.directory.DirectoryProtocolException;
import org.herd.core.directory.DirectoryService;
import org.herd.core.directory.DirectoryStore;
import org.herd.core.directory.DirectoryTransport;
import org.herd.core.directory.LinkRateController;
import org.herd.core.directory.RateScope;
import org.herd.core.directory.ZoneBootstrap;
import org.herd.core.time.Clock;
import org.herd.gateway.config.ConfigException;
import org.herd.gateway.config.DirectoryConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A running zone directory (§3.3, §3.4, §3.5): the {@link DirectoryStore}, the
 * {@link DirectoryService} bound to a {@link DirectoryTransport}, and a timer that runs the rate
 * controller's epoch step every {@code epoch.poll-ms}, handing the resulting RATE_PROPOSAL
 * requests to {@code peerSender}, and purges expired state once per epoch. {@link #close()} stops the timer and the transport, then closes
 * the store (SQLite checkpoints its WAL); it is idempotent.
 */
public final class DirectoryRole implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(DirectoryRole.class);

    private final DirectoryStore store;
    private final DirectoryService service;
    private final DirectoryTransport transport;
    private final ScheduledExecutorService timer;
    private final org.herd.core.directory.EpochSchedule schedule;
    private final Clock clock;
    private long lastPurgedEpoch = -1;
    private boolean closed;

    private DirectoryRole(DirectoryStore store, DirectoryService service, DirectoryTransport transport,
                          ScheduledExecutorService timer, org.herd.core.directory.EpochSchedule schedule, Clock clock) {
        this.schedule = schedule;
        this.clock = clock;
        this.store = store;
        this.service = service;
        this.transport = transport;
        this.timer = timer;
    }

    /**
     * Opens the store, loads the keys and certificate, publishes the configured descriptors,
     * restores the announced rates, starts the transport and the epoch timer.
     *
     * @throws ConfigException if a configured file is missing or unusable (names the key and the file)
     */
    public static DirectoryRole start(DirectoryConfig config, DirectoryTransport transport, Clock clock,
                                      Consumer<DirectoryService.PeerRequest> peerSender) {
        Objects.requireNonNull(transport, "transport");
        IdentityKeyPair key = read("herd.directory.identity-key", config.identityKey(), KeyFiles::readIdentity);
        ZoneCertificate certificate = read("herd.directory.zone-certificate", config.zoneCertificate(),
                ZoneBootstrap::readZoneCertificate);
        IdentityPublicKey root = read("herd.directory.root-key", config.rootKey(), KeyFiles::readIdentityPublic);
        Set<IdentityPublicKey> enrolled = new HashSet<>();
        for (Path p : config.enrolledMixes()) {
            enrolled.add(read("herd.directory.enrolled-mixes", p, KeyFiles::readIdentityPublic));
        }
        if (!certificate.zone().equals(config.zone())) {
            throw new ConfigException("herd.directory.zone-certificate", config.zoneCertificate()
                    + " certifies zone " + certificate.zone() + " but herd.directory.zone is " + config.zone());
        }
        LinkRateController rates = new LinkRateController(config.zone(), config.policy(), config.schedule(), clock);
        rates.addScope(RateScope.superpeer(config.zone()));
        rates.addScope(RateScope.intraZone(config.zone()));
        for (String peer : config.peerZones()) {
            rates.addScope(RateScope.interZone(config.zone(), peer));
        }
        DirectoryConfig.ServiceLimits l = config.service();
        DirectoryService.Settings settings = new DirectoryService.Settings(l.certificateLifetimeMillis(),
                l.descriptorLifetimeMillis(), l.maxRegistrationLifetimeMillis(), l.maxClockSkewMillis(),
                l.documentLifetimeMillis(), l.documentRefreshMillis(), l.nonceCapacity(), enrolled,
                Set.copyOf(config.peerZones()));
        DirectoryStore store = DirectoryStore.openSqlite(config.database(), clock.epochMillis());
        try {
            DirectoryService service;
            try {
                service = new DirectoryService(settings, key, certificate, root, store, rates, config.schedule(), clock,
                        new SecureRandom());
            } catch (IllegalArgumentException e) {
                throw new ConfigException("herd.directory.zone-certificate", config.zoneCertificate() + ": " + e.getMessage());
            }
            for (Path p : config.descriptors()) {
                byte[] d = read("herd.directory.descriptors", p, Files::readAllBytes);
                try {
                    service.publishDescriptor(d);
                } catch (DirectoryProtocolException e) {
                    // An old descriptor file next to a newer published one is not fatal.
                    LOG.warn("descriptor {} not published: {}", p, e.getMessage());
                }
            }
            int restored = service.restoreRates();
            ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
                Thread t = new Thread(r, "herd-directory-epoch");
                t.setDaemon(true);
                return t;
            });
            DirectoryRole role = new DirectoryRole(store, service, transport, timer, config.schedule(), clock);
            transport.start(service::handle, service::validClientCertificates);
            timer.scheduleWithFixedDelay(() -> role.epochStep(peerSender), 0, config.epochPollMillis(),
                    TimeUnit.MILLISECONDS);
            LOG.info("directory of zone {} started: {} rate announcements restored, {} enrolled mixes, peers {}",
                    config.zone(), restored, enrolled.size(), config.peerZones());
            return role;
        } catch (RuntimeException e) {
            store.close();
            throw e;
        }
    }

    private void epochStep(Consumer<DirectoryService.PeerRequest> peerSender) {
        try {
            List<DirectoryService.PeerRequest> out = service.onEpoch();
            out.forEach(peerSender);
            long epoch = schedule.currentEpoch(clock);
            if (epoch != lastPurgedEpoch) {
                lastPurgedEpoch = epoch;
                int purged = service.purgeExpired();
                LOG.debug("purged {} expired rows at epoch {}", purged, epoch);
            }
        } catch (RuntimeException e) {
            // The timer must survive a failed step (e.g. the disk is full for a moment): the next
            // poll retries; a skipped decision keeps the rate, it never changes it mid-epoch.
            LOG.error("rate epoch step failed: {}", e.toString());
        }
    }

    /** The service (for the transport binding and tests). */
    public DirectoryService service() {
        return service;
    }

    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        timer.shutdownNow();
        try {
            timer.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        try {
            transport.close();
        } catch (RuntimeException e) {
            // The store must still be closed (its WAL checkpointed) whatever the links did.
            LOG.error("closing the transport failed: {}", e.toString());
        } finally {
            store.close();
        }
        LOG.info("directory of zone {} stopped", service.zone());
    }

    private interface Reader<T> {
        T read(Path p) throws IOException;
    }

    private static <T> T read(String key, Path path, Reader<T> reader) {
        try {
            return reader.read(path);
        } catch (IOException e) {
            throw new ConfigException(key, "cannot use " + path + " (" + key + "): " + e.getMessage());
        }
    }
}
