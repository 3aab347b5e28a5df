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

    /**
     * Rate settings of the directory.
     *
     * @param schedule the epochs (shared by every directory and Mix of the network)
     * @param policy the rate policy of every adaptive scope (the zone's intra-zone Mix links and
     *     its Mix links to each peer zone); both directories of a pair must use the same
     * @param peerZones the zones whose directories this one agrees inter-zone rates with
     * @param interZonePolicy the policy of the inter-zone scopes (e.g. another initial rate)
     */
    public record Options(EpochSchedule schedule, RatePolicy policy, Set<String> peerZones, RatePolicy interZonePolicy) {
        /** Checks. */
        public Options {
            java.util.Objects.requireNonNull(schedule);
            java.util.Objects.requireNonNull(policy);
            peerZones = Set.copyOf(peerZones);
            java.util.Objects.requireNonNull(interZonePolicy);
        }

        /** One policy for every scope. */
        public Options(EpochSchedule schedule, RatePolicy policy, Set<String> peerZones) {
            this(schedule, policy, peerZones, policy);
        }

        /** One-hour epochs from a day before {@code nowMillis}, {@link RatePolicy#DEFAULTS}, no peer zones. */
        public static Options defaults(long nowMillis) {
            return new Options(new EpochSchedule(nowMillis - DAY, EpochSchedule.DEFAULT_LENGTH_MILLIS), RatePolicy.DEFAULTS,
                    Set.of());
        }
    }

    private final String zone;
    private final DirectoryService service;
    private final DirectoryStore store;
    private final LinkRateController rates;

    private EmbeddedDirectory(String zone, DirectoryService service, DirectoryStore store, LinkRateController rates) {
        this.zone = zone;
        this.service = service;
        this.store = store;
        this.rates = rates;
    }

    /**
     * Opens (or creates) the store at {@code database} and publishes {@code mixes}' descriptors.
     *
     * @throws IllegalStateException if a descriptor is refused (not signed by this directory)
     */
    public static EmbeddedDirectory open(IdentityKeyPair directoryKey, ZoneCertificate certificate, IdentityPublicKey root,
            List<MixDescriptor> mixes, Path database, Clock clock, SecureRandom random) {
        return open(directoryKey, certificate, root, mixes, database, clock, random, Options.defaults(clock.epochMillis()));
    }

    /**
     * Like {@link #open(IdentityKeyPair, ZoneCertificate, IdentityPublicKey, List, Path, Clock, SecureRandom)}
     * with the given epochs, rate policy and peer zones; announced rates are restored from the store.
     *
     * @throws IllegalStateException if a descriptor is refused (not signed by this directory)
     */
    public static EmbeddedDirectory open(IdentityKeyPair directoryKey, ZoneCertificate certificate, IdentityPublicKey root,
            List<MixDescriptor> mixes, Path database, Clock clock, SecureRandom random, Options options) {
        String zone = certificate.zone();
        long now = clock.epochMillis();
        DirectoryStore store = DirectoryStore.openSqlite(database, now);
        EpochSchedule schedule = options.schedule();
        LinkRateController rates = new LinkRateController(zone, options.policy(), schedule, clock);
        rates.addScope(RateScope.intraZone(zone));
        for (String peer : new java.util.TreeSet<>(options.peerZones())) {
            rates.addScope(RateScope.interZone(zone, peer), options.interZonePolicy());
        }
        Set<IdentityPublicKey> enrolled = Set.copyOf(mixes.stream().map(MixDescriptor::mixKey).toList());
        // Documents re-signed at least every epoch/4 (at most a minute), so the rates they list follow the epochs.
        long refresh = Math.max(1, Math.min(60_000L, schedule.lengthMillis() / 4));
        DirectoryService.Settings settings = new DirectoryService.Settings(30 * DAY, 7 * DAY, DAY, 300_000L,
                3_600_000L, refresh, 100_000, enrolled, options.peerZones());
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
        service.restoreRates();
        return new EmbeddedDirectory(zone, service, store, rates);
    }

    /** The rate controller. */
    public LinkRateController rates() {
        return rates;
    }

    /** The service. */
    public DirectoryService service() {
        return service;
    }

    /** REGISTER to this zone's service, LOOKUP to the service of the zone it names if that is this one. */
    public DirectoryLinkService.Handler handler() {
        return DirectoryLinkService.handlerFor(zone, service::handle);
    }

    /** Closes the store. */
    public void close() {
        store.close();
    }
}
