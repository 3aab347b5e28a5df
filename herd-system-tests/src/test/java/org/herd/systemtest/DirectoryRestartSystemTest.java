package org.herd.systemtest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A zone directory killed with SIGKILL and started again on the same SQLite file loses no
 * registration it acknowledged (§3.3; docs/directory.md), at process level: on a
 * {@link LoopbackNetwork}, bob's {@code bzone-directory} is SIGKILLed the moment bob reports his
 * REGISTER acknowledged, alice's {@code azone-directory} a moment later; both are restarted on
 * their databases, the Mixes link to them again, and then alice calls bob and bob calls alice
 * without either registering again: each call needs a LOOKUP answered by the restarted directory
 * of the callee's zone from a registration written before the kill (a lost or stale one would
 * name a rendezvous Mix and cookie where the callee no longer waits, and the call would not connect).
 */
class DirectoryRestartSystemTest {

    /** The SQLite file and its -wal/-shm companions. */
    private static long storeBytes(Path store) throws java.io.IOException {
        long bytes = 0;
        try (java.util.stream.Stream<Path> files = Files.list(store.getParent())) {
            for (Path f : files.filter(f -> f.getFileName().toString().startsWith(store.getFileName().toString())).toList()) {
                bytes += Files.size(f);
            }
        }
        return bytes;
    }

    /**
     * CLIENTS survives a directory restart (docs/network.md, "Pushing certificates"), at process
     * level with clients that JOIN (devnet's configuration: the Mixes have no allow-list): once
     * alice and bob are registered, {@code azone-directory} is SIGKILLed and restarted on its
     * database; then the azone Mix alice is <em>not</em> attached to is SIGKILLed and restarted
     * (its memory of certificates gone: what it admits it learns from the restarted directory), and
     * then alice's own Mix is SIGKILLed. Alice re-joins the restarted Mix, which admits her — her
     * certificate was issued before the directory restart and reached it only through the
     * restarted directory's push from its store — registers there and calls bob.
     */
    @Test
    @Timeout(value = 240, unit = TimeUnit.SECONDS)
    void aClientThatJoinedBeforeADirectoryRestartIsAdmittedByAMixStartedAfterIt(@TempDir Path dir) throws Exception {
        try (LoopbackNetwork net = LoopbackNetwork.start(dir, false, true)) {
            net.awaitReady(120);
            DevnetProcess alice = net.process("alice");
            String joined = alice.await("\"event\":\"joined\"", 1_000);
            assertNotNull(joined, alice.lines().toString());
            String aliceMix = net.mixNameOf(field(joined, "mix"));
            String otherMix = aliceMix.equals("azone-mix0") ? "azone-mix1" : "azone-mix0";
            String aliceKey = field(alice.await("\"event\":\"listening\"", 1_000), "identity");

            net.kill("azone-directory");
            net.restart("azone-directory");
            assertNotNull(net.process("azone-directory").awaitNth("\"event\":\"link_up\"", 4, 40_000),
                    "the Mixes did not link to the restarted directory");
            net.kill(otherMix);
            DevnetProcess restarted = net.restart(otherMix);
            assertNotNull(restarted.await("\"event\":\"ready\"", 60_000), otherMix + " not ready: " + restarted.lines());

            long registrations = alice.lines().stream().filter(l -> l.contains(REGISTERED) && l.contains(ACKNOWLEDGED)).count();
            long started = System.nanoTime();
            net.kill(aliceMix);
            assertNotNull(restarted.await(l -> l.contains("\"kind\":\"client\"") && l.contains(aliceKey), 60_000),
                    otherMix + " (started after the directory restart) never admitted alice: " + restarted.lines());
            assertNotNull(alice.await(l -> alice.lines().stream().filter(x -> x.contains(REGISTERED) && x.contains(ACKNOWLEDGED))
                    .count() > registrations, 60_000), "alice did not register again through " + otherMix + ": " + alice.lines());
            System.out.println("DirectoryRestartSystemTest: alice admitted and registered at the restarted " + otherMix + " "
                    + TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started) + " ms after her Mix was killed");
            net.call("alice", "bob");
            net.hangUp("alice", "bob");
        }
    }

    /** The string value of {@code key} in a JSON line. */
    private static String field(String line, String key) {
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("\"" + key + "\":\"([^\"]*)\"").matcher(line);
        if (!m.find()) {
            throw new AssertionError("no " + key + " in " + line);
        }
        return m.group(1);
    }

    private static final String REGISTERED = "\"event\":\"registered\"";
    /** An acknowledged REGISTER (STATUS_OK); a Mix whose directory link is not up yet answers another status, and the client retries. */
    private static final String ACKNOWLEDGED = "\"status\":0";

    @Test
    @Timeout(value = 240, unit = TimeUnit.SECONDS)
    void killedDirectoryRestartsWithEveryAcknowledgedRegistration(@TempDir Path dir) throws Exception {
        try (LoopbackNetwork net = LoopbackNetwork.start(dir, false)) {
            DevnetProcess alice = net.process("alice");
            DevnetProcess bob = net.process("bob");
            String bobRegistered = bob.await(l -> l.contains(REGISTERED) && l.contains(ACKNOWLEDGED), 120_000);
            long ackSeen = System.nanoTime();
            net.kill("bzone-directory");
            long killMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - ackSeen);
            assertNotNull(bobRegistered, "bob never registered: " + bob.lines());
            String aliceRegistered = alice.await(l -> l.contains(REGISTERED) && l.contains(ACKNOWLEDGED), 60_000);
            assertNotNull(aliceRegistered, "alice never registered: " + alice.lines());
            net.kill("azone-directory");
            System.out.println("DirectoryRestartSystemTest: bzone-directory SIGKILLed and reaped " + killMs
                    + " ms after bob's acknowledgement arrived; database " + storeBytes(net.directoryStore("bzone")) + " bytes (with its WAL)");

            List<String> zones = List.of("azone", "bzone");
            long restartedAt = System.nanoTime();
            for (String zone : zones) {
                net.restart(zone + "-directory");
            }
            for (String zone : zones) {
                DevnetProcess d = net.process(zone + "-directory");
                // Every Mix (2 zones × 2) links to every zone directory; they redial the restarted one.
                assertNotNull(d.awaitNth("\"event\":\"link_up\"", 4, 40_000), zone + "-directory: the Mixes did not link again: " + d.lines());
            }
            System.out.println("DirectoryRestartSystemTest: every Mix linked to the restarted directories after "
                    + TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - restartedAt) + " ms");
            net.awaitReady(60);

            net.call("alice", "bob");
            net.hangUp("alice", "bob");
            net.call("bob", "alice");
            net.hangUp("bob", "alice");

            for (String zone : zones) {
                List<String> lines = net.process(zone + "-directory").lines();
                assertTrue(lines.stream().anyMatch(l -> l.contains("\"event\":\"lookup\"") && l.contains("\"status\":0")),
                        zone + "-directory (restarted) answered no LOOKUP from its database: " + lines);
                assertTrue(lines.stream().noneMatch(l -> l.contains("\"event\":\"register\"")),
                        zone + "-directory (restarted) was sent a REGISTER; the test must not rely on one: " + lines);
            }
            for (DevnetProcess client : List.of(alice, bob)) {
                assertEquals(1, client.lines().stream().filter(l -> l.contains(REGISTERED) && l.contains(ACKNOWLEDGED)).count(),
                        "a client registered again: " + client.lines());
            }
        }
    }
}
