package org.herd.core.directory;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.util.List;
import java.util.Optional;
import org.herd.core.crypto.IdentityPublicKey;
import org.herd.core.directory.DirectoryStoreException.Reason;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfEnvironmentVariable;

/**
 * The same schema and SQL on PostgreSQL (DESIGN.md §1). Opt-in: set {@code HERD_TEST_POSTGRES_URL}
 * to a JDBC URL of a throwaway database (its Herd tables are dropped first), e.g.
 * {@code jdbc:postgresql://127.0.0.1:55432/herd_test?user=postgres}. docs/directory.md says how to
 * start one.
 */
@EnabledIfEnvironmentVariable(named = "HERD_TEST_POSTGRES_URL", matches = ".+")
class DirectoryStorePostgresTest {

    private static final long T0 = 1_767_225_600_000L;

    private static Connection connect() throws Exception {
        return DriverManager.getConnection(System.getenv("HERD_TEST_POSTGRES_URL"));
    }

    @Test
    void theSameSchemaAndStatementsRunOnPostgres() throws Exception {
        try (Connection c = connect(); Statement s = c.createStatement()) {
            for (String t : List.of("schema_version", "mix_descriptor", "client_certificate", "rendezvous_registration",
                    "utilisation_report", "rate_epoch", "accounts")) {
                s.execute("DROP TABLE IF EXISTS " + t);
            }
        }
        IdentityPublicKey client = TestKeys.key(11, 0);
        IdentityPublicKey mix = TestKeys.key(11, 1);
        RateScope pair = RateScope.interZone("alpha", "beta");
        try (DirectoryStore store = DirectoryStore.open(connect(), SqlDialect.POSTGRESQL, T0)) {
            assertEquals(DirectoryStore.SCHEMA_VERSION, store.schemaVersion());
            store.register(new RendezvousRegistration(client, mix, T0, T0 + 100));
            store.register(new RendezvousRegistration(client, mix, T0 + 1, T0 + 200)); // upsert
            MixDescriptorRecord d = new MixDescriptorRecord(mix, "alpha", new byte[] {0, 1, (byte) 0xff}, T0, T0 + 10, T0);
            store.putMixDescriptor(d);
            store.putMixDescriptor(d);
            assertEquals(List.of(d), store.validMixDescriptors("alpha", T0 + 1));
            store.putClientCertificate(new ClientCertificateRecord(client, "alpha", "addr", new byte[] {5}, T0, T0 + 9));
            assertEquals(Reason.CONFLICT, assertThrows(DirectoryStoreException.class, () -> store.putClientCertificate(
                    new ClientCertificateRecord(mix, "alpha", "addr", new byte[] {6}, T0, T0 + 9))).reason());
            store.putUtilisationReport(new UtilisationReport(mix, pair, 3, 2, 1.25, 8, 1, 0), T0);
            store.putUtilisationReport(new UtilisationReport(mix, pair, 3, 4, 2.5, 8, 5, 2), T0);
            assertEquals(List.of(new UtilisationReport(mix, pair, 3, 4, 2.5, 8, 5, 2)), store.utilisationReports(pair, 3));
            RateAnnouncement a = new RateAnnouncement(pair, 4, T0 + 4_000, 12, "alpha", T0);
            store.putRateAnnouncement(a);
            store.putRateAnnouncement(a);
            assertEquals(Reason.CONFLICT, assertThrows(DirectoryStoreException.class,
                    () -> store.putRateAnnouncement(new RateAnnouncement(pair, 4, T0 + 4_000, 16, "alpha", T0))).reason());
        }
        try (DirectoryStore store = DirectoryStore.open(connect(), SqlDialect.POSTGRESQL, T0)) {
            assertEquals(Optional.of(new RendezvousRegistration(client, mix, T0 + 1, T0 + 200)),
                    store.lookupRendezvous(client, T0 + 150));
            assertEquals(1, store.registrationCount());
            assertEquals(List.of(new RateAnnouncement(pair, 4, T0 + 4_000, 12, "alpha", T0)), store.rateAnnouncementsFrom(0));
        }
        try (Connection c = connect(); Statement s = c.createStatement()) {
            s.execute("INSERT INTO schema_version (version, applied_at_ms) VALUES (" + (DirectoryStore.SCHEMA_VERSION + 1) + ", 0)");
        }
        DirectoryStoreException e = assertThrows(DirectoryStoreException.class,
                () -> DirectoryStore.open(connect(), SqlDialect.POSTGRESQL, T0));
        assertEquals(Reason.SCHEMA_TOO_NEW, e.reason());
        assertTrue(e.getMessage().contains("upgrade Herd"));
    }
}
