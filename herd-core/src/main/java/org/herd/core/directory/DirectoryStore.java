package org.herd.core.directory;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DatabaseMetaData;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import org.herd.core.crypto.IdentityPublicKey;
import org.herd.core.directory.DirectoryStoreException.Reason;

/**
 * The durable state of a zone directory (§3.3, §3.5, §3.4.2–3): signed mix descriptors, issued
 * client certificates, rendezvous registrations, mix utilisation reports and announced link-rate
 * epochs, in an embedded SQLite database through JDBC (or PostgreSQL, same SQL).
 *
 * <p><b>Durability.</b> Every write method commits before it returns: once it has returned, the
 * write survives a {@code kill -9} of the process, and with SQLite's {@code synchronous=FULL}
 * in WAL mode also a power cut (see {@link SqlDialect#SQLITE}).
 *
 * <p><b>Failure.</b> A file that is not a database or fails its integrity check, a schema newer
 * than this code, or a database that is not Herd's all stop {@link #openSqlite} with a
 * {@link DirectoryStoreException} whose {@link DirectoryStoreException#reason()} says which; the
 * store never rewrites what it cannot read. Write failures throw too, and then nothing was
 * acknowledged.
 *
 * <p><b>Time.</b> The store never reads a clock: every method that depends on time takes it.
 *
 * <p>Thread-safe (one connection, methods serialised); directory writes are control-plane rare.
 */
public final class DirectoryStore implements AutoCloseable {

    /** The schema version this code writes and understands. */
    public static final int SCHEMA_VERSION = SchemaMigrations.LATEST;

    private final Connection connection;
    private final SqlDialect dialect;
    private final String description;

    private DirectoryStore(Connection connection, SqlDialect dialect, String description) {
        this.connection = connection;
        this.dialect = dialect;
        this.description = description;
    }

    /**
     * Opens (creating if absent) the SQLite database at {@code file}, checks it, and migrates it to
     * {@link #SCHEMA_VERSION}.
     *
     * @param file      the database file; its directory must exist
     * @param nowMillis wall-clock time recorded with any migration applied
     * @throws DirectoryStoreException {@code BAD_CONFIG} if the path is unusable, {@code CORRUPT},
     *                                 {@code SCHEMA_TOO_NEW} or {@code NOT_A_HERD_DATABASE} if the
     *                                 file must not be used
     */
    public static DirectoryStore openSqlite(Path file, long nowMillis) {
        Path absolute = file.toAbsolutePath();
        Path parent = absolute.getParent();
        if (parent == null || !Files.isDirectory(parent)) {
            throw new DirectoryStoreException(Reason.BAD_CONFIG, "directory of database " + absolute + " does not exist");
        }
        if (Files.exists(absolute) && !Files.isRegularFile(absolute)) {
            throw new DirectoryStoreException(Reason.BAD_CONFIG, "database path " + absolute + " is not a regular file");
        }
        if (Files.exists(absolute) && !(Files.isReadable(absolute) && Files.isWritable(absolute))) {
            throw new DirectoryStoreException(Reason.BAD_CONFIG, "database " + absolute + " is not readable and writable");
        }
        Connection c;
        try {
            c = DriverManager.getConnection("jdbc:sqlite:" + absolute);
        } catch (SQLException e) {
            throw new DirectoryStoreException(Reason.BAD_CONFIG, "cannot open SQLite database " + absolute + ": " + e.getMessage(), e);
        }
        return open(c, SqlDialect.SQLITE, absolute.toString(), nowMillis, SchemaMigrations.MIGRATIONS);
    }

    /**
     * Takes over an open connection (e.g. to PostgreSQL), checks it and migrates the schema. The
     * store closes the connection when it is closed or when opening fails.
     */
    public static DirectoryStore open(Connection connection, SqlDialect dialect, long nowMillis) {
        return open(connection, dialect, dialect.name().toLowerCase(Locale.ROOT) + " connection", nowMillis,
                SchemaMigrations.MIGRATIONS);
    }

    /** Opens with an explicit migration list; package-private so tests can simulate later versions. */
    static DirectoryStore open(Connection connection, SqlDialect dialect, String description, long nowMillis,
                               List<List<String>> migrations) {
        DirectoryStore store = new DirectoryStore(connection, dialect, description);
        try {
            connection.setAutoCommit(true);
            dialect.configureSession(connection);
            dialect.checkIntegrity(connection);
            store.migrate(nowMillis, migrations);
            return store;
        } catch (SQLException e) {
            closeQuietly(connection);
            throw store.failure("opening " + description, e);
        } catch (RuntimeException e) {
            closeQuietly(connection);
            throw e;
        }
    }

    private void migrate(long nowMillis, List<List<String>> migrations) throws SQLException {
        int current = readVersion();
        if (current > migrations.size()) {
            throw new DirectoryStoreException(Reason.SCHEMA_TOO_NEW, description + " has schema version " + current
                    + " but this Herd understands up to " + migrations.size() + "; upgrade Herd, do not downgrade the database");
        }
        for (int version = current + 1; version <= migrations.size(); version++) {
            connection.setAutoCommit(false);
            try (Statement s = connection.createStatement()) {
                if (version == 1) {
                    s.execute(SchemaMigrations.VERSION_TABLE_DDL);
                }
                for (String ddl : migrations.get(version - 1)) {
                    s.execute(dialect.ddl(ddl));
                }
                try (PreparedStatement p = connection.prepareStatement(
                        "INSERT INTO schema_version (version, applied_at_ms) VALUES (?, ?)")) {
                    p.setInt(1, version);
                    p.setLong(2, nowMillis);
                    p.executeUpdate();
                }
                connection.commit();
            } catch (SQLException | RuntimeException e) {
                connection.rollback();
                throw e;
            } finally {
                connection.setAutoCommit(true);
            }
        }
    }

    /** The stored schema version; 0 for an empty database. */
    private int readVersion() throws SQLException {
        List<String> tables = new ArrayList<>();
        DatabaseMetaData meta = connection.getMetaData();
        // Only the connection's own schema (PostgreSQL: the first of search_path; SQLite: none).
        try (ResultSet rs = meta.getTables(null, connection.getSchema(), "%", new String[] {"TABLE"})) {
            while (rs.next()) {
                tables.add(rs.getString("TABLE_NAME").toLowerCase(Locale.ROOT));
            }
        }
        if (!tables.contains("schema_version")) {
            if (!tables.isEmpty()) {
                throw new DirectoryStoreException(Reason.NOT_A_HERD_DATABASE, description
                        + " holds tables " + tables + " but no schema_version; refusing to touch it");
            }
            return 0;
        }
        try (Statement s = connection.createStatement();
             ResultSet rs = s.executeQuery("SELECT MAX(version) FROM schema_version")) {
            rs.next();
            return rs.getInt(1);
        }
    }

    /** The schema version the database is at (equals {@link #SCHEMA_VERSION} once opened). */
    public synchronized int schemaVersion() {
        try {
            return readVersion();
        } catch (SQLException e) {
            throw failure("reading schema version", e);
        }
    }

    // ---------------------------------------------------------------- mix descriptors (§3.5)

    /** Stores (or replaces) the descriptor of a mix. */
    public synchronized void putMixDescriptor(MixDescriptorRecord d) {
        try (PreparedStatement p = connection.prepareStatement(
                "INSERT INTO mix_descriptor (mix_key, zone, descriptor, valid_after_ms, valid_until_ms, published_at_ms)"
                        + " VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (mix_key) DO UPDATE SET zone = excluded.zone,"
                        + " descriptor = excluded.descriptor, valid_after_ms = excluded.valid_after_ms,"
                        + " valid_until_ms = excluded.valid_until_ms, published_at_ms = excluded.published_at_ms")) {
            p.setBytes(1, d.mix().encoded());
            p.setString(2, d.zone());
            p.setBytes(3, d.signedDescriptor());
            p.setLong(4, d.validAfterMillis());
            p.setLong(5, d.validUntilMillis());
            p.setLong(6, d.publishedAtMillis());
            p.executeUpdate();
        } catch (SQLException e) {
            throw failure("storing mix descriptor of " + d.mix(), e);
        }
    }

    /** The stored descriptor of {@code mix}, valid or not. */
    public synchronized Optional<MixDescriptorRecord> mixDescriptor(IdentityPublicKey mix) {
        List<MixDescriptorRecord> found = queryMixDescriptors(
                "SELECT mix_key, zone, descriptor, valid_after_ms, valid_until_ms, published_at_ms FROM mix_descriptor"
                        + " WHERE mix_key = ?", p -> p.setBytes(1, mix.encoded()));
        return found.stream().findFirst();
    }

    /** The descriptors of {@code zone} valid at {@code nowMillis}, ordered by identity key. */
    public synchronized List<MixDescriptorRecord> validMixDescriptors(String zone, long nowMillis) {
        return queryMixDescriptors(
                "SELECT mix_key, zone, descriptor, valid_after_ms, valid_until_ms, published_at_ms FROM mix_descriptor"
                        + " WHERE zone = ? AND valid_after_ms <= ? AND valid_until_ms > ? ORDER BY mix_key",
                p -> {
                    p.setString(1, zone);
                    p.setLong(2, nowMillis);
                    p.setLong(3, nowMillis);
                });
    }

    /** Deletes descriptors whose validity ended at or before {@code nowMillis}; returns how many. */
    public synchronized int purgeExpiredMixDescriptors(long nowMillis) {
        return update("purging expired mix descriptors", "DELETE FROM mix_descriptor WHERE valid_until_ms <= ?",
                p -> p.setLong(1, nowMillis));
    }

    private List<MixDescriptorRecord> queryMixDescriptors(String sql, Binder binder) {
        return query("reading mix descriptors", sql, binder, rs -> new MixDescriptorRecord(
                key(rs.getBytes(1)), rs.getString(2), rs.getBytes(3), rs.getLong(4), rs.getLong(5), rs.getLong(6)));
    }

    // ---------------------------------------------------------------- client certificates (§3.3, §3.5)

    /**
     * Stores (or replaces, on re-issue) a client's certificate.
     *
     * @throws DirectoryStoreException {@code CONFLICT} if another client already holds the address
     */
    public synchronized void putClientCertificate(ClientCertificateRecord c) {
        try (PreparedStatement p = connection.prepareStatement(
                "INSERT INTO client_certificate (client_key, zone, herd_address, certificate, issued_at_ms, expires_at_ms)"
                        + " VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (client_key) DO UPDATE SET zone = excluded.zone,"
                        + " herd_address = excluded.herd_address, certificate = excluded.certificate,"
                        + " issued_at_ms = excluded.issued_at_ms, expires_at_ms = excluded.expires_at_ms")) {
            p.setBytes(1, c.client().encoded());
            p.setString(2, c.zone());
            p.setString(3, c.herdAddress());
            p.setBytes(4, c.signedCertificate());
            p.setLong(5, c.issuedAtMillis());
            p.setLong(6, c.expiresAtMillis());
            p.executeUpdate();
        } catch (SQLException e) {
            throw failure("storing certificate of " + c.client() + " (" + c.herdAddress() + ")", e);
        }
    }

    /** The certificate issued to {@code client}, if any. */
    public synchronized Optional<ClientCertificateRecord> clientCertificate(IdentityPublicKey client) {
        return queryCertificates("WHERE client_key = ?", p -> p.setBytes(1, client.encoded())).stream().findFirst();
    }

    /** The certificate holding {@code herdAddress}, if any. */
    public synchronized Optional<ClientCertificateRecord> clientCertificateByAddress(String herdAddress) {
        return queryCertificates("WHERE herd_address = ?", p -> p.setString(1, herdAddress)).stream().findFirst();
    }

    /**
     * One page of the certificates of {@code zone} valid at {@code nowMillis} (expiry exclusive), in
     * unsigned byte order of the client key: at most {@code limit}, all with a key above
     * {@code after} ({@code null}: from the first). Paging by key needs no snapshot: a certificate
     * issued or renewed while a caller pages is either in a later page or was already passed (the
     * caller learns of it another way, e.g. the JOIN that issued it).
     */
    public synchronized List<ClientCertificateRecord> clientCertificatesValidAt(String zone, long nowMillis,
            IdentityPublicKey after, int limit) {
        if (limit < 1) {
            throw new IllegalArgumentException("limit must be positive: " + limit);
        }
        return queryCertificates("WHERE zone = ? AND expires_at_ms > ?" + (after == null ? "" : " AND client_key > ?")
                + " ORDER BY client_key LIMIT ?", p -> {
                    p.setString(1, zone);
                    p.setLong(2, nowMillis);
                    int next = 3;
                    if (after != null) {
                        p.setBytes(next++, after.encoded());
                    }
                    p.setInt(next, limit);
                });
    }

    /**
     * Deletes certificates that expired at or before {@code nowMillis}; returns how many. The Herd
     * address is derived from the key, so a client that joins again after its certificate lapsed
     * gets the same address (with a fresh client id).
     */
    public synchronized int purgeExpiredClientCertificates(long nowMillis) {
        return update("purging expired client certificates", "DELETE FROM client_certificate WHERE expires_at_ms <= ?",
                p -> p.setLong(1, nowMillis));
    }

    private List<ClientCertificateRecord> queryCertificates(String where, Binder binder) {
        return query("reading client certificates",
                "SELECT client_key, zone, herd_address, certificate, issued_at_ms, expires_at_ms FROM client_certificate "
                        + where, binder,
                rs -> new ClientCertificateRecord(key(rs.getBytes(1)), rs.getString(2), rs.getString(3), rs.getBytes(4),
                        rs.getLong(5), rs.getLong(6)));
    }

    // ---------------------------------------------------------------- rendezvous registrations (§3.3)

    /** Registers (or re-registers, replacing the previous entry) a client's rendezvous mix. Durable on return. */
    public synchronized void register(RendezvousRegistration r) {
        register(r, null);
    }

    /**
     * Registers (or re-registers) a client's rendezvous mix together with the client's signed
     * binding (opaque bytes, see {@link RendezvousBinding}), both in one committed write: durable on
     * return. A {@code null} binding clears any previous one.
     */
    public synchronized void register(RendezvousRegistration r, byte[] binding) {
        try (PreparedStatement p = connection.prepareStatement(
                "INSERT INTO rendezvous_registration (client_key, rendezvous_mix_key, registered_at_ms, expires_at_ms,"
                        + " binding) VALUES (?, ?, ?, ?, ?) ON CONFLICT (client_key) DO UPDATE SET"
                        + " rendezvous_mix_key = excluded.rendezvous_mix_key,"
                        + " registered_at_ms = excluded.registered_at_ms, expires_at_ms = excluded.expires_at_ms,"
                        + " binding = excluded.binding")) {
            p.setBytes(1, r.client().encoded());
            p.setBytes(2, r.rendezvousMix().encoded());
            p.setLong(3, r.registeredAtMillis());
            p.setLong(4, r.expiresAtMillis());
            p.setBytes(5, binding == null ? null : binding.clone());
            p.executeUpdate();
        } catch (SQLException e) {
            throw failure("registering rendezvous of " + r.client(), e);
        }
    }

    /** The signed binding stored with the client's registration if it is live at {@code nowMillis}. */
    public synchronized Optional<byte[]> rendezvousBinding(IdentityPublicKey client, long nowMillis) {
        List<byte[]> found = query("reading rendezvous binding of " + client,
                "SELECT binding FROM rendezvous_registration WHERE client_key = ? AND expires_at_ms > ?",
                p -> {
                    p.setBytes(1, client.encoded());
                    p.setLong(2, nowMillis);
                },
                rs -> rs.getBytes(1));
        return found.isEmpty() ? Optional.empty() : Optional.ofNullable(found.get(0));
    }

    /** The client's registration if it is live at {@code nowMillis}. */
    public synchronized Optional<RendezvousRegistration> lookupRendezvous(IdentityPublicKey client, long nowMillis) {
        return query("looking up rendezvous of " + client,
                "SELECT client_key, rendezvous_mix_key, registered_at_ms, expires_at_ms FROM rendezvous_registration"
                        + " WHERE client_key = ? AND expires_at_ms > ?",
                p -> {
                    p.setBytes(1, client.encoded());
                    p.setLong(2, nowMillis);
                },
                rs -> new RendezvousRegistration(key(rs.getBytes(1)), key(rs.getBytes(2)), rs.getLong(3), rs.getLong(4)))
                .stream().findFirst();
    }

    /** Removes a client's registration; returns whether there was one. */
    public synchronized boolean unregister(IdentityPublicKey client) {
        return update("unregistering " + client, "DELETE FROM rendezvous_registration WHERE client_key = ?",
                p -> p.setBytes(1, client.encoded())) > 0;
    }

    /** Deletes registrations that lapsed at or before {@code nowMillis}; returns how many. */
    public synchronized int purgeExpiredRegistrations(long nowMillis) {
        return update("purging expired registrations", "DELETE FROM rendezvous_registration WHERE expires_at_ms <= ?",
                p -> p.setLong(1, nowMillis));
    }

    /** Number of stored registrations, live or lapsed. */
    public synchronized long registrationCount() {
        return query("counting registrations", "SELECT COUNT(*) FROM rendezvous_registration", p -> { },
                rs -> rs.getLong(1)).get(0);
    }

    // ---------------------------------------------------------------- utilisation reports (§3.1, §3.4.2)

    /** Stores a mix's report; a second report by the same mix for the same scope and epoch replaces the first. */
    public synchronized void putUtilisationReport(UtilisationReport r, long receivedAtMillis) {
        try (PreparedStatement p = connection.prepareStatement(
                "INSERT INTO utilisation_report (mix_key, link_class, zone, peer_zone, epoch, peak_cells, mean_cells,"
                        + " capacity_cells, received_at_ms, clients, calls) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
                        + " ON CONFLICT (link_class, zone, peer_zone, epoch, mix_key) DO UPDATE SET"
                        + " peak_cells = excluded.peak_cells, mean_cells = excluded.mean_cells,"
                        + " capacity_cells = excluded.capacity_cells, received_at_ms = excluded.received_at_ms,"
                        + " clients = excluded.clients, calls = excluded.calls")) {
            p.setBytes(1, r.mix().encoded());
            bindScope(p, 2, r.scope());
            p.setLong(5, r.epoch());
            p.setInt(6, r.peakCellsPerTick());
            p.setDouble(7, r.meanCellsPerTick());
            p.setInt(8, r.capacityCellsPerTick());
            p.setLong(9, receivedAtMillis);
            bindCount(p, 10, r.clients());
            bindCount(p, 11, r.calls());
            p.executeUpdate();
        } catch (SQLException e) {
            throw failure("storing utilisation report of " + r.mix() + " for " + r.scope(), e);
        }
    }

    /** The reports for {@code scope} and {@code epoch}, ordered by mix key. */
    public synchronized List<UtilisationReport> utilisationReports(RateScope scope, long epoch) {
        return query("reading utilisation reports for " + scope,
                "SELECT mix_key, epoch, peak_cells, mean_cells, capacity_cells, clients, calls FROM utilisation_report"
                        + " WHERE link_class = ? AND zone = ? AND peer_zone = ? AND epoch = ? ORDER BY mix_key",
                p -> {
                    bindScope(p, 1, scope);
                    p.setLong(4, epoch);
                },
                rs -> new UtilisationReport(key(rs.getBytes(1)), scope, rs.getLong(2), rs.getInt(3), rs.getDouble(4),
                        rs.getInt(5), count(rs, 6), count(rs, 7)));
    }

    /** A client or call count; NULL (a row stored before schema version 4) is {@link UtilisationReport#NOT_REPORTED}. */
    private static int count(ResultSet rs, int column) throws SQLException {
        int n = rs.getInt(column);
        return rs.wasNull() ? UtilisationReport.NOT_REPORTED : n;
    }

    private static void bindCount(PreparedStatement p, int index, int count) throws SQLException {
        if (count == UtilisationReport.NOT_REPORTED) {
            p.setNull(index, java.sql.Types.INTEGER);
        } else {
            p.setInt(index, count);
        }
    }

    /** Deletes reports for epochs before {@code epoch}; returns how many. */
    public synchronized int purgeUtilisationReportsBefore(long epoch) {
        return update("purging utilisation reports", "DELETE FROM utilisation_report WHERE epoch < ?",
                p -> p.setLong(1, epoch));
    }

    // ---------------------------------------------------------------- rate epochs (§3.4.2, §3.4.3)

    /**
     * Records an announcement. Announcements are immutable: storing the same one again is a no-op,
     * storing a different rate for the same scope, epoch and announcing zone is refused.
     *
     * @throws DirectoryStoreException {@code CONFLICT} if a different rate is already stored
     */
    public synchronized void putRateAnnouncement(RateAnnouncement a) {
        int inserted = update("storing rate announcement for " + a.scope(),
                "INSERT INTO rate_epoch (link_class, zone, peer_zone, epoch, effective_at_ms, announcing_zone, rate_cells,"
                        + " announced_at_ms) VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING",
                p -> {
                    bindScope(p, 1, a.scope());
                    p.setLong(4, a.effectiveEpoch());
                    p.setLong(5, a.effectiveAtMillis());
                    p.setString(6, a.announcingZone());
                    p.setInt(7, a.rateCellsPerTick());
                    p.setLong(8, a.announcedAtMillis());
                });
        if (inserted == 0) {
            int stored = query("reading rate announcement", "SELECT rate_cells FROM rate_epoch WHERE link_class = ?"
                            + " AND zone = ? AND peer_zone = ? AND epoch = ? AND announcing_zone = ?",
                    p -> {
                        bindScope(p, 1, a.scope());
                        p.setLong(4, a.effectiveEpoch());
                        p.setString(5, a.announcingZone());
                    }, rs -> rs.getInt(1)).get(0);
            if (stored != a.rateCellsPerTick()) {
                throw new DirectoryStoreException(Reason.CONFLICT, a.announcingZone() + " already announced " + stored
                        + " cells/tick for " + a.scope() + " at epoch " + a.effectiveEpoch() + "; refusing " + a.rateCellsPerTick());
            }
        }
    }

    /** All announcements effective at or after {@code fromEpoch}, by scope, epoch and zone (for restoring a controller). */
    public synchronized List<RateAnnouncement> rateAnnouncementsFrom(long fromEpoch) {
        return query("reading rate announcements",
                "SELECT link_class, zone, peer_zone, epoch, effective_at_ms, rate_cells, announcing_zone, announced_at_ms"
                        + " FROM rate_epoch WHERE epoch >= ? ORDER BY link_class, zone, peer_zone, epoch, announcing_zone",
                p -> p.setLong(1, fromEpoch),
                rs -> {
                    RateScope scope;
                    try {
                        scope = new RateScope(LinkClass.fromCode(rs.getString(1)), rs.getString(2), rs.getString(3));
                    } catch (IllegalArgumentException e) {
                        throw new DirectoryStoreException(Reason.CORRUPT, "unreadable rate_epoch row: " + e.getMessage(), e);
                    }
                    return new RateAnnouncement(scope, rs.getLong(4), rs.getLong(5), rs.getInt(6), rs.getString(7), rs.getLong(8));
                });
    }

    /** Runs a one-value query (a PRAGMA or SHOW) on the store's own connection; for tests of its session settings. */
    synchronized String sessionSetting(String sql) {
        return query("reading " + sql, sql, p -> { }, rs -> String.valueOf(rs.getString(1))).get(0);
    }

    /** Closes the connection (SQLite checkpoints its WAL into the main file). */
    @Override
    public synchronized void close() {
        try {
            connection.close();
        } catch (SQLException e) {
            throw failure("closing " + description, e);
        }
    }

    // ---------------------------------------------------------------- helpers

    @FunctionalInterface
    private interface Binder {
        void bind(PreparedStatement p) throws SQLException;
    }

    @FunctionalInterface
    private interface RowReader<T> {
        T read(ResultSet rs) throws SQLException;
    }

    private <T> List<T> query(String what, String sql, Binder binder, RowReader<T> reader) {
        try (PreparedStatement p = connection.prepareStatement(sql)) {
            binder.bind(p);
            try (ResultSet rs = p.executeQuery()) {
                List<T> rows = new ArrayList<>();
                while (rs.next()) {
                    rows.add(reader.read(rs));
                }
                return rows;
            }
        } catch (SQLException e) {
            throw failure(what, e);
        } catch (IllegalArgumentException e) {
            // A stored row that no longer passes validation (wrong key length, bad zone) was damaged.
            throw new DirectoryStoreException(Reason.CORRUPT, what + ": stored row is invalid: " + e.getMessage(), e);
        }
    }

    private int update(String what, String sql, Binder binder) {
        try (PreparedStatement p = connection.prepareStatement(sql)) {
            binder.bind(p);
            return p.executeUpdate();
        } catch (SQLException e) {
            throw failure(what, e);
        }
    }

    private static void bindScope(PreparedStatement p, int first, RateScope scope) throws SQLException {
        p.setString(first, scope.linkClass().code());
        p.setString(first + 1, scope.zone());
        p.setString(first + 2, scope.peerZone());
    }

    private static IdentityPublicKey key(byte[] encoded) {
        if (encoded == null) {
            throw new IllegalArgumentException("missing key");
        }
        return IdentityPublicKey.of(encoded);
    }

    private DirectoryStoreException failure(String what, SQLException e) {
        return new DirectoryStoreException(dialect.classify(e), what + " in " + description + ": " + e.getMessage(), e);
    }

    private static void closeQuietly(Connection c) {
        try {
            c.close();
        } catch (SQLException ignored) {
            // Opening already failed with the exception that matters.
        }
    }
}
