package io.realmcluster.common.db;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.realmcluster.common.cli.StartupException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Locale;
import java.util.regex.Pattern;
import javax.sql.DataSource;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.FlywayException;

/**
 * A database of the realm cluster (the accounts database, a realm's character database, or one
 * that holds both): a HikariCP pool whose connections carry deadlines (connect,
 * socket read, statement), and the schema migrations that define it.
 */
public final class Database implements AutoCloseable {
    /** No query may run longer than this; a dead database turns into an error, not a hang. */
    public static final Duration STATEMENT_TIMEOUT = Duration.ofSeconds(5);

    private static final Pattern TLS_PARAMETER = Pattern.compile("(?i)[?&](ssl|sslmode|sslrootcert)=");

    private final HikariDataSource pool;
    private final String where;

    private Database(final HikariDataSource pool, final String where) {
        this.pool = pool;
        this.where = where;
    }

    /** Open a pool of up to {@code poolSize} connections to {@code jdbcUrl}; fails with a one-line reason. */
    public static Database open(
            final String name, final String jdbcUrl, final DatabaseCredentials credentials, final int poolSize) {
        return open(name, jdbcUrl, credentials, null, poolSize);
    }

    /**
     * As {@link #open(String, String, DatabaseCredentials, int)}, over TLS that verifies the server's
     * certificate against {@code serverCa} and its name against the URL's host ({@code
     * sslmode=verify-full}) when {@code serverCa} is given; as the URL says otherwise.
     */
    public static Database open(
            final String name,
            final String jdbcUrl,
            final DatabaseCredentials credentials,
            final Path serverCa,
            final int poolSize) {
        if (!jdbcUrl.startsWith("jdbc:postgresql:")) {
            throw new StartupException(
                    "only PostgreSQL is supported: --db-url must start with jdbc:postgresql:, got " + redact(jdbcUrl));
        }
        final HikariConfig config = new HikariConfig();
        config.setPoolName(name);
        config.setJdbcUrl(jdbcUrl);
        config.setUsername(credentials.user());
        config.setPassword(credentials.password());
        config.setMaximumPoolSize(poolSize);
        // A fixed pool: a burst (a thousand logins at once) finds its connections open instead of
        // waiting, one new connection at a time, past the connection timeout.
        config.setMinimumIdle(poolSize);
        config.setConnectionTimeout(3_000);
        config.setValidationTimeout(2_000);
        config.setInitializationFailTimeout(5_000);
        config.addDataSourceProperty("connectTimeout", "3");
        config.addDataSourceProperty("socketTimeout", Long.toString(STATEMENT_TIMEOUT.toSeconds() + 5));
        config.addDataSourceProperty("options", "-c statement_timeout=" + STATEMENT_TIMEOUT.toMillis());
        config.addDataSourceProperty("reWriteBatchedInserts", "true");
        if (serverCa != null) {
            verifyFull(config, jdbcUrl, serverCa);
        }
        final String where = redact(jdbcUrl);
        try {
            return new Database(new HikariDataSource(config), where);
        } catch (final RuntimeException e) {
            throw new StartupException("cannot connect to the database at " + where + ": " + rootMessage(e), e);
        }
    }

    private static void verifyFull(final HikariConfig config, final String jdbcUrl, final Path serverCa) {
        if (!Files.isReadable(serverCa)) {
            throw new StartupException("cannot read the database server's CA certificate " + serverCa + " (--db-ca)");
        }
        if (TLS_PARAMETER.matcher(jdbcUrl).find()) {
            throw new StartupException("--db-ca sets ssl, sslmode=verify-full and sslrootcert itself: remove them from "
                    + "--db-url " + redact(jdbcUrl));
        }
        config.addDataSourceProperty("ssl", "true");
        config.addDataSourceProperty("sslmode", "verify-full");
        config.addDataSourceProperty("sslrootcert", serverCa.toAbsolutePath().toString());
    }

    /** The two schemas a database may hold, each with its own Flyway history table. */
    public enum Schema {
        /** Accounts: the realm cluster's one accounts database. */
        ACCOUNTS("classpath:db/accounts", "accounts_schema_history"),
        /** A realm's characters, items and ledger. */
        REALM("classpath:db/realm", "realm_schema_history");

        private final String location;
        private final String history;

        Schema(final String location, final String history) {
            this.location = location;
            this.history = history;
        }

        /** The Flyway history table of this schema. */
        public String history() {
            return history;
        }
    }

    /** The history of the combined migrations before the split into accounts and realm schemas. */
    static final String LEGACY_HISTORY = "flyway_schema_history";

    private static final String LEGACY_LOCATION = "classpath:db/legacy";

    /** Bring both schemas up to date (a database that holds accounts and a realm); safe at every start. */
    public void migrate() {
        migrate(Schema.ACCOUNTS);
        migrate(Schema.REALM);
    }

    /**
     * Bring {@code schema} up to date; safe to run from every replica and node at every start. A
     * database made by the combined migrations before the split (history in {@value #LEGACY_HISTORY})
     * is first brought to their last version, then each schema's history starts at its version 1,
     * which that database already holds; it is upgraded in place. Any other database that already
     * holds tables (the other schema) starts each history before version 1 and applies everything.
     */
    public void migrate(final Schema schema) {
        try {
            final boolean legacy = hasTable(LEGACY_HISTORY);
            if (legacy) {
                Flyway.configure()
                        .dataSource(pool)
                        .locations(LEGACY_LOCATION)
                        .table(LEGACY_HISTORY)
                        .load()
                        .migrate();
            }
            Flyway.configure()
                    .dataSource(pool)
                    .locations(schema.location)
                    .table(schema.history)
                    .baselineOnMigrate(true)
                    .baselineVersion(legacy ? "1" : "0")
                    .baselineDescription(
                            legacy
                                    ? "made by the combined migrations (" + LEGACY_HISTORY + ")"
                                    : "before version 1: the database held the other schema")
                    .load()
                    .migrate();
        } catch (final FlywayException | SQLException e) {
            throw new StartupException(
                    "cannot migrate the " + schema.name().toLowerCase(Locale.ROOT) + " schema of the database at "
                            + where + ": " + rootMessage(e),
                    e);
        }
    }

    private boolean hasTable(final String table) throws SQLException {
        try (Connection connection = pool.getConnection();
                PreparedStatement exists = connection.prepareStatement("SELECT to_regclass(?) IS NOT NULL")) {
            exists.setString(1, table);
            try (ResultSet row = exists.executeQuery()) {
                row.next();
                return row.getBoolean(1);
            }
        }
    }

    /** The pool, for code that wants plain JDBC (Flyway, tests). */
    public DataSource dataSource() {
        return pool;
    }

    /** A pooled connection; fails after the pool's connection timeout when the database is gone. */
    public Connection connection() throws SQLException {
        return pool.getConnection();
    }

    /** The URL without credentials, fit for logs and errors. */
    public String where() {
        return where;
    }

    /** A JDBC URL with the values of its user and password parameters (sslpassword too) masked. */
    public static String redact(final String jdbcUrl) {
        return jdbcUrl.replaceAll("(?i)([?&](user|[a-z]*password)=)[^&]*", "$1***");
    }

    private static String rootMessage(final Throwable e) {
        Throwable t = e;
        while (t.getCause() != null && t.getCause() != t) {
            t = t.getCause();
        }
        return t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage();
    }

    @Override
    public void close() {
        pool.close();
    }
}
