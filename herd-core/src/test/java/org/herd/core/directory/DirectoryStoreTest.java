package org.herd.core.directory;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.herd.core.crypto.IdentityPublicKey;
import org.herd.core.directory.DirectoryStoreException.Reason;
import org.herd.core.time.ManualClock;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DirectoryStoreTest {

    private static final long T0 = 1_767_225_600_000L;

    @TempDir
    Path dir;

    private Path db() {
        return dir.resolve("directory.db");
    }

    @Test
    void freshDatabaseIsAtLatestSchemaWithWalAndFullSync() {
        try (DirectoryStore store = DirectoryStore.openSqlite(db(), T0)) {
            assertEquals(DirectoryStore.SCHEMA_VERSION, store.schemaVersion());
            assertEquals("wal", store.sessionSetting("PRAGMA journal_mode"));
            assertEquals("2", store.sessionSetting("PRAGMA synchronous")); // 2 = FULL
        }
        // Reopening an up-to-date database applies nothing and keeps the version.
        try (DirectoryStore store = DirectoryStore.openSqlite(db(), T0 + 1)) {
            assertEquals(DirectoryStore.SCHEMA_VERSION, store.schemaVersion());
        }
    }

    @Test
    void registrationsUpsertExpireAndSurviveReopen() {
        IdentityPublicKey client = TestKeys.key(1, 0);
        IdentityPublicKey mixA = TestKeys.key(2, 0);
        IdentityPublicKey mixB = TestKeys.key(2, 1);
        try (DirectoryStore store = DirectoryStore.openSqlite(db(), T0)) {
            store.register(new RendezvousRegistration(client, mixA, T0, T0 + 1000));
            assertEquals(Optional.of(new RendezvousRegistration(client, mixA, T0, T0 + 1000)),
                    store.lookupRendezvous(client, T0 + 10));
            // Re-registering replaces: one row, new mix.
            store.register(new RendezvousRegistration(client, mixB, T0 + 500, T0 + 2000));
            assertEquals(1, store.registrationCount());
            assertEquals(mixB, store.lookupRendezvous(client, T0 + 600).orElseThrow().rendezvousMix());
        }
        try (DirectoryStore store = DirectoryStore.openSqlite(db(), T0)) {
            assertEquals(Optional.of(new RendezvousRegistration(client, mixB, T0 + 500, T0 + 2000)),
                    store.lookupRendezvous(client, T0 + 600));
            // Expiry is exclusive; lapsed registrations are invisible, then purged.
            assertTrue(store.lookupRendezvous(client, T0 + 1999).isPresent());
            assertTrue(store.lookupRendezvous(client, T0 + 2000).isEmpty());
            assertEquals(0, store.purgeExpiredRegistrations(T0 + 1999));
            assertEquals(1, store.purgeExpiredRegistrations(T0 + 2000));
            assertEquals(0, store.registrationCount());
            store.register(new RendezvousRegistration(client, mixA, T0, T0 + 1000));
            assertTrue(store.unregister(client));
            assertFalse(store.unregister(client));
        }
    }

    @Test
    void mixDescriptorsAreStoredAsOpaqueBlobsByZoneAndValidity() {
        byte[] blob = "signed-descriptor-\u0000\u00ff".getBytes(StandardCharsets.ISO_8859_1);
        MixDescriptorRecord a = new MixDescriptorRecord(TestKeys.key(3, 0), "alpha", blob, T0, T0 + 100, T0);
        MixDescriptorRecord b = new MixDescriptorRecord(TestKeys.key(3, 1), "alpha", new byte[] {1}, T0 + 50, T0 + 200, T0);
        MixDescriptorRecord c = new MixDescriptorRecord(TestKeys.key(3, 2), "beta", new byte[] {2}, T0, T0 + 200, T0);
        try (DirectoryStore store = DirectoryStore.openSqlite(db(), T0)) {
            store.putMixDescriptor(a);
            store.putMixDescriptor(b);
            store.putMixDescriptor(c);
            assertArrayEquals(blob, store.mixDescriptor(a.mix()).orElseThrow().signedDescriptor());
            assertEquals(List.of(a), store.validMixDescriptors("alpha", T0 + 10));
            assertEquals(2, store.validMixDescriptors("alpha", T0 + 60).size());
            assertEquals(List.of(b), store.validMixDescriptors("alpha", T0 + 100));
            // Re-publishing replaces.
            MixDescriptorRecord a2 = new MixDescriptorRecord(a.mix(), "alpha", new byte[] {9}, T0, T0 + 300, T0 + 1);
            store.putMixDescriptor(a2);
            assertEquals(a2, store.mixDescriptor(a.mix()).orElseThrow());
            assertEquals(2, store.purgeExpiredMixDescriptors(T0 + 200)); // b and c end at 200; a2 lives on
            assertEquals(List.of(a2), store.validMixDescriptors("alpha", T0 + 250));
        }
    }

    @Test
    void clientCertificatesAreFoundByKeyAndAddressAndAddressesAreUnique() {
        IdentityPublicKey alice = TestKeys.key(4, 0);
        IdentityPublicKey bob = TestKeys.key(4, 1);
        ClientCertificateRecord cert = new ClientCertificateRecord(alice, "alpha", "alice-addr", new byte[] {1, 2, 3}, T0, T0 + 10);
        try (DirectoryStore store = DirectoryStore.openSqlite(db(), T0)) {
            store.putClientCertificate(cert);
            assertEquals(cert, store.clientCertificate(alice).orElseThrow());
            assertEquals(cert, store.clientCertificateByAddress("alice-addr").orElseThrow());
            DirectoryStoreException e = assertThrows(DirectoryStoreException.class, () -> store.putClientCertificate(
                    new ClientCertificateRecord(bob, "alpha", "alice-addr", new byte[] {4}, T0, T0 + 10)));
            assertEquals(Reason.CONFLICT, e.reason());
            assertTrue(store.clientCertificate(bob).isEmpty());
            // Re-issue to the same client replaces.
            ClientCertificateRecord renewed = new ClientCertificateRecord(alice, "alpha", "alice-addr", new byte[] {7}, T0 + 5, T0 + 20);
            store.putClientCertificate(renewed);
            assertEquals(renewed, store.clientCertificate(alice).orElseThrow());
        }
    }

    @Test
    void validClientCertificatesSurviveReopenAndArePagedByKeyWithoutExpiredOnes() {
        List<ClientCertificateRecord> valid = new ArrayList<>();
        try (DirectoryStore store = DirectoryStore.openSqlite(db(), T0)) {
            for (int i = 0; i < 7; i++) {
                ClientCertificateRecord c = new ClientCertificateRecord(TestKeys.key(11, i), "alpha", "c" + i,
                        new byte[] {(byte) i, 1}, T0, i < 2 ? T0 + 100 : T0 + 10_000);
                store.putClientCertificate(c);
                if (i >= 2) {
                    valid.add(c);
                }
            }
            // Another zone's certificate is never listed as this zone's.
            store.putClientCertificate(new ClientCertificateRecord(TestKeys.key(11, 99), "beta", "x", new byte[] {9}, T0,
                    T0 + 10_000));
        }
        valid.sort((a, b) -> java.util.Arrays.compareUnsigned(a.client().encoded(), b.client().encoded()));
        // A restart: the same file opened again.
        try (DirectoryStore store = DirectoryStore.openSqlite(db(), T0 + 200)) {
            List<ClientCertificateRecord> paged = new ArrayList<>();
            IdentityPublicKey after = null;
            int pages = 0;
            while (true) {
                List<ClientCertificateRecord> page = store.clientCertificatesValidAt("alpha", T0 + 200, after, 2);
                paged.addAll(page);
                pages++;
                if (page.size() < 2) {
                    break;
                }
                after = page.get(page.size() - 1).client();
            }
            assertEquals(valid, paged, "every valid certificate once, in key order, none that expired");
            assertEquals(3, pages);
            // Expiry is exclusive, as for registrations; expired rows are purged.
            assertEquals(7, store.clientCertificatesValidAt("alpha", T0 + 99, null, 100).size());
            assertEquals(0, store.purgeExpiredClientCertificates(T0 + 99));
            assertEquals(2, store.purgeExpiredClientCertificates(T0 + 100));
            assertEquals(valid, store.clientCertificatesValidAt("alpha", T0 + 100, null, 100));
            assertTrue(store.clientCertificate(TestKeys.key(11, 0)).isEmpty());
            assertThrows(IllegalArgumentException.class, () -> store.clientCertificatesValidAt("alpha", T0, null, 0));
        }
    }

    @Test
    void utilisationReportsReplacePerMixAndEpochAndPurge() {
        RateScope scope = RateScope.interZone("beta", "alpha");
        IdentityPublicKey mix = TestKeys.key(5, 0);
        try (DirectoryStore store = DirectoryStore.openSqlite(db(), T0)) {
            store.putUtilisationReport(new UtilisationReport(mix, scope, 7, 3, 1.5, 8, 10, 1), T0);
            store.putUtilisationReport(new UtilisationReport(mix, scope, 7, 5, 2.25, 8, 12, 3), T0 + 1);
            store.putUtilisationReport(new UtilisationReport(TestKeys.key(5, 1), scope, 8, 1, 0.5, 8, 0, 0), T0 + 2);
            assertEquals(List.of(new UtilisationReport(mix, scope, 7, 5, 2.25, 8, 12, 3)), store.utilisationReports(scope, 7));
            assertTrue(store.utilisationReports(RateScope.intraZone("alpha"), 7).isEmpty());
            assertEquals(1, store.purgeUtilisationReportsBefore(8));
            assertEquals(1, store.utilisationReports(scope, 8).size());
        }
    }

    @Test
    void rateAnnouncementsAreImmutableAndReloadable() {
        RateScope pair = RateScope.interZone("alpha", "beta");
        RateAnnouncement mine = new RateAnnouncement(pair, 10, T0 + 10_000, 12, "alpha", T0);
        RateAnnouncement theirs = new RateAnnouncement(pair, 10, T0 + 10_000, 8, "beta", T0);
        RateAnnouncement intra = new RateAnnouncement(RateScope.intraZone("alpha"), 11, T0 + 11_000, 6, "alpha", T0);
        try (DirectoryStore store = DirectoryStore.openSqlite(db(), T0)) {
            store.putRateAnnouncement(mine);
            store.putRateAnnouncement(theirs);
            store.putRateAnnouncement(intra);
            store.putRateAnnouncement(mine); // same again: no-op
            DirectoryStoreException e = assertThrows(DirectoryStoreException.class,
                    () -> store.putRateAnnouncement(new RateAnnouncement(pair, 10, T0 + 10_000, 16, "alpha", T0 + 1)));
            assertEquals(Reason.CONFLICT, e.reason());
        }
        try (DirectoryStore store = DirectoryStore.openSqlite(db(), T0)) {
            // Ordered by link-class code, zone, epoch, announcing zone.
            assertEquals(List.of(mine, theirs, intra), store.rateAnnouncementsFrom(0));
            assertEquals(List.of(intra), store.rateAnnouncementsFrom(11));
        }
    }

    @Test
    void rateDecisionsSurviveADirectoryRestartThroughTheStore() {
        ManualClock clock = new ManualClock(0, T0);
        EpochSchedule schedule = new EpochSchedule(T0, 10_000);
        RatePolicy policy = new RatePolicy(1, 8, 2, 32, 4, 2, 0.8, 0.4, 3, 1, 0);
        RateScope intra = RateScope.intraZone("alpha");
        LinkRateController before = new LinkRateController("alpha", policy, schedule, clock);
        before.addScope(intra);
        try (DirectoryStore store = DirectoryStore.openSqlite(db(), T0)) {
            for (long e = 1; e <= 5; e++) {
                clock.setEpochMillis(schedule.startMillis(e));
                UtilisationReport r = new UtilisationReport(TestKeys.key(9, 0), intra, e - 1, 8, 4, 8, 2, 1);
                before.report(r);
                store.putUtilisationReport(r, clock.epochMillis());
                before.onEpoch().forEach(store::putRateAnnouncement);
            }
        }
        LinkRateController after = new LinkRateController("alpha", policy, schedule, clock);
        try (DirectoryStore store = DirectoryStore.openSqlite(db(), T0)) {
            store.rateAnnouncementsFrom(0).forEach(after::restore);
        }
        for (long e = 0; e <= 6; e++) {
            assertEquals(before.rateAt(intra, e), after.rateAt(intra, e), "epoch " + e);
        }
        assertEquals(8, after.rateAt(intra, 1));
        assertEquals(12, after.rateAt(intra, 6)); // raised once at epoch 2, then 8 of 12 is between the watermarks
        assertTrue(after.onEpoch().isEmpty(), "epoch 5 was already decided before the restart");
    }

    @Test
    void schemaNewerThanTheCodeRefusesToStartAndLeavesTheFileAlone() throws Exception {
        DirectoryStore.openSqlite(db(), T0).close();
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + db());
             Statement s = c.createStatement()) {
            s.execute("INSERT INTO schema_version (version, applied_at_ms) VALUES (" + (DirectoryStore.SCHEMA_VERSION + 1) + ", 0)");
        }
        byte[] before = Files.readAllBytes(db());
        DirectoryStoreException e = assertThrows(DirectoryStoreException.class, () -> DirectoryStore.openSqlite(db(), T0));
        assertEquals(Reason.SCHEMA_TOO_NEW, e.reason());
        assertTrue(e.getMessage().contains("upgrade Herd"), e.getMessage());
        assertArrayEquals(before, Files.readAllBytes(db()));
    }

    @Test
    void aFileThatIsNotADatabaseIsReportedCorruptAndNotOverwritten() throws Exception {
        byte[] garbage = new byte[8192];
        for (int i = 0; i < garbage.length; i++) {
            garbage[i] = (byte) (i * 31 + 7);
        }
        Files.write(db(), garbage);
        DirectoryStoreException e = assertThrows(DirectoryStoreException.class, () -> DirectoryStore.openSqlite(db(), T0));
        assertEquals(Reason.CORRUPT, e.reason());
        assertArrayEquals(garbage, Files.readAllBytes(db()));
    }

    @Test
    void aDamagedPageIsReportedCorrupt() throws Exception {
        try (DirectoryStore store = DirectoryStore.openSqlite(db(), T0)) {
            for (int i = 0; i < 200; i++) {
                store.register(new RendezvousRegistration(TestKeys.key(6, i), TestKeys.key(7, i), T0, T0 + 1000));
            }
        }
        long pageSize;
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + db());
             Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("PRAGMA page_size")) {
            rs.next();
            pageSize = rs.getLong(1);
        }
        long length = Files.size(db());
        assertTrue(length >= 4 * pageSize, "database too small to damage: " + length);
        // Overwrite every page but the header page with an invalid b-tree page type.
        try (RandomAccessFile f = new RandomAccessFile(db().toFile(), "rw")) {
            byte[] junk = new byte[(int) pageSize];
            java.util.Arrays.fill(junk, (byte) 0x5a);
            for (long off = pageSize; off < length; off += pageSize) {
                f.seek(off);
                f.write(junk);
            }
        }
        DirectoryStoreException e = assertThrows(DirectoryStoreException.class, () -> DirectoryStore.openSqlite(db(), T0));
        assertEquals(Reason.CORRUPT, e.reason());
    }

    @Test
    void aForeignDatabaseIsNotTouched() throws Exception {
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + db());
             Statement s = c.createStatement()) {
            s.execute("CREATE TABLE accounts (id INTEGER PRIMARY KEY, name TEXT)");
        }
        DirectoryStoreException e = assertThrows(DirectoryStoreException.class, () -> DirectoryStore.openSqlite(db(), T0));
        assertEquals(Reason.NOT_A_HERD_DATABASE, e.reason());
    }

    @Test
    void unusablePathsAreConfigErrors() throws Exception {
        DirectoryStoreException missingDir = assertThrows(DirectoryStoreException.class,
                () -> DirectoryStore.openSqlite(dir.resolve("no/such/dir/directory.db"), T0));
        assertEquals(Reason.BAD_CONFIG, missingDir.reason());
        Path aDirectory = Files.createDirectory(dir.resolve("sub"));
        DirectoryStoreException notAFile = assertThrows(DirectoryStoreException.class,
                () -> DirectoryStore.openSqlite(aDirectory, T0));
        assertEquals(Reason.BAD_CONFIG, notAFile.reason());
    }

    @Test
    void aLaterMigrationKeepsExistingDataAndRecordsItsVersion() throws Exception {
        IdentityPublicKey client = TestKeys.key(8, 0);
        RendezvousRegistration reg = new RendezvousRegistration(client, TestKeys.key(8, 1), T0, T0 + 1000);
        try (DirectoryStore store = DirectoryStore.openSqlite(db(), T0)) {
            store.register(reg);
        }
        List<List<String>> next = new ArrayList<>(SchemaMigrations.MIGRATIONS);
        next.add(List.of("CREATE TABLE superpeer_blacklist (superpeer_key ${BLOB} NOT NULL PRIMARY KEY, until_ms BIGINT NOT NULL)"));
        try (DirectoryStore store = DirectoryStore.open(DriverManager.getConnection("jdbc:sqlite:" + db()),
                SqlDialect.SQLITE, "test", T0 + 5, next)) {
            assertEquals(SchemaMigrations.LATEST + 1, store.schemaVersion());
            assertEquals(Optional.of(reg), store.lookupRendezvous(client, T0 + 1));
        }
        // The current code now sees a newer schema and refuses.
        assertEquals(Reason.SCHEMA_TOO_NEW,
                assertThrows(DirectoryStoreException.class, () -> DirectoryStore.openSqlite(db(), T0)).reason());
    }

    @Test
    void aFailedMigrationRollsBackToThePreviousVersion() throws Exception {
        DirectoryStore.openSqlite(db(), T0).close();
        List<List<String>> broken = new ArrayList<>(SchemaMigrations.MIGRATIONS);
        broken.add(List.of("CREATE TABLE half_done (x BIGINT)", "THIS IS NOT SQL"));
        assertThrows(DirectoryStoreException.class, () -> DirectoryStore.open(
                DriverManager.getConnection("jdbc:sqlite:" + db()), SqlDialect.SQLITE, "test", T0, broken));
        try (DirectoryStore store = DirectoryStore.openSqlite(db(), T0)) {
            assertEquals(SchemaMigrations.LATEST, store.schemaVersion());
        }
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + db());
             ResultSet rs = c.getMetaData().getTables(null, null, "half_done", null)) {
            assertFalse(rs.next(), "the failed migration's first statement must have been rolled back");
        }
    }

    @Test
    void version3ReportsUpgradeWithTheirCountsNotReported() throws Exception {
        IdentityPublicKey mix = TestKeys.key(12, 0);
        RateScope scope = RateScope.intraZone("alpha");
        // A database at version 3 with a report row written as version-3 code did (no counts).
        DirectoryStore.open(DriverManager.getConnection("jdbc:sqlite:" + db()), SqlDialect.SQLITE, "v3", T0,
                SchemaMigrations.MIGRATIONS.subList(0, 3)).close();
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + db());
             var p = c.prepareStatement("INSERT INTO utilisation_report (mix_key, link_class, zone, peer_zone, epoch,"
                     + " peak_cells, mean_cells, capacity_cells, received_at_ms) VALUES (?, 'intra-zone-mix', 'alpha', '', 4,"
                     + " 3, 1.5, 8, ?)")) {
            p.setBytes(1, mix.encoded());
            p.setLong(2, T0);
            p.executeUpdate();
        }
        try (DirectoryStore store = DirectoryStore.openSqlite(db(), T0)) {
            assertEquals(SchemaMigrations.LATEST, store.schemaVersion());
            UtilisationReport old = store.utilisationReports(scope, 4).get(0);
            assertEquals(new UtilisationReport(mix, scope, 4, 3, 1.5, 8, UtilisationReport.NOT_REPORTED,
                    UtilisationReport.NOT_REPORTED), old);
            assertFalse(old.countsReported());
            // A report received now replaces it with its counts.
            store.putUtilisationReport(new UtilisationReport(mix, scope, 4, 5, 2.0, 8, 40, 9), T0 + 1);
            assertEquals(List.of(new UtilisationReport(mix, scope, 4, 5, 2.0, 8, 40, 9)), store.utilisationReports(scope, 4));
        }
    }

    @Test
    void version1DatabasesUpgradeToBindingsKeepingTheirRegistrations() throws Exception {
        IdentityPublicKey client = TestKeys.key(9, 0);
        IdentityPublicKey mix = TestKeys.key(9, 1);
        // A database written by version 1 (no binding column), row inserted as version-1 code did.
        DirectoryStore.open(DriverManager.getConnection("jdbc:sqlite:" + db()), SqlDialect.SQLITE, "v1", T0,
                SchemaMigrations.MIGRATIONS.subList(0, 1)).close();
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + db());
             var p = c.prepareStatement("INSERT INTO rendezvous_registration VALUES (?, ?, ?, ?)")) {
            p.setBytes(1, client.encoded());
            p.setBytes(2, mix.encoded());
            p.setLong(3, T0);
            p.setLong(4, T0 + 1000);
            p.executeUpdate();
        }
        try (DirectoryStore store = DirectoryStore.openSqlite(db(), T0)) {
            assertEquals(SchemaMigrations.LATEST, store.schemaVersion());
            assertEquals(Optional.of(new RendezvousRegistration(client, mix, T0, T0 + 1000)),
                    store.lookupRendezvous(client, T0 + 1));
            assertTrue(store.rendezvousBinding(client, T0 + 1).isEmpty(), "no binding for a version-1 row");
            // A binding is written with the registration, returned while live, and cleared by a plain register.
            byte[] binding = {1, 2, 3};
            store.register(new RendezvousRegistration(client, mix, T0 + 1, T0 + 2000), binding);
            assertArrayEquals(binding, store.rendezvousBinding(client, T0 + 2).orElseThrow());
            assertTrue(store.rendezvousBinding(client, T0 + 2000).isEmpty(), "not after expiry");
            store.register(new RendezvousRegistration(client, mix, T0 + 2, T0 + 3000));
            assertTrue(store.rendezvousBinding(client, T0 + 3).isEmpty());
        }
    }
}
