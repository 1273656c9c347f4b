package io.realmcluster.tools;

import io.realmcluster.common.auth.TokenKeyFiles;
import io.realmcluster.common.net.HostPort;
import io.realmcluster.processes.FreePorts;
import io.realmcluster.processes.JavaProcess;
import io.realmcluster.testkit.PostgresExtension;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
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
    /**
     * The token key pair of these tests, made once a JVM as an operator would ({@code realmctl token-key init}):
     * control planes that serve logins sign with its private key, every node these tests start verifies with its
     * public key.
     */
    private static final Path TOKEN_KEYS = tokenKeys();

    private static Path tokenKeys() {
        try {
            final Path directory = Files.createTempDirectory("realm-it-token-keys");
            TokenKeyFiles.generate(directory);
            for (final String name : new String[] {TokenKeyFiles.PRIVATE_KEY, TokenKeyFiles.PUBLIC_KEY}) {
                directory.resolve(name).toFile().deleteOnExit();
            }
            directory.toFile().deleteOnExit();
            return directory;
        } catch (final IOException e) {
            throw new UncheckedIOException("cannot make the tests' token keys", e);
        }
    }

    /** The control plane's token key (for {@code --token-key-file}), readable by its owner only. */
    static Path tokenKeyFile() {
        return TOKEN_KEYS.resolve(TokenKeyFiles.PRIVATE_KEY);
    }

    /** The public half nodes take ({@code --token-public-keys}). */
    static Path tokenPublicKeyFile() {
        return TOKEN_KEYS.resolve(TokenKeyFiles.PUBLIC_KEY);
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
                "127.0.0.1:0",
                "--token-public-keys",
                tokenPublicKeyFile().toString()));
        args.addAll(List.of(moreArgs));
        final JavaProcess.Builder builder =
                JavaProcess.builder(DATAPLANE).name(nodeId).jvmArgs(jvmArgs);
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

    /** Any binary with extra environment and any arguments; a node with the tests' token public key. */
    JavaProcess run(final String mainClass, final String name, final Map<String, String> env, final String... args) {
        final List<String> all = new ArrayList<>();
        if (mainClass.equals(DATAPLANE)) {
            all.addAll(List.of("--token-public-keys", tokenPublicKeyFile().toString()));
        }
        all.addAll(List.of(args));
        return runExactly(mainClass, name, env, mainClass.equals(DATAPLANE) ? plaintextUnlessTls(all) : all);
    }

    /** Any binary with exactly these arguments (nothing added), e.g. to check what it says of a missing flag. */
    JavaProcess runExactly(
            final String mainClass, final String name, final Map<String, String> env, final List<String> args) {
        final JavaProcess.Builder builder =
                JavaProcess.builder(mainClass).name(name).args(args);
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
