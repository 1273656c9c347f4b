package io.realmcluster.controlplane;

import io.realmcluster.common.auth.TokenSigner;
import io.realmcluster.common.db.DatabaseCredentials;
import io.realmcluster.common.db.RealmDatabase;
import io.realmcluster.common.net.HostPort;
import io.realmcluster.common.tls.TlsFiles;
import io.realmcluster.controlplane.login.LoginLimits;
import io.realmcluster.controlplane.placement.AutoSplit;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * Settings of one control-plane replica, as parsed from its command line. {@code listen} is the
 * public listener (players: Login), {@code internalListen} the internal one (nodes, replicas,
 * operators); {@code tls} null runs both without TLS ({@code --insecure-plaintext}); {@code etcdTls}
 * null when etcd speaks plaintext.
 */
public record ControlPlaneConfig(
        String id,
        List<URI> etcdEndpoints,
        String etcdPrefix,
        Duration etcdTimeout,
        HostPort listen,
        HostPort metricsListen,
        Duration nodeLeaseTtl,
        Duration heartbeatInterval,
        Placement placement,
        Login login,
        HostPort internalListen,
        TlsFiles tls,
        TlsFiles etcdTls) {

    /** Without TLS, the internal listener on a free port of the public listener's host (tests in one process). */
    public ControlPlaneConfig(
            final String id,
            final List<URI> etcdEndpoints,
            final String etcdPrefix,
            final Duration etcdTimeout,
            final HostPort listen,
            final HostPort metricsListen,
            final Duration nodeLeaseTtl,
            final Duration heartbeatInterval,
            final Placement placement,
            final Login login) {
        this(
                id,
                etcdEndpoints,
                etcdPrefix,
                etcdTimeout,
                listen,
                metricsListen,
                nodeLeaseTtl,
                heartbeatInterval,
                placement,
                login,
                listen.withPort(0),
                null,
                null);
    }

    /**
     * Settings of accounts and login; {@code dbUrl} (the accounts database, and the database of every
     * realm without its own) null when the replica runs without a database, {@code dbCa} (the database
     * servers' CA, for {@code sslmode=verify-full}) null to connect as the URLs say; {@code
     * realmDatabases} the realms with a database of their own ({@code --realm-db}); {@code
     * newCharacterLevel} the level characters are created at (1; higher only for development).
     */
    public record Login(
            String dbUrl,
            DatabaseCredentials credentials,
            TokenSigner tokenSigner,
            Duration tokenTtl,
            boolean allowRegistration,
            int passwordIterations,
            LoginLimits limits,
            Path dbCa,
            Map<String, RealmDatabase> realmDatabases,
            int newCharacterLevel) {

        /** The highest level a character can have. */
        public static final int MAX_LEVEL = 60;

        public Login {
            if (tokenTtl.isNegative() || tokenTtl.isZero()) {
                throw new IllegalArgumentException(
                        "--token-ttl must be at least 1 second, got " + tokenTtl.toSeconds());
            }
            if (passwordIterations < 1_000) {
                throw new IllegalArgumentException(
                        "--password-iterations must be at least 1000, got " + passwordIterations);
            }
            realmDatabases = realmDatabases == null ? Map.of() : Map.copyOf(realmDatabases);
            if (dbUrl == null && !realmDatabases.isEmpty()) {
                throw new IllegalArgumentException("--realm-db needs --db-url: the accounts database");
            }
            if (newCharacterLevel < 1 || newCharacterLevel > MAX_LEVEL) {
                throw new IllegalArgumentException(
                        "--new-character-level must be 1 to " + MAX_LEVEL + ", got " + newCharacterLevel);
            }
        }

        /** New characters at level 1. */
        public Login(
                final String dbUrl,
                final DatabaseCredentials credentials,
                final TokenSigner tokenSigner,
                final Duration tokenTtl,
                final boolean allowRegistration,
                final int passwordIterations,
                final LoginLimits limits,
                final Path dbCa,
                final Map<String, RealmDatabase> realmDatabases) {
            this(
                    dbUrl,
                    credentials,
                    tokenSigner,
                    tokenTtl,
                    allowRegistration,
                    passwordIterations,
                    limits,
                    dbCa,
                    realmDatabases,
                    1);
        }

        /** The same with new characters created at {@code level}. */
        public Login withNewCharacterLevel(final int level) {
            return new Login(
                    dbUrl,
                    credentials,
                    tokenSigner,
                    tokenTtl,
                    allowRegistration,
                    passwordIterations,
                    limits,
                    dbCa,
                    realmDatabases,
                    level);
        }

        /** Every realm in the {@code dbUrl} database. */
        public Login(
                final String dbUrl,
                final DatabaseCredentials credentials,
                final TokenSigner tokenSigner,
                final Duration tokenTtl,
                final boolean allowRegistration,
                final int passwordIterations,
                final LoginLimits limits,
                final Path dbCa) {
            this(
                    dbUrl,
                    credentials,
                    tokenSigner,
                    tokenTtl,
                    allowRegistration,
                    passwordIterations,
                    limits,
                    dbCa,
                    Map.of());
        }

        /** The same with realms in databases of their own. */
        public Login withRealmDatabases(final Map<String, RealmDatabase> databases) {
            return new Login(
                    dbUrl,
                    credentials,
                    tokenSigner,
                    tokenTtl,
                    allowRegistration,
                    passwordIterations,
                    limits,
                    dbCa,
                    Map.copyOf(databases),
                    newCharacterLevel);
        }

        /** The same with the default {@link LoginLimits}. */
        public Login(
                final String dbUrl,
                final DatabaseCredentials credentials,
                final TokenSigner tokenSigner,
                final Duration tokenTtl,
                final boolean allowRegistration,
                final int passwordIterations) {
            this(
                    dbUrl,
                    credentials,
                    tokenSigner,
                    tokenTtl,
                    allowRegistration,
                    passwordIterations,
                    LoginLimits.defaults(),
                    null);
        }

        /** A replica without a database: login and account commands are refused with the reason. */
        public static Login disabled() {
            return new Login(null, null, null, Duration.ofSeconds(60), false, 210_000);
        }
    }

    /** Settings of leadership and placement. */
    public record Placement(
            List<String> realms,
            Duration replicaLeaseTtl,
            Duration instanceIdleTimeout,
            String advertiseHost,
            boolean rebalanceContinents,
            Map<String, Integer> splitContinents,
            AutoSplit autoSplit) {

        public Placement {
            splitContinents = Map.copyOf(splitContinents);
        }

        /** No automatic split ({@code autoSplit} null: continents split only as operators say). */
        public Placement(
                final List<String> realms,
                final Duration replicaLeaseTtl,
                final Duration instanceIdleTimeout,
                final String advertiseHost,
                final boolean rebalanceContinents,
                final Map<String, Integer> splitContinents) {
            this(
                    realms,
                    replicaLeaseTtl,
                    instanceIdleTimeout,
                    advertiseHost,
                    rebalanceContinents,
                    splitContinents,
                    null);
        }

        /** No continent split at start. */
        public Placement(
                final List<String> realms,
                final Duration replicaLeaseTtl,
                final Duration instanceIdleTimeout,
                final String advertiseHost,
                final boolean rebalanceContinents) {
            this(realms, replicaLeaseTtl, instanceIdleTimeout, advertiseHost, rebalanceContinents, Map.of());
        }

        public static Placement defaults() {
            return new Placement(List.of("main"), Duration.ofSeconds(5), Duration.ofMinutes(5), null, false);
        }
    }
}
