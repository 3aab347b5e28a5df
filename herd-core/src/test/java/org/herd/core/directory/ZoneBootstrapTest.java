package org.herd.core.directory;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.net.InetSocketAddress;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.herd.core.crypto.MixDescriptor;
import org.herd.core.time.ManualClock;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The PKI layout: everything verifies from the root alone, and survives a write/read round trip. */
class ZoneBootstrapTest {

    @TempDir
    Path dir;

    @Test
    void aWrittenNetworkReadsBackAndVerifiesFromTheRoot() throws Exception {
        long seed = System.nanoTime();
        System.out.println("ZoneBootstrapTest seed=" + seed);
        SecureRandom random = SecureRandom.getInstance("SHA1PRNG");
        random.setSeed(seed);
        ManualClock clock = new ManualClock();
        long now = clock.epochMillis();
        Map<String, List<InetSocketAddress>> layout = new LinkedHashMap<>();
        layout.put("alpha", List.of(new InetSocketAddress("127.0.0.1", 7001), new InetSocketAddress("::1", 7002)));
        layout.put("beta", List.of(new InetSocketAddress("127.0.0.1", 7101)));
        ZoneBootstrap.Network net = ZoneBootstrap.generate(layout, now - 1, now + 1000, random);
        ZoneBootstrap.write(net, dir);
        ZoneBootstrap.Network back = ZoneBootstrap.read(dir);

        assertEquals(net.root().publicKey(), back.root().publicKey());
        assertEquals(net.zones().keySet(), back.zones().keySet());
        for (ZoneBootstrap.Zone z : back.zones().values()) {
            ZoneBootstrap.Zone orig = net.zones().get(z.name());
            assertEquals(orig.certificate(), z.certificate());
            assertEquals(orig.directory().publicKey(), z.directory().publicKey());
            z.certificate().verify(back.root().publicKey(), z.name(), clock);
            assertEquals(orig.mixes().size(), z.mixes().size());
            for (int i = 0; i < z.mixes().size(); i++) {
                MixDescriptor d = z.mixes().get(i).descriptor();
                assertArrayEquals(orig.mixes().get(i).descriptor().encoded(), d.encoded());
                d.verify(z.certificate(), clock);
                assertEquals(z.mixes().get(i).keys().identity().publicKey(), d.mixKey());
                assertEquals(z.mixes().get(i).keys().onion().publicKey(), d.onionKey());
                assertEquals(layout.get(z.name()).get(i).getPort(), d.address().getPort());
            }
        }
        // Secret keys are 0600, their directories 0700.
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(dir.resolve("root/identity.key"))));
        assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(dir.resolve("root"))));
        assertEquals("rw-------", PosixFilePermissions.toString(
                Files.getPosixFilePermissions(dir.resolve("zones/alpha/directory/identity.key"))));
        assertEquals("rwx------", PosixFilePermissions.toString(
                Files.getPosixFilePermissions(dir.resolve("zones/alpha/directory"))));
        // Never overwrites an existing layout.
        assertThrows(FileAlreadyExistsException.class, () -> ZoneBootstrap.write(net, dir));
    }
}
