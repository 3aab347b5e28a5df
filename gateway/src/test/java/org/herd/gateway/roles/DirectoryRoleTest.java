package org.herd.gateway.roles;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.ByteArrayOutputStream;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import org.herd.core.crypto.IdentityKeyPair;
import org.herd.core.crypto.OnionKeyPair;
import org.herd.core.directory.DirectoryDocument;
import org.herd.core.directory.DirectoryMessages;
import org.herd.core.directory.DirectoryRequest;
import org.herd.core.directory.DirectoryResponse;
import org.herd.core.directory.DirectoryStatus;
import org.herd.core.directory.InProcessDirectoryTransport;
import org.herd.core.directory.RendezvousBinding;
import org.herd.core.directory.ZoneBootstrap;
import org.herd.core.time.ManualClock;
import org.herd.gateway.config.ConfigException;
import org.herd.gateway.config.DirectoryConfig;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code herd directory}: start from a config and a bootstrapped PKI, serve, restart, stop. */
class DirectoryRoleTest {

    @TempDir
    Path dir;

    ManualClock clock = new ManualClock();
    ZoneBootstrap.Network network;
    Path config;
    SecureRandom random;

    @BeforeEach
    void setUp() throws Exception {
        long seed = System.nanoTime();
        System.out.println("DirectoryRoleTest seed=" + seed);
        random = SecureRandom.getInstance("SHA1PRNG");
        random.setSeed(seed);
        long now = clock.epochMillis();
        network = ZoneBootstrap.generate(Map.of("alpha", List.of(new InetSocketAddress("127.0.0.1", 7001),
                new InetSocketAddress("127.0.0.1", 7002))), now - 1000,
                // Valid on the ManualClock of the in-process tests and on the real clock of the child.
                Math.max(now, System.currentTimeMillis()) + TimeUnit.DAYS.toMillis(30), random);
        Path state = dir.resolve("state");
        ZoneBootstrap.write(network, state);
        Path z = state.resolve("zones/alpha");
        config = dir.resolve("herd-directory.properties");
        Files.writeString(config, String.join("\n",
                "herd.directory.zone = alpha",
                "herd.directory.listen-port = " + freeUdpPort(),
                "herd.directory.database = " + dir.resolve("directory.db"),
                "herd.directory.identity-key = " + z.resolve("directory/identity.key"),
                "herd.directory.zone-certificate = " + z.resolve("directory/zone.cert"),
                "herd.directory.root-key = " + state.resolve("root/identity.pub"),
                "herd.directory.enrolled-mixes = " + z.resolve("mixes/0/identity.pub") + "," + z.resolve("mixes/1/identity.pub"),
                "herd.directory.descriptors = " + z.resolve("mixes/0/descriptor.bin") + "," + z.resolve("mixes/1/descriptor.bin"),
                "herd.directory.epoch.origin-ms = " + clock.epochMillis(),
                ""));
    }

    private DirectoryConfig load(Map<String, String> env) {
        return DirectoryConfig.load(config, env, new Properties());
    }

    private static DirectoryResponse send(InProcessDirectoryTransport t, DirectoryRequest r) throws Exception {
        return DirectoryMessages.decodeResponse(t.send(DirectoryMessages.encodeRequest(1, r)));
    }

    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void aClientJoinsTheRoleOverARealLink() throws Exception {
        // herd directory's default transport: DTLS links; a client with only the root key, the
        // zone certificate and the address JOINs and gets a certificate, a Mix and the document.
        var clock = org.herd.core.time.SystemClock.INSTANCE;
        Files.writeString(config, Files.readString(config).replace("herd.directory.epoch.origin-ms = " + this.clock.epochMillis(),
                "herd.directory.epoch.origin-ms = 0"));
        DirectoryConfig c = load(Map.of());
        LinkDirectoryTransport links = LinkDirectoryTransport.of(c, clock);
        IdentityKeyPair client = IdentityKeyPair.generate(random);
        try (DirectoryRole role = DirectoryRole.start(c, links, clock, links::propose)) {
            var joined = org.herd.core.client.DirectoryJoin.join(client, network.zones().get("alpha").certificate(),
                    c.listen(), network.root().publicKey(), new InetSocketAddress("127.0.0.1", 0),
                    org.herd.core.link.LinkConfig.defaults(), clock, random, 20_000);
            assertEquals(client.publicKey(), joined.certificate().clientKey());
            assertEquals(2, joined.zoneMixes().size());
        }
        // The role restarted on its database pushes the certificate issued before to a Mix of the
        // zone that links (the Mix has no allow-list: it learns the client from the push only).
        LinkDirectoryTransport again = LinkDirectoryTransport.of(c, clock);
        var mixKeys = network.zones().get("alpha").mixes().get(0).keys();
        try (DirectoryRole role = DirectoryRole.start(c, again, clock, again::propose);
                org.herd.core.mix.MixNode mix = org.herd.core.mix.MixNode.start(new org.herd.core.mix.MixNode.Settings("alpha",
                        mixKeys, new InetSocketAddress("127.0.0.1", freeUdpPort()), List.of(),
                        List.of(new org.herd.core.mix.MixNode.Directory("alpha", network.zones().get("alpha").directory().publicKey(),
                                c.listen())), java.util.Set.of(), new org.herd.core.mix.MixNode.Rates(2, 8, 8, 2),
                        org.herd.core.link.LinkConfig.defaults(), org.herd.core.circuit.Mix.Config.defaults(),
                        network.root().publicKey(), 0), clock, random, new org.herd.core.mix.MixNode.Events() {
                        })) {
            long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (mix.directoryCounters().certifiedClients() < 1) {
                assertTrue(System.nanoTime() - end < 0, "the restarted role never pushed the certificate: "
                        + mix.directoryCounters());
                Thread.sleep(20);
            }
            assertEquals(0, mix.directoryCounters().certificatesRefused());
        }
    }

    @Test
    void servesJoinAndRegistrationsAndKeepsThemAcrossARestart() throws Exception {
        IdentityKeyPair client = IdentityKeyPair.generate(random);
        InProcessDirectoryTransport t1 = new InProcessDirectoryTransport();
        DirectoryRequest.Register register;
        try (DirectoryRole role = DirectoryRole.start(load(Map.of()), t1, clock, p -> { })) {
            DirectoryResponse joined = send(t1, DirectoryRequest.Join.sign(client, "alpha", clock.epochMillis(), new byte[16]));
            assertTrue(joined.isOk(), joined.toString());
            DirectoryResponse.JoinResult j = DirectoryResponse.JoinResult.decode(joined.body());
            assertEquals(2, DirectoryDocument.decode(j.directoryDocument()).verify(network.root().publicKey(), clock).size());
            var r2 = network.zones().get("alpha").mixes().get(1).keys().identity().publicKey();
            long until = clock.epochMillis() + TimeUnit.HOURS.toMillis(1);
            RendezvousBinding b = RendezvousBinding.sign(client, "alpha", r2, new byte[16],
                    OnionKeyPair.generate(random).publicKey(), until);
            register = new DirectoryRequest.Register(r2, b.cookie(), b.onionKey(), until, b.signature(), j.clientCertificate());
            assertTrue(send(t1, register).isOk());
        }
        assertThrows(IllegalStateException.class, () -> t1.send(new byte[0]), "closed with the role");
        // A new process on the same database: the registration is there.
        InProcessDirectoryTransport t2 = new InProcessDirectoryTransport();
        try (DirectoryRole role = DirectoryRole.start(load(Map.of()), t2, clock, p -> { })) {
            DirectoryResponse l = send(t2, new DirectoryRequest.LookupByKey("alpha", client.publicKey()));
            assertTrue(l.isOk(), l.toString());
            assertArrayEquals(register.rendezvousMix().encoded(), DirectoryResponse.LookupResult.decode(l.body()).rendezvousMix());
            role.close(); // idempotent with the try's close
        }
    }

    @Test
    void unusableFilesAreConfigErrorsNamingTheKey() throws Exception {
        ConfigException e = assertThrows(ConfigException.class, () -> DirectoryRole.start(
                load(Map.of("HERD_DIRECTORY_IDENTITY_KEY", dir.resolve("nope.key").toString())),
                new InProcessDirectoryTransport(), clock, p -> { }));
        assertEquals("herd.directory.identity-key", e.key());
        assertTrue(e.getMessage().contains("nope.key"), e.getMessage());
        // The zone certificate is for alpha; claiming zone beta is refused.
        e = assertThrows(ConfigException.class, () -> DirectoryRole.start(load(Map.of("HERD_DIRECTORY_ZONE", "beta")),
                new InProcessDirectoryTransport(), clock, p -> { }));
        assertEquals("herd.directory.zone-certificate", e.key());
        // Another root than the one that signed the zone certificate.
        Path otherRoot = dir.resolve("other-root.pub");
        org.herd.core.crypto.KeyFiles.writeIdentityPublic(otherRoot, IdentityKeyPair.generate(random).publicKey(), false);
        e = assertThrows(ConfigException.class, () -> DirectoryRole.start(
                load(Map.of("HERD_DIRECTORY_ROOT_KEY", otherRoot.toString())), new InProcessDirectoryTransport(), clock, p -> { }));
        assertEquals("herd.directory.zone-certificate", e.key());
        assertTrue(e.getMessage().contains("root"), e.getMessage());
    }

    @Test
    void theCommandExitsWithStatus2AndOneLineOnABadConfig() throws Exception {
        Path bad = dir.resolve("bad.properties");
        Files.writeString(bad, "herd.directory.zone = alpha\nherd.directory.listen-port = 0\n");
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        PrintStream saved = System.err;
        int status;
        try {
            System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
            status = new CommandLine(new DirectoryCommand()).execute("--config", bad.toString());
        } finally {
            System.setErr(saved);
        }
        assertEquals(2, status);
        String text = err.toString(StandardCharsets.UTF_8);
        assertTrue(text.contains("herd.directory.listen-port") && text.contains(bad.toString()), text);
        assertFalse(text.contains("\tat "), "no stack trace: " + text);
    }

    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void sigtermRunsTheShutdownHookWhichClosesTheStore() throws Exception {
        // The real wall clock in the child: the epoch origin of the config is in the past.
        String classpath = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        Process child = new ProcessBuilder(java.toString(), "-cp", classpath, "-Xmx128m",
                DirectoryCommandMain.class.getName(), "--config", config.toString())
                .redirectErrorStream(true).start();
        List<String> output = new ArrayList<>();
        try (BufferedReader out = new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8))) {
            String line;
            while ((line = out.readLine()) != null) {
                output.add(line);
                if (line.contains("directory of zone alpha started")) {
                    break;
                }
            }
            assertTrue(Files.exists(dir.resolve("directory.db-wal")), "running in WAL mode: " + output);
            // SIGTERM on Linux, through the handle: Process.destroy() would also close our end of its output.
            assertTrue(child.toHandle().destroy(), "SIGTERM not delivered");
            assertTrue(child.waitFor(30, TimeUnit.SECONDS), "child did not stop on SIGTERM");
            while ((line = out.readLine()) != null) {
                output.add(line);
            }
        } finally {
            child.destroyForcibly();
        }
        assertEquals(143, child.exitValue(), "terminated by SIGTERM (128 + 15): " + output);
        assertTrue(output.stream().anyMatch(l -> l.contains("directory of zone alpha stopped")), output.toString());
        // SQLite removes the WAL when the last connection closes cleanly: the hook closed the store.
        assertFalse(Files.exists(dir.resolve("directory.db-wal")), "store not closed: " + output);
    }

    /** A UDP port free on loopback now (the role binds it a moment later). */
    private static int freeUdpPort() throws java.io.IOException {
        try (java.net.DatagramSocket s = new java.net.DatagramSocket(
                new java.net.InetSocketAddress(java.net.InetAddress.getLoopbackAddress(), 0))) {
            return s.getLocalPort();
        }
    }
}
