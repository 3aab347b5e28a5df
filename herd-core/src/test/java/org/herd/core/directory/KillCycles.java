package org.herd.core.directory;

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

/**
 * The kill -9 cycles shared by the durability tests: a child JVM ({@code writer}: arguments
 * database, seed, deadline seconds, first index) writes and prints {@code ACK i} after each
 * acknowledged write; it is SIGKILLed after {@code acksBeforeKill} acks, several times on the same
 * database, each child continuing after the last acknowledged index.
 */
final class KillCycles {

    static final int CHILD_DEADLINE_SECONDS = 60;

    private KillCycles() {
    }

    /** Runs {@code cycles} kill cycles; returns every acknowledged index, in order. */
    static List<Long> run(Class<?> writer, Path db, long seed, int cycles, int acksBeforeKill) throws Exception {
        List<Long> acked = new ArrayList<>();
        // Several kill/restart cycles on the same file: each child also has to recover the WAL
        // left by the previous kill before it can write.
        for (int cycle = 0; cycle < cycles; cycle++) {
            long first = acked.size();
            List<Long> cycleAcks = runAndKill(writer, db, seed, first, acksBeforeKill);
            for (int i = 0; i < cycleAcks.size(); i++) {
                assertEquals(first + i, cycleAcks.get(i), "acks are sequential");
            }
            acked.addAll(cycleAcks);
            assertTrue(Files.exists(Path.of(db + "-wal")),
                    "the committed state must be in the WAL, not checkpointed by a clean close");
            // The next child starts right after the last acknowledged index, overwriting the one
            // write that may have been in flight (registration is an upsert).
        }
        return acked;
    }

    /** Starts a writer at index {@code first}, reads its acks, SIGKILLs it; returns every ack it printed. */
    private static List<Long> runAndKill(Class<?> writer, Path db, long seed, long first, int acksBeforeKill) throws Exception {
        String classpath = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        Process child = new ProcessBuilder(java.toString(), "-cp", classpath, "-Xmx128m",
                writer.getName(), db.toString(), Long.toString(seed),
                Integer.toString(CHILD_DEADLINE_SECONDS), Long.toString(first))
                .redirectError(ProcessBuilder.Redirect.INHERIT)
                .start();
        List<Long> acked = new ArrayList<>();
        try (BufferedReader out = new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.US_ASCII))) {
            String line;
            while (acked.size() < acksBeforeKill && (line = out.readLine()) != null) {
                if (line.startsWith("ACK ")) {
                    acked.add(Long.parseLong(line.substring(4)));
                }
            }
            assertEquals(acksBeforeKill, acked.size(), "child stopped before " + acksBeforeKill + " acks");
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
