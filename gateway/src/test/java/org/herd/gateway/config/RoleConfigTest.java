package org.herd.gateway.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import org.herd.core.directory.RatePolicy;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The shipped files, the override order, and one clear error per kind of bad value. */
class RoleConfigTest {

    private static final Path ETC = Path.of("..", "etc");

    @TempDir
    Path dir;

    private static final Properties NO_SYS = new Properties();

    private Path file(String text) throws Exception {
        Path f = dir.resolve("test-" + System.nanoTime() + ".properties");
        Files.writeString(f, text);
        return f;
    }

    /** Keys assigned in a properties file, in order, and whether each has a comment right above it. */
    private static List<String[]> keyLines(Path file) throws Exception {
        List<String> lines = Files.readAllLines(file);
        List<String[]> out = new ArrayList<>();
        boolean commentAbove = false;
        for (String line : lines) {
            String t = line.trim();
            if (t.startsWith("#")) {
                commentAbove = true;
            } else if (t.isEmpty()) {
                commentAbove = false;
            } else {
                out.add(new String[] {t.substring(0, t.indexOf('=')).trim(), t.substring(t.indexOf('=') + 1).trim(),
                    Boolean.toString(commentAbove)});
            }
        }
        return out;
    }

    @Test
    void shippedFilesDocumentEveryKeyWithItsDefault() throws Exception {
        Map<String, Map<String, String>> files = Map.of("herd-directory.properties", DirectoryConfig.DEFAULTS,
                "herd-mix.properties", MixConfig.DEFAULTS, "herd-client.properties", ClientConfig.DEFAULTS);
        for (Map.Entry<String, Map<String, String>> e : files.entrySet()) {
            Path f = ETC.resolve(e.getKey());
            Set<String> keys = new LinkedHashSet<>();
            for (String[] kv : keyLines(f)) {
                keys.add(kv[0]);
                assertTrue(Boolean.parseBoolean(kv[2]), kv[0] + " in " + f + " has no comment documenting it");
                String def = e.getValue().get(kv[0]);
                if (!def.isEmpty()) {
                    assertEquals(def, kv[1], kv[0] + " in " + f + " differs from the default in code");
                }
            }
            assertEquals(e.getValue().keySet(), keys, f + " must list exactly the role's keys");
        }
        // And each shipped file loads as is.
        DirectoryConfig d = DirectoryConfig.load(ETC.resolve("herd-directory.properties"), Map.of(), NO_SYS);
        assertEquals("alpha", d.zone());
        assertEquals(RatePolicy.DEFAULTS, d.policy());
        // The mix's shipped file leaves the network's directories to the operator (required).
        Map<String, String> net = Map.of("HERD_MIX_DIRECTORIES", "alpha=127.0.0.1:7000, beta=[::1]:7001",
                "HERD_MIX_ZONE_CERTIFICATES", "/etc/herd/alpha.cert,/etc/herd/beta.cert");
        MixConfig mix = MixConfig.load(ETC.resolve("herd-mix.properties"), net, NO_SYS);
        assertEquals(7100, mix.listen().getPort());
        assertEquals(7001, mix.directories().get("beta").getPort());
        assertEquals(8, mix.mixRate());
        ClientConfig client = ClientConfig.load(ETC.resolve("herd-client.properties"), Map.of(), NO_SYS);
        assertEquals(2, client.linkRate());
        assertEquals(0, client.listen().getPort());
        assertEquals(null, client.peerCertificate());
    }

    @Test
    void environmentOverridesTheFileAndSystemPropertiesOverrideBoth() throws Exception {
        Path f = file("herd.directory.zone = alpha\nherd.directory.listen-port = 7001\n");
        assertEquals(7001, DirectoryConfig.load(f, Map.of(), NO_SYS).listen().getPort());
        Map<String, String> env = Map.of("HERD_DIRECTORY_LISTEN_PORT", "7002", "HERD_DIRECTORY_ZONE", "beta",
                "HERD_DIRECTORY_RATE_RAISE_STEP", "6");
        DirectoryConfig e = DirectoryConfig.load(f, env, NO_SYS);
        assertEquals(7002, e.listen().getPort());
        assertEquals("beta", e.zone());
        assertEquals(6, e.policy().raiseStep());
        Properties sys = new Properties();
        sys.setProperty("herd.directory.listen-port", "7003");
        assertEquals(7003, DirectoryConfig.load(f, env, sys).listen().getPort());
        // Without a file: defaults plus overrides.
        assertEquals("gamma", MixConfig.load(null, Map.of("HERD_MIX_ZONE", "gamma", "HERD_MIX_DIRECTORIES",
                "gamma=127.0.0.1:7000", "HERD_MIX_ZONE_CERTIFICATES", "/g.cert"), NO_SYS).zone());
    }

    private static String error(Runnable r) {
        ConfigException e = assertThrows(ConfigException.class, r::run);
        return e.getMessage();
    }

    @Test
    void eachBadValueIsOneErrorNamingKeyValueAndSource() throws Exception {
        Path f = file("herd.directory.zone = alpha\nherd.directory.listen-port = seventy\n");
        String m = error(() -> DirectoryConfig.load(f, Map.of(), NO_SYS));
        assertTrue(m.contains("herd.directory.listen-port") && m.contains("'seventy'") && m.contains(f.toString()), m);

        Path range = file("herd.directory.zone = alpha\nherd.directory.listen-port = 70000\n");
        m = error(() -> DirectoryConfig.load(range, Map.of(), NO_SYS));
        assertTrue(m.contains("herd.directory.listen-port") && m.contains("[1, 65535]"), m);

        m = error(() -> DirectoryConfig.load(f, Map.of("HERD_DIRECTORY_ZONE", "Not_A_Zone"), NO_SYS));
        assertTrue(m.contains("herd.directory.zone") && m.contains("'Not_A_Zone'")
                && m.contains("environment variable HERD_DIRECTORY_ZONE"), m);

        Properties sys = new Properties();
        sys.setProperty("herd.directory.rate.high-watermark", "1.5");
        Path ok = file("herd.directory.zone = alpha\n");
        m = error(() -> DirectoryConfig.load(ok, Map.of(), sys));
        assertTrue(m.contains("herd.directory.rate.high-watermark") && m.contains("-Dherd.directory.rate.high-watermark"), m);

        Path typo = file("herd.directory.zone = alpha\nherd.directory.listen-prot = 7000\n");
        m = error(() -> DirectoryConfig.load(typo, Map.of(), NO_SYS));
        assertTrue(m.contains("herd.directory.listen-prot") && m.contains(typo.toString()), m);

        m = error(() -> DirectoryConfig.load(null, Map.of(), NO_SYS));
        assertTrue(m.contains("herd.directory.zone is required"), m);

        m = error(() -> DirectoryConfig.load(dir.resolve("missing.properties"), Map.of(), NO_SYS));
        assertTrue(m.contains("missing.properties") && m.contains("does not exist"), m);

        Path grace = file("herd.directory.zone = alpha\nherd.directory.epoch.length-ms = 10000\n");
        m = error(() -> DirectoryConfig.load(grace, Map.of(), NO_SYS));
        assertTrue(m.contains("herd.directory.rate.report-grace-ms") && m.contains("half"), m);

        Path self = file("herd.directory.zone = alpha\nherd.directory.peer-zones = beta, alpha\n");
        m = error(() -> DirectoryConfig.load(self, Map.of(), NO_SYS));
        assertTrue(m.contains("herd.directory.peer-zones") && m.contains("'alpha'"), m);

        Path host = file("herd.mix.zone = alpha\nherd.mix.directories = alpha=directory.example:7000\n");
        m = error(() -> MixConfig.load(host, Map.of(), NO_SYS));
        assertTrue(m.contains("herd.mix.directories") && m.contains("IP literal"), m);

        Path own = file("herd.mix.zone = alpha\nherd.mix.directories = beta=127.0.0.1:7000\n");
        m = error(() -> MixConfig.load(own, Map.of(), NO_SYS));
        assertTrue(m.contains("herd.mix.directories") && m.contains("own zone alpha"), m);

        Path certs = file("herd.mix.zone = alpha\nherd.mix.directories = alpha=127.0.0.1:7000, beta=127.0.0.1:7001\n"
                + "herd.mix.zone-certificates = /a.cert\n");
        m = error(() -> MixConfig.load(certs, Map.of(), NO_SYS));
        assertTrue(m.contains("herd.mix.zone-certificates") && m.contains("1 certificates for 2 zones"), m);

        Path rate = file("herd.client.zone = alpha\nherd.client.link-rate = -1\n");
        m = error(() -> ClientConfig.load(rate, Map.of(), NO_SYS));
        assertTrue(m.contains("herd.client.link-rate") && m.contains("'-1'"), m);
    }

    @Test
    void listsAndPathsParse() throws Exception {
        Path f = file("herd.directory.zone = alpha\nherd.directory.peer-zones = beta, gamma,\n"
                + "herd.directory.enrolled-mixes = /a/identity.pub,/b/identity.pub\n");
        DirectoryConfig d = DirectoryConfig.load(f, Map.of(), NO_SYS);
        assertEquals(List.of("beta", "gamma"), d.peerZones());
        assertEquals(List.of(Path.of("/a/identity.pub"), Path.of("/b/identity.pub")), d.enrolledMixes());
        assertEquals(List.of(), d.descriptors());
        assertEquals("HERD_DIRECTORY_RATE_LOW_EPOCHS_BEFORE_LOWERING",
                HerdConfiguration.environmentName("herd.directory.rate.low-epochs-before-lowering"));
    }
}
