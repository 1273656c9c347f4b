package io.realmcluster.tools;

import static org.awaitility.Awaitility.await;

import io.realmcluster.common.net.HostPort;
import io.realmcluster.processes.JavaProcess;
import io.realmcluster.processes.PostgresProcess;
import io.realmcluster.proto.v1.InstanceState;
import io.realmcluster.tools.realmctl.AdminClient;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
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
    private JavaProcess controlPlaneProcess;

    private DatabaseRealm(
            final Binaries binaries, final PostgresProcess postgres, final HostPort controlPlane, final Path tokenKey) {
        this.binaries = binaries;
        this.postgres = postgres;
        this.controlPlane = controlPlane;
        this.tokenKey = tokenKey;
    }

    /** Start the control plane, under an etcd prefix of its own; {@code directory} is the realm's working directory. */
    static DatabaseRealm start(final String etcdEndpoint, final PostgresProcess postgres, final Path directory)
            throws IOException {
        final DatabaseRealm realm = new DatabaseRealm(
                new Binaries(etcdEndpoint, "/realm-it-" + UUID.randomUUID()),
                postgres,
                Binaries.freeAddress(),
                Binaries.tokenKeyFile());
        realm.startControlPlane();
        return realm;
    }

    /** (Re)start the control plane at the same address. */
    JavaProcess startControlPlane() {
        controlPlaneProcess = binaries.controlPlane(
                "cp-1",
                controlPlane.port(),
                Map.of("REALM_DB_USER", postgres.user(), "REALM_DB_PASSWORD", postgres.password()),
                "--db-url",
                postgres.jdbcUrl(),
                "--token-key-file",
                tokenKey.toString(),
                "--allow-registration",
                "--password-iterations",
                "1000");
        return controlPlaneProcess;
    }

    JavaProcess controlPlaneProcess() {
        return controlPlaneProcess;
    }

    HostPort controlPlane() {
        return controlPlane;
    }

    Binaries binaries() {
        return binaries;
    }

    /** A node saving to the realm's database, with flags for its JVM and more arguments. */
    JavaProcess node(final String nodeId, final List<String> jvmArgs, final String... args) {
        return binaries.node(
                nodeId, List.of(controlPlane), postgres.jdbcUrl(), postgres.user(), postgres.password(), jvmArgs, args);
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
        return new AdminClient(List.of(controlPlane), timeoutMillis);
    }

    @Override
    public void close() {
        binaries.close();
    }
}
