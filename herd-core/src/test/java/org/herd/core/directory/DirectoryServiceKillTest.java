package org.herd.core.directory;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
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
    private static final int CHILD_DEADLINE_SECONDS = 60;
    private static final int CYCLES = 3;

    @TempDir
    Path dir;

    @Test
    @Timeout(value = 180, unit = TimeUnit.SECONDS)
    void killMinusNineLosesNoAcknowledgedRegistration() throws Exception {
        long seed = System.nanoTime();
        System.out.println("DirectoryServiceKillTest seed=" + seed);
        Path db = dir.resolve("directory.db");
        List<Long> acked = new ArrayList<>();
        // Several kill/restart cycles on the same file: each child also has to recover the WAL
        // left by the previous kill before it can write.
        for (int cycle = 0; cycle < CYCLES; cycle++) {
            long first = acked.size();
            List<Long> cycleAcks = runAndKill(db, seed, first);
            for (int i = 0; i < cycleAcks.size(); i++) {
                assertEquals(first + i, cycleAcks.get(i), "acks are sequential");
            }
            acked.addAll(cycleAcks);
            assertTrue(Files.exists(dir.resolve("directory.db-wal")),
                    "the committed state must be in the WAL, not checkpointed by a clean close");
            // The next child starts right after the last acknowledged index, overwriting the one
            // write that may have been in flight (registration is an upsert).
        }

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

    /** Starts a writer at index {@code first}, reads its acks, SIGKILLs it; returns every ack it printed. */
    private static List<Long> runAndKill(Path db, long seed, long first) throws Exception {
        String classpath = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        Process child = new ProcessBuilder(java.toString(), "-cp", classpath, "-Xmx128m",
                ServiceRegistrationWriterMain.class.getName(), db.toString(), Long.toString(seed),
                Integer.toString(CHILD_DEADLINE_SECONDS), Long.toString(first))
                .redirectError(ProcessBuilder.Redirect.INHERIT)
                .start();
        List<Long> acked = new ArrayList<>();
        try (BufferedReader out = new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.US_ASCII))) {
            String line;
            while (acked.size() < ACKS_BEFORE_KILL && (line = out.readLine()) != null) {
                if (line.startsWith("ACK ")) {
                    acked.add(Long.parseLong(line.substring(4)));
                }
            }
            assertEquals(ACKS_BEFORE_KILL, acked.size(), "child stopped before " + ACKS_BEFORE_KILL + " acks");
            // SIGKILL on Linux: no shutdown hooks, no close(), no checkpoint. Through the ProcessHandle,
            // because Process.destroyForcibly() would also close our end of the child's stdout.
            assertTrue(child.toHandle().destroyForcibly(), "kill not delivered");
            assertTrue(child.waitFor(30, TimeUnit.SECONDS), "child did not die");
            // Acks already in the pipe were printed after their commit returned: they count too.
            while ((line = out.readLine()) != null) {
                if (line.startsWith("ACK ")) {
                    acked.add(Long.parseLong(line.substring(4)));
                }
            }
        } finally {
            child.destroyForcibly();
        }
        assertEquals(137, child.exitValue(), "the child must have died of SIGKILL (128 + 9), not exited");
        return acked;
    }
}
