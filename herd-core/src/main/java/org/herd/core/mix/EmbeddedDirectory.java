package org.herd.core.mix;

import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.List;
import java.util.Set;
import org.herd.core.crypto.IdentityKeyPair;
import org.herd.core.crypto.IdentityPublicKey;
import org.herd.core.crypto.MixDescriptor;
import org.herd.core.crypto.ZoneCertificate;
import org.herd.core.directory.DirectoryProtocolException;
import org.herd.core.directory.DirectoryService;
import org.herd.core.directory.DirectoryStore;
import org.herd.core.directory.EpochSchedule;
import org.herd.core.directory.LinkRateController;
import org.herd.core.directory.RatePolicy;
import org.herd.core.directory.RateScope;
import org.herd.core.directory.RendezvousDirectoryEndpoint;
import org.herd.core.time.Clock;

/**
 * A zone's {@link DirectoryService} over a SQLite file with the zone's Mix descriptors already
 * published (the devnet's and the tests' directory, §3.3 of the Herd paper), and its REGISTER/LOOKUP
 * as a {@link DirectoryLinkService.Handler} for the directory link
 * ({@link RendezvousDirectoryEndpoint}'s translation). Settings: certificates 30 days,
 * descriptors 7 days, registrations at most 1 day ahead, 5 min clock skew, documents 1 h.
 */
public final class EmbeddedDirectory {

    private static final long DAY = 86_400_000L;

    private final String zone;
    private final DirectoryService service;
    private final DirectoryStore store;

    private EmbeddedDirectory(String zone, DirectoryService service, DirectoryStore store) {
        this.zone = zone;
        this.service = service;
        this.store = store;
    }

    /**
     * Opens (or creates) the store at {@code database} and publishes {@code mixes}' descriptors.
     *
     * @throws IllegalStateException if a descriptor is refused (not signed by this directory)
     */
    public static EmbeddedDirectory open(IdentityKeyPair directoryKey, ZoneCertificate certificate, IdentityPublicKey root,
            List<MixDescriptor> mixes, Path database, Clock clock, SecureRandom random) {
        String zone = certificate.zone();
        long now = clock.epochMillis();
        DirectoryStore store = DirectoryStore.openSqlite(database, now);
        EpochSchedule schedule = new EpochSchedule(now - DAY, EpochSchedule.DEFAULT_LENGTH_MILLIS);
        LinkRateController rates = new LinkRateController(zone, RatePolicy.DEFAULTS, schedule, clock);
        rates.addScope(RateScope.intraZone(zone));
        Set<IdentityPublicKey> enrolled = Set.copyOf(mixes.stream().map(MixDescriptor::mixKey).toList());
        DirectoryService.Settings settings = new DirectoryService.Settings(30 * DAY, 7 * DAY, DAY, 300_000L,
                3_600_000L, 60_000L, 100_000, enrolled, Set.of());
        DirectoryService service = new DirectoryService(settings, directoryKey, certificate, root, store, rates, schedule,
                clock, random);
        for (MixDescriptor d : mixes) {
            try {
                service.publishDescriptor(d.encoded());
            } catch (DirectoryProtocolException e) {
                store.close();
                throw new IllegalStateException("descriptor of " + d.mixKey() + " refused: " + e.getMessage(), e);
            }
        }
        return new EmbeddedDirectory(zone, service, store);
    }

    /** The service. */
    public DirectoryService service() {
        return service;
    }

    /** REGISTER to this zone's service, LOOKUP to the service of the zone it names if that is this one. */
    public DirectoryLinkService.Handler handler() {
        return new DirectoryLinkService.Handler() {
            @Override
            public org.herd.core.wire.ControlMessages.Registered register(IdentityPublicKey rendezvous,
                    org.herd.core.wire.ControlMessages.Register request) {
                return RendezvousDirectoryEndpoint.register(service::handle, zone, rendezvous, request);
            }

            @Override
            public org.herd.core.wire.ControlMessages.Answer lookup(org.herd.core.wire.ControlMessages.Lookup request) {
                return RendezvousDirectoryEndpoint.lookup(request.zone().equals(zone) ? service::handle : null, request);
            }
        };
    }

    /** Closes the store. */
    public void close() {
        store.close();
    }
}
