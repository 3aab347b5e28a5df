package org.herd.core.directory;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Locale;

/**
 * The few places where SQLite and PostgreSQL differ, kept in one file. Everything else the
 * {@link DirectoryStore} sends is SQL both accept unchanged: {@code BIGINT}, {@code INTEGER},
 * {@code VARCHAR(n)}, {@code DOUBLE PRECISION}, composite primary keys, and
 * {@code INSERT … ON CONFLICT … DO UPDATE SET … = excluded.…} (SQLite ≥ 3.24, PostgreSQL ≥ 9.5).
 */
public enum SqlDialect {

    /** Embedded SQLite through xerial sqlite-jdbc (the default). */
    SQLITE("BLOB") {
        @Override
        void configureSession(Connection connection) throws SQLException {
            try (Statement s = connection.createStatement()) {
                // WAL: a commit appends to the write-ahead log instead of rewriting pages in place,
                // so a process killed mid-write leaves the last committed state readable.
                String mode = queryString(s, "PRAGMA journal_mode=WAL");
                if (!"wal".equalsIgnoreCase(mode)) {
                    throw new DirectoryStoreException(DirectoryStoreException.Reason.BAD_CONFIG,
                            "SQLite refused WAL journal mode (got '" + mode + "'); the file system may not support it");
                }
                // FULL: every commit fsyncs the WAL before returning. kill -9 alone would be survived
                // with NORMAL too (the OS still holds the written pages), but an acknowledged
                // registration must also survive a power cut or kernel crash of the host, and the
                // cost - one fsync per control-plane write - is irrelevant at directory write rates.
                s.execute("PRAGMA synchronous=FULL");
                String sync = queryString(s, "PRAGMA synchronous");
                if (!"2".equals(sync)) {
                    throw new DirectoryStoreException(DirectoryStoreException.Reason.BAD_CONFIG,
                            "SQLite did not accept synchronous=FULL (got " + sync + ")");
                }
                // Wait for a lock rather than failing at once if an operator tool holds one.
                s.execute("PRAGMA busy_timeout=5000");
            }
        }

        @Override
        void checkIntegrity(Connection connection) throws SQLException {
            try (Statement s = connection.createStatement()) {
                String result = queryString(s, "PRAGMA quick_check");
                if (!"ok".equalsIgnoreCase(result)) {
                    throw new DirectoryStoreException(DirectoryStoreException.Reason.CORRUPT,
                            "SQLite integrity check failed: " + result);
                }
            }
        }

        @Override
        DirectoryStoreException.Reason classify(SQLException e) {
            // SQLite primary result codes (sqlite.org/rescode.html): extended codes keep them in the low byte.
            return switch (e.getErrorCode() & 0xff) {
                case 11, 26 -> DirectoryStoreException.Reason.CORRUPT; // SQLITE_CORRUPT, SQLITE_NOTADB
                case 19 -> DirectoryStoreException.Reason.CONFLICT;    // SQLITE_CONSTRAINT
                case 8, 14 -> DirectoryStoreException.Reason.BAD_CONFIG; // SQLITE_READONLY, SQLITE_CANTOPEN
                default -> DirectoryStoreException.Reason.IO;
            };
        }
    },

    /** A PostgreSQL server, for operators who want one (driver supplied by the operator). */
    POSTGRESQL("BYTEA") {
        @Override
        void configureSession(Connection connection) throws SQLException {
            // Durability is the server's: refuse to run on a server that acknowledges before fsync.
            try (Statement s = connection.createStatement()) {
                String fsync = queryString(s, "SHOW fsync");
                String commit = queryString(s, "SHOW synchronous_commit");
                if (!"on".equalsIgnoreCase(fsync) || "off".equalsIgnoreCase(commit) || "local".equalsIgnoreCase(commit)) {
                    throw new DirectoryStoreException(DirectoryStoreException.Reason.BAD_CONFIG,
                            "PostgreSQL must run with fsync=on and synchronous_commit on/remote_*: fsync="
                                    + fsync + ", synchronous_commit=" + commit);
                }
            }
        }

        @Override
        void checkIntegrity(Connection connection) {
            // The server checks its own pages (data checksums); nothing cheap to ask here.
        }

        @Override
        DirectoryStoreException.Reason classify(SQLException e) {
            String state = e.getSQLState() == null ? "" : e.getSQLState();
            if (state.startsWith("23")) {
                return DirectoryStoreException.Reason.CONFLICT; // integrity constraint violation
            }
            if (state.equals("XX001") || state.equals("XX002")) {
                return DirectoryStoreException.Reason.CORRUPT;  // data_corrupted, index_corrupted
            }
            return DirectoryStoreException.Reason.IO;
        }
    };

    private final String blobType;

    SqlDialect(String blobType) {
        this.blobType = blobType;
    }

    /** The column type for byte strings. */
    String blobType() {
        return blobType;
    }

    /** Replaces the dialect placeholders ({@code ${BLOB}}) in portable DDL. */
    String ddl(String portable) {
        return portable.replace("${BLOB}", blobType);
    }

    /** Sets and verifies the durability settings of a fresh connection. */
    abstract void configureSession(Connection connection) throws SQLException;

    /** Fails with {@link DirectoryStoreException.Reason#CORRUPT} if the database is damaged. */
    abstract void checkIntegrity(Connection connection) throws SQLException;

    /** What a driver exception means for the caller. */
    abstract DirectoryStoreException.Reason classify(SQLException e);

    private static String queryString(Statement s, String sql) throws SQLException {
        try (ResultSet rs = s.executeQuery(sql)) {
            return rs.next() ? String.valueOf(rs.getString(1)).toLowerCase(Locale.ROOT) : "";
        }
    }
}
