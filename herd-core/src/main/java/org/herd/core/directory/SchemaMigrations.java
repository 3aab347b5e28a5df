package org.herd.core.directory;

import java.util.List;

/**
 * The versioned schema of the {@link DirectoryStore}. Migration {@code n} takes a database from
 * version {@code n-1} to {@code n}; each runs in one transaction together with the insert of its
 * row in {@code schema_version}. Migrations are append-only: a released one is never edited.
 *
 * <p>The DDL is portable (SQLite and PostgreSQL); {@code ${BLOB}} is the one placeholder,
 * filled in by {@link SqlDialect#ddl(String)}. Times are ms since 1970 in {@code BIGINT}
 * columns; zone-pair columns hold the empty string for single-zone scopes, because a primary-key
 * column may not be NULL on PostgreSQL.
 */
final class SchemaMigrations {

    /** The table that records applied versions; created before any migration runs. */
    static final String VERSION_TABLE_DDL =
            "CREATE TABLE schema_version (version INTEGER NOT NULL PRIMARY KEY, applied_at_ms BIGINT NOT NULL)";

    /** Index {@code i} holds the statements of version {@code i + 1}. */
    static final List<List<String>> MIGRATIONS = List.of(
            List.of(
                    "CREATE TABLE mix_descriptor ("
                            + " mix_key ${BLOB} NOT NULL PRIMARY KEY,"
                            + " zone VARCHAR(63) NOT NULL,"
                            + " descriptor ${BLOB} NOT NULL,"
                            + " valid_after_ms BIGINT NOT NULL,"
                            + " valid_until_ms BIGINT NOT NULL,"
                            + " published_at_ms BIGINT NOT NULL)",
                    "CREATE INDEX mix_descriptor_zone ON mix_descriptor (zone, valid_until_ms)",
                    "CREATE TABLE client_certificate ("
                            + " client_key ${BLOB} NOT NULL PRIMARY KEY,"
                            + " zone VARCHAR(63) NOT NULL,"
                            + " herd_address VARCHAR(255) NOT NULL UNIQUE,"
                            + " certificate ${BLOB} NOT NULL,"
                            + " issued_at_ms BIGINT NOT NULL,"
                            + " expires_at_ms BIGINT NOT NULL)",
                    "CREATE TABLE rendezvous_registration ("
                            + " client_key ${BLOB} NOT NULL PRIMARY KEY,"
                            + " rendezvous_mix_key ${BLOB} NOT NULL,"
                            + " registered_at_ms BIGINT NOT NULL,"
                            + " expires_at_ms BIGINT NOT NULL)",
                    "CREATE INDEX rendezvous_registration_expiry ON rendezvous_registration (expires_at_ms)",
                    "CREATE TABLE utilisation_report ("
                            + " mix_key ${BLOB} NOT NULL,"
                            + " link_class VARCHAR(32) NOT NULL,"
                            + " zone VARCHAR(63) NOT NULL,"
                            + " peer_zone VARCHAR(63) NOT NULL,"
                            + " epoch BIGINT NOT NULL,"
                            + " peak_cells INTEGER NOT NULL,"
                            + " mean_cells DOUBLE PRECISION NOT NULL,"
                            + " capacity_cells INTEGER NOT NULL,"
                            + " received_at_ms BIGINT NOT NULL,"
                            + " PRIMARY KEY (link_class, zone, peer_zone, epoch, mix_key))",
                    "CREATE TABLE rate_epoch ("
                            + " link_class VARCHAR(32) NOT NULL,"
                            + " zone VARCHAR(63) NOT NULL,"
                            + " peer_zone VARCHAR(63) NOT NULL,"
                            + " epoch BIGINT NOT NULL,"
                            + " effective_at_ms BIGINT NOT NULL,"
                            + " announcing_zone VARCHAR(63) NOT NULL,"
                            + " rate_cells INTEGER NOT NULL,"
                            + " announced_at_ms BIGINT NOT NULL,"
                            + " PRIMARY KEY (link_class, zone, peer_zone, epoch, announcing_zone))"),
            // Version 2: the client's signed rendezvous binding (cookie, onion key, expiry,
            // signature; see RendezvousBinding), returned to callers by LOOKUP. Nullable, so
            // registrations written by version 1 stay readable.
            List.of("ALTER TABLE rendezvous_registration ADD COLUMN binding ${BLOB}"),
            // Version 3: issued client certificates are read back in pages (pushed to the zone's
            // Mixes after a restart, DirectoryStore#clientCertificatesValidAt) and expired ones
            // purged; the expiry index serves the purge, the primary key the pages.
            List.of("CREATE INDEX client_certificate_expiry ON client_certificate (expires_at_ms)"),
            // Version 4: the reporting Mix's client links and spliced calls, carried by every
            // UTILISATION_REPORT since; NULL in rows stored before (UtilisationReport.NOT_REPORTED).
            List.of("ALTER TABLE utilisation_report ADD COLUMN clients INTEGER",
                    "ALTER TABLE utilisation_report ADD COLUMN calls INTEGER")
    );

    /** The schema version this code writes and understands. */
    static final int LATEST = MIGRATIONS.size();

    private SchemaMigrations() {
    }
}
