package org.herd.core.directory;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.herd.core.crypto.IdentityKeyPair;
import org.herd.core.time.ManualClock;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * "A kill -9 and restart loses no registration", end to end through the service: a child JVM
 * runs a {@link DirectoryService} and acknowledges each REGISTER on stdout once the service
 * answered OK; the test SIGKILLs it mid-stream (three times on the same database), then starts a
 * new service on the file and finds every acknowledged client by LOOKUP at its rendezvous mix.
 */
class DirectoryServiceKillTest {

    private static final int ACKS_BEFORE_KILL = 100;
    private static final int CYCLES = 3;

    @TempDir
    Path dir;

    @Test
    @Timeout(value = 180, unit = TimeUnit.SECONDS)
    void killMinusNineLosesNoAcknowledgedRegistration() throws Exception {
        long seed = System.nanoTime();
        System.out.println("DirectoryServiceKillTest seed=" + seed);
        Path db = dir.resolve("directory.db");
        List<Long> acked = KillCycles.run(ServiceRegistrationWriterMain.class, db, seed, CYCLES, ACKS_BEFORE_KILL);

        try (DirectoryStore store = DirectoryStore.openSqlite(db, ServiceRegistrationWriterMain.T0)) {
            ManualClock clock = new ManualClock();
            DirectoryService service = ServiceRegistrationWriterMain.service(seed, store, clock,
                    ServiceRegistrationWriterMain.root(seed));
            ZoneBootstrap.Zone zone = ServiceRegistrationWriterMain.zone(seed);
            for (long i : acked) {
                IdentityKeyPair c = ServiceRegistrationWriterMain.client(seed, i);
                DirectoryResponse r = DirectoryMessages.decodeResponse(service.handle(DirectoryMessages.encodeRequest(i,
                        new DirectoryRequest.LookupByKey("alpha", c.publicKey()))));
                assertTrue(r.isOk(), "acknowledged registration " + i + " lost: " + r + " (seed " + seed + ")");
                assertArrayEquals(zone.mixes().get(ServiceRegistrationWriterMain.mixIndex(i)).keys().identity().publicKey().encoded(),
                        DirectoryResponse.LookupResult.decode(r.body()).rendezvousMix(), "registration " + i + " altered");
            }
            long count = store.registrationCount();
            assertTrue(count >= acked.size() && count <= acked.size() + 1,
                    "expected " + acked.size() + " or one more registrations, found " + count);
            System.out.println("DirectoryServiceKillTest: " + CYCLES + " kill -9 cycles, " + acked.size()
                    + " acknowledged, " + count + " stored");
        }
    }
}
