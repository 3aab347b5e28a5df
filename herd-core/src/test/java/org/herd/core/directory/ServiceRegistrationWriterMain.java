package org.herd.core.directory;

import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.herd.core.crypto.ClientCertificate;
import org.herd.core.crypto.IdentityKeyPair;
import org.herd.core.crypto.OnionKeyPair;
import org.herd.core.time.ManualClock;

/**
 * Child process of {@link DirectoryServiceKillTest}: runs a {@link DirectoryService} over the
 * store at the given path and sends it REGISTER requests for client i = first, first+1, …,
 * printing {@code ACK i} only after the service answered OK. Stops by itself after a deadline.
 *
 * <p>Arguments: database path, seed, deadline in seconds, first index.
 */
public final class ServiceRegistrationWriterMain {

    static final long T0 = DirectoryServiceFixture.T0;
    static final long UNTIL = T0 + TimeUnit.HOURS.toMillis(12);

    private ServiceRegistrationWriterMain() {
    }

    /** The zone both processes derive from the seed. */
    static ZoneBootstrap.Zone zone(long seed) throws Exception {
        SecureRandom r = SecureRandom.getInstance("SHA1PRNG");
        r.setSeed(seed);
        return ZoneBootstrap.generate(Map.of("alpha", List.of(new InetSocketAddress("127.0.0.1", 7001),
                new InetSocketAddress("127.0.0.1", 7002))), T0 - 1, T0 + TimeUnit.DAYS.toMillis(1), r).zones().get("alpha");
    }

    /** A service over {@code store} for the seed's zone (descriptors published). */
    static DirectoryService service(long seed, DirectoryStore store, ManualClock clock, IdentityKeyPair root) throws Exception {
        ZoneBootstrap.Zone z = zone(seed);
        LinkRateController rates = new LinkRateController("alpha", DirectoryServiceFixture.POLICY,
                DirectoryServiceFixture.SCHEDULE, clock);
        DirectoryService s = new DirectoryService(DirectoryServiceFixture.settings(Set.of(), "beta"), z.directory(),
                z.certificate(), root.publicKey(), store, rates, DirectoryServiceFixture.SCHEDULE, clock, new SecureRandom());
        for (ZoneBootstrap.Mix m : z.mixes()) {
            s.publishDescriptor(m.descriptor().encoded());
        }
        return s;
    }

    /** The root of the seed's network (generated first from the same stream). */
    static IdentityKeyPair root(long seed) throws Exception {
        SecureRandom r = SecureRandom.getInstance("SHA1PRNG");
        r.setSeed(seed);
        return IdentityKeyPair.generate(r);
    }

    /** Client number {@code i}. */
    static IdentityKeyPair client(long seed, long i) {
        byte[] s = TestKeys.key(seed + 7, i).encoded(); // 32 deterministic bytes as a seed
        return IdentityKeyPair.fromSeed(s);
    }

    /** The rendezvous mix client {@code i} registers at. */
    static int mixIndex(long i) {
        return (int) (i % 2);
    }

    public static void main(String[] args) throws Exception {
        Path db = Path.of(args[0]);
        long seed = Long.parseLong(args[1]);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(Long.parseLong(args[2]));
        PrintStream out = System.out;
        ManualClock clock = new ManualClock();
        ZoneBootstrap.Zone z = zone(seed);
        try (DirectoryStore store = DirectoryStore.openSqlite(db, T0)) {
            DirectoryService service = service(seed, store, clock, root(seed));
            out.println("OPEN");
            out.flush();
            for (long i = Long.parseLong(args[3]); System.nanoTime() - deadline < 0; i++) {
                IdentityKeyPair c = client(seed, i);
                ClientCertificate cert = ClientCertificate.issue(z.directory(), "alpha", i, c.publicKey(), T0 - 1, UNTIL);
                byte[] cookie = new byte[16];
                cookie[0] = (byte) i;
                RendezvousBinding b = RendezvousBinding.sign(c, "alpha",
                        z.mixes().get(mixIndex(i)).keys().identity().publicKey(), cookie,
                        OnionKeyPair.fromSecret(java.util.Arrays.copyOf(cookie, 32)).publicKey(), UNTIL);
                byte[] response = service.handle(DirectoryMessages.encodeRequest(i, new DirectoryRequest.Register(
                        b.rendezvousMix(), b.cookie(), b.onionKey(), UNTIL, b.signature(), cert.encoded())));
                DirectoryResponse r = DirectoryMessages.decodeResponse(response);
                if (!r.isOk()) {
                    throw new IllegalStateException("registration " + i + " refused: " + r);
                }
                out.println("ACK " + i);
                out.flush();
            }
        }
        out.println("DEADLINE");
        out.flush();
    }
}
