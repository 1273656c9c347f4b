package io.realmcluster.common.db;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.realmcluster.common.cli.StartupException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.regex.Pattern;
import javax.sql.DataSource;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.FlywayException;

/**
 * A realm's character database: a HikariCP pool whose connections carry deadlines (connect,
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

    /** Bring the schema up to date; safe to run from every replica at every start. */
    public void migrate() {
        try {
            Flyway.configure()
                    .dataSource(pool)
                    .locations("classpath:db/migration")
                    .load()
                    .migrate();
        } catch (final FlywayException e) {
            throw new StartupException("cannot migrate the database at " + where + ": " + rootMessage(e), e);
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
