package org.herd.core.directory;

import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.herd.core.crypto.IdentityPublicKey;
import org.herd.core.time.ManualClock;

/**
 * A two-zone network for directory-service tests: zone {@code alpha} (3 mixes) and {@code beta}
 * (2 mixes), certified by one root, with a real SQLite store per directory, a ManualClock and a
 * seeded SecureRandom (the seed is printed).
 */
final class DirectoryServiceFixture implements AutoCloseable {

    static final long T0 = 1_767_225_600_000L; // ManualClock's default wall time
    static final long EPOCH_MS = 60_000L;
    static final long DAY = TimeUnit.DAYS.toMillis(1);
    static final RatePolicy POLICY = new RatePolicy(1, 8, 2, 512, 4, 2, 0.80, 0.40, 3, 1, 1_000L);
    static final EpochSchedule SCHEDULE = new EpochSchedule(T0, EPOCH_MS);

    final long seed;
    final ManualClock clock = new ManualClock();
    final SecureRandom random;
    final ZoneBootstrap.Network network;
    final DirectoryStore alphaStore;
    final DirectoryStore betaStore;
    final DirectoryService alpha;
    final DirectoryService beta;
    final LinkRateController alphaRates;
    final LinkRateController betaRates;

    DirectoryServiceFixture(Path dir, long seed) throws Exception {
        this.seed = seed;
        System.out.println("DirectoryServiceFixture seed=" + seed);
        random = SecureRandom.getInstance("SHA1PRNG");
        random.setSeed(seed);
        Map<String, List<InetSocketAddress>> layout = new LinkedHashMap<>();
        layout.put("alpha", List.of(new InetSocketAddress("127.0.0.1", 7001), new InetSocketAddress("127.0.0.1", 7002),
                new InetSocketAddress("::1", 7003)));
        layout.put("beta", List.of(new InetSocketAddress("127.0.0.1", 7101), new InetSocketAddress("127.0.0.1", 7102)));
        network = ZoneBootstrap.generate(layout, T0 - DAY, T0 + 365 * DAY, random);
        alphaStore = DirectoryStore.openSqlite(dir.resolve("alpha.db"), T0);
        betaStore = DirectoryStore.openSqlite(dir.resolve("beta.db"), T0);
        alphaRates = controller("alpha", "beta");
        betaRates = controller("beta", "alpha");
        alpha = service("alpha", alphaStore, alphaRates, "beta");
        beta = service("beta", betaStore, betaRates, "alpha");
        for (ZoneBootstrap.Mix m : zone("alpha").mixes()) {
            alpha.publishDescriptor(m.descriptor().encoded());
        }
        for (ZoneBootstrap.Mix m : zone("beta").mixes()) {
            beta.publishDescriptor(m.descriptor().encoded());
        }
    }

    private LinkRateController controller(String zone, String peer) {
        LinkRateController c = new LinkRateController(zone, POLICY, SCHEDULE, clock);
        c.addScope(RateScope.superpeer(zone));
        c.addScope(RateScope.intraZone(zone));
        c.addScope(RateScope.interZone(zone, peer));
        return c;
    }

    static DirectoryService.Settings settings(Set<IdentityPublicKey> enrolled, String peer) {
        return new DirectoryService.Settings(30 * DAY, 7 * DAY, DAY, 300_000L, 3_600_000L, 60_000L, 1000,
                enrolled, Set.of(peer));
    }

    private DirectoryService service(String zone, DirectoryStore store, LinkRateController rates, String peer) {
        ZoneBootstrap.Zone z = zone(zone);
        Set<IdentityPublicKey> enrolled = Set.copyOf(z.mixes().stream().map(m -> m.keys().identity().publicKey()).toList());
        return new DirectoryService(settings(enrolled, peer), z.directory(), z.certificate(), network.root().publicKey(),
                store, rates, SCHEDULE, clock, random);
    }

    ZoneBootstrap.Zone zone(String name) {
        return network.zones().get(name);
    }

    ZoneBootstrap.Mix mix(String zone, int i) {
        return zone(zone).mixes().get(i);
    }

    byte[] nonce() {
        byte[] n = new byte[16];
        random.nextBytes(n);
        return n;
    }

    /** Sends a request to {@code service} and decodes its response. */
    static DirectoryResponse call(DirectoryService service, DirectoryRequest request) throws DirectoryProtocolException {
        byte[] bytes = DirectoryMessages.encodeRequest(42, request);
        DirectoryResponse r = DirectoryMessages.decodeResponse(service.handle(bytes));
        if (r.requestId() != 42 || r.type() != request.type()) {
            throw new AssertionError("response does not echo the request: " + r);
        }
        return r;
    }

    @Override
    public void close() {
        alphaStore.close();
        betaStore.close();
    }
}
