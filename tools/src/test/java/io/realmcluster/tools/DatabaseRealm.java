package io.realmcluster.tools;

import static org.awaitility.Awaitility.await;

import io.realmcluster.common.net.HostPort;
import io.realmcluster.processes.JavaProcess;
import io.realmcluster.processes.PostgresProcess;
import io.realmcluster.proto.v1.InstanceState;
import io.realmcluster.tools.bots.BotConfig;
import io.realmcluster.tools.bots.BotFleet;
import io.realmcluster.tools.realmctl.AdminClient;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * A realm of separate processes on a real etcd and a real PostgreSQL, for the tests about
 * characters: a control plane with the database (self-registration on, cheap password hashing),
 * and nodes saving to it. Closing it stops every process it started (not the database).
 */
final class DatabaseRealm implements AutoCloseable {
    private static final Duration DEADLINE = Duration.ofSeconds(90);

    private final Binaries binaries;
    private final PostgresProcess postgres;
    private final HostPort controlPlane;
    private final Path tokenKey;
    private final List<String> controlPlaneArgs;
    private JavaProcess controlPlaneProcess;

    private DatabaseRealm(
            final Binaries binaries,
            final PostgresProcess postgres,
            final HostPort controlPlane,
            final Path tokenKey,
            final List<String> controlPlaneArgs) {
        this.binaries = binaries;
        this.postgres = postgres;
        this.controlPlane = controlPlane;
        this.tokenKey = tokenKey;
        this.controlPlaneArgs = controlPlaneArgs;
    }

    /** Start the control plane, under an etcd prefix of its own; {@code directory} is the realm's working directory. */
    static DatabaseRealm start(final String etcdEndpoint, final PostgresProcess postgres, final Path directory)
            throws IOException {
        // Bots and test clients log in and register from one address: the per-address limits would hold them back.
        return start(
                etcdEndpoint,
                postgres,
                directory,
                List.of("--login-rate-per-ip", "1000000", "--registrations-per-ip", "1000000"));
    }

    /** The same, with more arguments for the control plane (an empty list: Login's default limits). */
    static DatabaseRealm start(
            final String etcdEndpoint,
            final PostgresProcess postgres,
            final Path directory,
            final List<String> controlPlaneArgs)
            throws IOException {
        final DatabaseRealm realm = new DatabaseRealm(
                new Binaries(etcdEndpoint, "/realm-it-" + UUID.randomUUID()),
                postgres,
                Binaries.freeAddress(),
                Binaries.tokenKeyFile(),
                controlPlaneArgs);
        realm.startControlPlane();
        return realm;
    }

    /** (Re)start the control plane at the same address. */
    JavaProcess startControlPlane() {
        controlPlaneProcess = startReplica("cp-1", controlPlane);
        return controlPlaneProcess;
    }

    /**
     * Another control-plane replica of this realm (same etcd prefix, database and token key), its internal listener
     * at {@code internal}.
     */
    JavaProcess startReplica(final String id, final HostPort internal) {
        final List<String> args = new ArrayList<>(List.of(
                "--db-url",
                postgres.jdbcUrl(),
                "--db-ca",
                StoreTls.databaseCa().toString(),
                "--token-key-file",
                tokenKey.toString(),
                "--allow-registration",
                "--password-iterations",
                "1000"));
        args.addAll(controlPlaneArgs);
        return binaries.controlPlane(
                id,
                internal.port(),
                Map.of("REALM_DB_USER", postgres.user(), "REALM_DB_PASSWORD", postgres.password()),
                args.toArray(String[]::new));
    }

    JavaProcess controlPlaneProcess() {
        return controlPlaneProcess;
    }

    /** The control plane's internal listener: nodes, operators. */
    HostPort controlPlane() {
        return controlPlane;
    }

    /** The control plane's public listener: players' Login. */
    HostPort login() {
        return binaries.loginAddress(controlPlane);
    }

    /** Bots logging in to {@link #login()} over TLS, verifying the realm's CA. */
    BotFleet bots(final BotConfig config) {
        // Like a player of this realm: Login and the nodes over TLS, trusting the realm's CA.
        final Path ca = binaries.pki().caCertificate();
        return new BotFleet(config.nodeTlsCa() == null ? config.withNodeTls(ca) : config, ca);
    }

    Binaries binaries() {
        return binaries;
    }

    /** A node saving to the realm's database, with flags for its JVM and more arguments. */
    JavaProcess node(final String nodeId, final List<String> jvmArgs, final String... args) {
        return node(nodeId, List.of(controlPlane), jvmArgs, args);
    }

    /** The same, given the internal addresses of {@code controlPlanes} (replicas of this realm). */
    JavaProcess node(
            final String nodeId, final List<HostPort> controlPlanes, final List<String> jvmArgs, final String... args) {
        return binaries.node(
                nodeId, controlPlanes, postgres.jdbcUrl(), postgres.user(), postgres.password(), jvmArgs, args);
    }

    /** Wait until {@code nodeId} runs both continents. */
    void awaitContinentsOn(final String nodeId) {
        try (AdminClient admin = admin(5_000)) {
            await().atMost(DEADLINE)
                    .until(() -> admin.listMapInstances(nodeId).getInstancesList().stream()
                                    .filter(i -> i.getState() == InstanceState.INSTANCE_STATE_ACTIVE)
                                    .count()
                            >= 2);
        }
    }

    AdminClient admin(final long timeoutMillis) {
        return binaries.admin(List.of(controlPlane), timeoutMillis);
    }

    @Override
    public void close() {
        binaries.close();
    }
}
