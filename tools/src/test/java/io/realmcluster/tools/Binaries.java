package io.realmcluster.tools;

import io.realmcluster.common.net.HostPort;
import io.realmcluster.processes.FreePorts;
import io.realmcluster.processes.JavaProcess;
import io.realmcluster.testkit.PostgresExtension;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Starts the cluster's binaries as separate JVMs for process-level tests, and stops them all afterwards. */
final class Binaries implements AutoCloseable {
    static final Duration START_DEADLINE = Duration.ofSeconds(30);
    static final String CONTROLPLANE = "io.realmcluster.controlplane.ControlPlaneMain";
    static final String DATAPLANE = "io.realmcluster.dataplane.NodeMain";
    static final String REALMCTL = "io.realmcluster.tools.realmctl.Realmctl";
    /** The key nodes check session tokens with, given to every node these tests start (control planes take a file). */
    static final String TOKEN_SECRET = "process-level-tests-token-secret-0123456789abcdef";

    /** {@link #TOKEN_SECRET} in a file of {@code directory} only its owner may read, as an operator keeps it. */
    static Path tokenSecretFile(final Path directory) throws IOException {
        final Path file = Files.createFile(
                directory.resolve("token-secret"),
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        return Files.writeString(file, TOKEN_SECRET + "\n");
    }

    private final String etcdEndpoint;
    private final String prefix;
    private final List<JavaProcess> started = new ArrayList<>();

    Binaries(final String etcdEndpoint, final String prefix) {
        this.etcdEndpoint = etcdEndpoint;
        this.prefix = prefix;
    }

    /** A control-plane replica on {@code port}, serving once this returns. */
    JavaProcess controlPlane(final String id, final int port, final String... extraArgs) {
        return controlPlane(id, port, Map.of(), extraArgs);
    }

    /** A control-plane replica with extra environment (database credentials). */
    JavaProcess controlPlane(
            final String id, final int port, final Map<String, String> env, final String... extraArgs) {
        final List<String> args = new ArrayList<>(List.of(
                "--id",
                id,
                "--etcd",
                etcdEndpoint,
                "--etcd-prefix",
                prefix,
                "--listen",
                "127.0.0.1:" + port,
                "--metrics-listen",
                "127.0.0.1:0",
                "--node-lease-ttl",
                "2",
                "--heartbeat-interval",
                "200",
                "--leader-lease-ttl",
                "2"));
        args.addAll(List.of(extraArgs));
        final JavaProcess.Builder builder =
                JavaProcess.builder(CONTROLPLANE).name(id).args(args);
        env.forEach(builder::env);
        final JavaProcess process = track(builder.start());
        process.awaitOutput("control plane " + id + " serving gRPC on", START_DEADLINE);
        return process;
    }

    /** A node registered with one of {@code controlPlanes}; returns once it is started (not yet registered). */
    JavaProcess node(final String nodeId, final List<HostPort> controlPlanes) {
        return node(nodeId, controlPlanes, null);
    }

    /** A node that saves its characters in {@code postgres} (null: a node without a database). */
    JavaProcess node(final String nodeId, final List<HostPort> controlPlanes, final PostgresExtension postgres) {
        return postgres == null
                ? node(nodeId, controlPlanes, null, null, null)
                : node(nodeId, controlPlanes, postgres.jdbcUrl(), postgres.user(), postgres.password());
    }

    /** A node that saves its characters at {@code jdbcUrl} (null: a node without a database), with more arguments. */
    JavaProcess node(
            final String nodeId,
            final List<HostPort> controlPlanes,
            final String jdbcUrl,
            final String user,
            final String password,
            final String... moreArgs) {
        return node(nodeId, controlPlanes, jdbcUrl, user, password, List.of(), moreArgs);
    }

    /** The same, with flags for its JVM (e.g. {@code -Drealm.failpoint=STEP}). */
    JavaProcess node(
            final String nodeId,
            final List<HostPort> controlPlanes,
            final String jdbcUrl,
            final String user,
            final String password,
            final List<String> jvmArgs,
            final String... moreArgs) {
        final List<String> args = new ArrayList<>(List.of(
                "--node-id",
                nodeId,
                "--controlplane",
                HostPort.join(controlPlanes),
                "--listen",
                "127.0.0.1:0",
                "--client-listen",
                "127.0.0.1:0",
                "--metrics-listen",
                "127.0.0.1:0"));
        args.addAll(List.of(moreArgs));
        final JavaProcess.Builder builder = JavaProcess.builder(DATAPLANE)
                .name(nodeId)
                .env("REALM_TOKEN_SECRET", TOKEN_SECRET)
                .jvmArgs(jvmArgs);
        if (jdbcUrl != null) {
            args.addAll(List.of("--db-url", jdbcUrl));
            builder.env("REALM_DB_USER", user).env("REALM_DB_PASSWORD", password);
        }
        final JavaProcess process = track(builder.args(plaintextUnlessTls(args)).start());
        process.awaitOutput("node " + nodeId + " serving gRPC on", START_DEADLINE);
        return process;
    }

    /** Any binary with any arguments, e.g. to check how it fails. */
    JavaProcess run(final String mainClass, final String name, final String... args) {
        return run(mainClass, name, Map.of(), args);
    }

    /** Any binary with extra environment and any arguments. */
    JavaProcess run(final String mainClass, final String name, final Map<String, String> env, final String... args) {
        final JavaProcess.Builder builder = JavaProcess.builder(mainClass).name(name);
        if (mainClass.equals(DATAPLANE)) {
            builder.env("REALM_TOKEN_SECRET", TOKEN_SECRET).args(plaintextUnlessTls(List.of(args)));
        } else {
            builder.args(List.of(args));
        }
        env.forEach(builder::env);
        return track(builder.start());
    }

    /** realmctl against {@code controlPlane} with {@code input} on its standard input (a password). */
    JavaProcess realmctl(final HostPort controlPlane, final Path input, final String... args) {
        return track(realmctlBuilder(controlPlane, args).input(input).start());
    }

    /** realmctl against {@code controlPlane}. */
    JavaProcess realmctl(final HostPort controlPlane, final String... args) {
        return track(realmctlBuilder(controlPlane, args).start());
    }

    private static JavaProcess.Builder realmctlBuilder(final HostPort controlPlane, final String... args) {
        final List<String> all = new ArrayList<>(List.of("--controlplane", controlPlane.toString()));
        all.addAll(List.of(args));
        return JavaProcess.builder(REALMCTL).name("realmctl-" + args[0]).args(all);
    }

    /** A node's arguments with {@code --insecure-plaintext} unless they say how to speak TLS (or already say it). */
    static List<String> plaintextUnlessTls(final List<String> args) {
        if (args.stream().anyMatch(a -> a.startsWith("--tls-") || a.equals("--insecure-plaintext"))) {
            return args;
        }
        final List<String> plaintext = new ArrayList<>(args);
        plaintext.add("--insecure-plaintext");
        return plaintext;
    }

    static HostPort freeAddress() {
        return HostPort.parse("127.0.0.1:" + FreePorts.find());
    }

    private JavaProcess track(final JavaProcess process) {
        started.add(process);
        return process;
    }

    @Override
    public void close() {
        for (final JavaProcess process : started) {
            process.close();
        }
    }
}
