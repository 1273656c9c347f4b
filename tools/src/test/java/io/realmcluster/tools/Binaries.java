package io.realmcluster.tools;

import io.grpc.ChannelCredentials;
import io.realmcluster.common.auth.TokenKeyFiles;
import io.realmcluster.common.grpc.GrpcTls;
import io.realmcluster.common.net.HostPort;
import io.realmcluster.common.tls.Pki;
import io.realmcluster.common.tls.Role;
import io.realmcluster.common.tls.TlsFiles;
import io.realmcluster.processes.FreePorts;
import io.realmcluster.processes.JavaProcess;
import io.realmcluster.testkit.PostgresExtension;
import io.realmcluster.tools.realmctl.AdminClient;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Starts the cluster's binaries as separate JVMs for process-level tests, and stops them all
 * afterwards. They run as an operator would run them: with mutual TLS, each with its own
 * certificate from a realm CA made in a temporary directory ({@link #pki()}), unless a test passes
 * {@code --insecure-plaintext}. A control plane's port given to it is its internal listener (nodes,
 * operators); its public one (Login) is {@link #loginAddress(HostPort)}.
 */
final class Binaries implements AutoCloseable {
    /** Generous: a cold JVM on a busy machine takes seconds to load TLS and shake hands with etcd. */
    static final Duration START_DEADLINE = Duration.ofSeconds(60);

    static final String CONTROLPLANE = "io.realmcluster.controlplane.ControlPlaneMain";
    static final String DATAPLANE = "io.realmcluster.dataplane.NodeMain";
    static final String REALMCTL = "io.realmcluster.tools.realmctl.Realmctl";
    /**
     * The token key pair of these tests, made once a JVM as an operator would ({@code realmctl token-key init}):
     * control planes that serve logins sign with its private key, every node these tests start verifies with its
     * public key.
     */
    private static final Path TOKEN_KEYS = TokenKeyFiles.generateTemporary("realm-it-token-keys");

    private static final long ADMIN_DEADLINE_MILLIS = 10_000;

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
    private final List<AutoCloseable> tls = new ArrayList<>();
    private final Map<Integer, HostPort> loginAddresses = new ConcurrentHashMap<>();
    private final Path pkiDirectory;
    private final Pki pki;

    /** The etcd prefix of this cluster's replicas. */
    String prefix() {
        return prefix;
    }

    Binaries(final String etcdEndpoint, final String prefix) {
        this.etcdEndpoint = etcdEndpoint;
        this.prefix = prefix;
        try {
            pkiDirectory = Files.createTempDirectory("realm-pki");
            pki = Pki.at(pkiDirectory);
            pki.init("it", Pki.CA_VALIDITY);
        } catch (final IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The realm's CA of these processes. */
    Pki pki() {
        return pki;
    }

    /** The certificate of {@code role} {@code name} (issued for localhost and 127.0.0.1 when missing). */
    TlsFiles certificate(final Role role, final String name) {
        final TlsFiles files = pki.files(role, name);
        if (!Files.exists(files.certificate())) {
            try {
                pki.issue(role, name, role.serves() ? List.of("localhost", "127.0.0.1") : List.of(), Pki.VALIDITY);
            } catch (final IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return files;
    }

    /** The operator certificate the tests' realmctl and admin clients hold. */
    TlsFiles operator() {
        return certificate(Role.OPERATOR, "it-operator");
    }

    /** The Admin API of control planes (their internal listeners), as the tests' operator. */
    AdminClient admin(final List<HostPort> controlPlanes, final long timeoutMillis) {
        // The first TLS handshakes of a JVM (class loading, JIT of the EC code) can take seconds on a busy
        // machine: a deadline shorter than that would fail a test on the handshake, not on what it checks.
        return new AdminClient(controlPlanes, Math.max(timeoutMillis, ADMIN_DEADLINE_MILLIS), operator());
    }

    /** TLS as {@code role} {@code name} for a channel of the test itself (closed with these binaries). */
    ChannelCredentials credentials(final Role role, final String name) {
        final GrpcTls grpcTls = GrpcTls.load(certificate(role, name));
        tls.add(grpcTls);
        return grpcTls.channel();
    }

    /** The public listener (Login) of the control plane whose internal listener is {@code controlPlane}. */
    HostPort loginAddress(final HostPort controlPlane) {
        final HostPort login = loginAddresses.get(controlPlane.port());
        if (login == null) {
            throw new IllegalArgumentException("no control plane of these tests listens on " + controlPlane);
        }
        return login;
    }

    private static List<String> tlsArgs(final TlsFiles files) {
        return List.of(
                "--tls-ca",
                files.ca().toString(),
                "--tls-cert",
                files.certificate().toString(),
                "--tls-key",
                files.privateKey().toString());
    }

    private static boolean plaintext(final List<String> args) {
        return args.contains("--insecure-plaintext");
    }

    /** {@code --etcd} with this realm's etcd, and the TLS flags it needs when it speaks TLS. */
    List<String> etcdFlags() {
        final List<String> flags = new ArrayList<>(List.of("--etcd", etcdEndpoint));
        flags.addAll(StoreTls.etcdFlags(etcdEndpoint));
        return flags;
    }

    /** A control-plane replica with its internal listener on {@code port}, serving once this returns. */
    JavaProcess controlPlane(final String id, final int port, final String... extraArgs) {
        return controlPlane(id, port, Map.of(), extraArgs);
    }

    /**
     * A control-plane replica on {@code postgres} (over TLS, its credentials in the environment), with
     * the test key for session tokens and cheap password hashing, then {@code extraArgs}.
     */
    JavaProcess controlPlane(
            final String id, final int port, final PostgresExtension postgres, final String... extraArgs) {
        final List<String> args = new ArrayList<>(List.of(
                "--db-url",
                postgres.jdbcUrl(),
                "--db-ca",
                StoreTls.databaseCa().toString(),
                "--token-key-file",
                tokenKeyFile().toString(),
                "--password-iterations",
                "1000"));
        args.addAll(List.of(extraArgs));
        return controlPlane(
                id,
                port,
                Map.of("REALM_DB_USER", postgres.user(), "REALM_DB_PASSWORD", postgres.password()),
                args.toArray(String[]::new));
    }

    /** A control-plane replica with extra environment (database credentials). */
    JavaProcess controlPlane(
            final String id, final int port, final Map<String, String> env, final String... extraArgs) {
        return controlPlane(id, port, env, List.of(), extraArgs);
    }

    /** A control-plane replica with extra environment and flags for its JVM (a failpoint). */
    JavaProcess controlPlane(
            final String id,
            final int port,
            final Map<String, String> env,
            final List<String> jvmArgs,
            final String... extraArgs) {
        final HostPort login = loginAddresses.computeIfAbsent(port, p -> freeAddress());
        final List<String> args = new ArrayList<>(etcdFlags());
        args.addAll(List.of(
                "--id",
                id,
                "--etcd-prefix",
                prefix,
                "--listen",
                login.toString(),
                "--internal-listen",
                "127.0.0.1:" + port,
                "--metrics-listen",
                "127.0.0.1:0"));
        // Short leases keep the failover tests short; a test may set its own.
        final List<String> extra = List.of(extraArgs);
        for (final Map.Entry<String, String> flag : Map.of(
                        "--node-lease-ttl",
                        "2",
                        "--heartbeat-interval",
                        "200",
                        "--leader-lease-ttl",
                        "2",
                        // Its first etcd call loads jetcd's classes: on a busy machine that alone can take seconds.
                        "--etcd-timeout",
                        "10000")
                .entrySet()) {
            if (!extra.contains(flag.getKey())) {
                args.addAll(List.of(flag.getKey(), flag.getValue()));
            }
        }
        args.addAll(extra);
        if (!plaintext(args)) {
            args.addAll(tlsArgs(certificate(Role.CONTROLPLANE, id)));
        }
        final JavaProcess.Builder builder =
                JavaProcess.builder(CONTROLPLANE).name(id).jvmArgs(jvmArgs).args(args);
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

    /**
     * A node that saves its characters at {@code jdbcUrl} (null: a node without a database; else a
     * PostgreSQL of {@link StoreTls}, over verified TLS), with more arguments.
     */
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
        if (!args.contains("--client-pending-per-ip")) {
            // Bots and test clients connect from one address, all at once when a map moves: lift the port's limits.
            args.addAll(List.of("--client-pending-per-ip", "1000000", "--client-accepts-per-second", "1000000"));
        }
        if (!plaintext(args) && !args.contains("--tls-cert")) {
            args.addAll(tlsArgs(certificate(Role.NODE, nodeId)));
        }
        final JavaProcess.Builder builder =
                JavaProcess.builder(DATAPLANE).name(nodeId).jvmArgs(jvmArgs);
        if (jdbcUrl != null) {
            args.addAll(List.of("--db-url", jdbcUrl));
        }
        // Without a --db-url, a user given is that of the realm databases its arguments name (--realm-db).
        if (jdbcUrl != null || user != null) {
            args.addAll(List.of("--db-ca", StoreTls.databaseCa().toString()));
            builder.env("REALM_DB_USER", user).env("REALM_DB_PASSWORD", password);
        }
        final JavaProcess process = track(builder.args(args).start());
        process.awaitOutput("node " + nodeId + " serving gRPC on", START_DEADLINE);
        return process;
    }

    /**
     * Any binary with any arguments, e.g. to check how it fails; a control plane or a node gets its
     * certificate (named by {@code --id} or {@code --node-id}, else {@code name}), realmctl the
     * operator's, unless the arguments name TLS files or {@code --insecure-plaintext}.
     */
    JavaProcess run(final String mainClass, final String name, final String... args) {
        return run(mainClass, name, Map.of(), args);
    }

    /** Any binary with extra environment and any arguments; a node with the tests' token public key. */
    JavaProcess run(final String mainClass, final String name, final Map<String, String> env, final String... args) {
        final List<String> all = new ArrayList<>(List.of(args));
        if (mainClass.equals(DATAPLANE)) {
            all.addAll(0, List.of("--token-public-keys", tokenPublicKeyFile().toString()));
        }
        if ((mainClass.equals(CONTROLPLANE) || mainClass.equals(DATAPLANE))
                && !plaintext(all)
                && !all.contains("--tls-cert")) {
            final boolean node = mainClass.equals(DATAPLANE);
            final int id = all.indexOf(node ? "--node-id" : "--id");
            final String holder = id >= 0 && id + 1 < all.size() ? all.get(id + 1) : name;
            if (node && id < 0) {
                // A node's certificate names its id: give it the one its certificate names.
                all.addAll(List.of("--node-id", holder));
            }
            all.addAll(tlsArgs(certificate(node ? Role.NODE : Role.CONTROLPLANE, holder)));
        }
        if (mainClass.equals(REALMCTL) && !plaintext(all) && !all.contains("--tls-cert")) {
            all.addAll(0, tlsArgs(operator()));
        }
        return runExactly(mainClass, name, env, all);
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

    private JavaProcess.Builder realmctlBuilder(final HostPort controlPlane, final String... args) {
        final List<String> all = new ArrayList<>(List.of("--controlplane", controlPlane.toString()));
        all.addAll(tlsArgs(operator()));
        all.addAll(List.of(args));
        return JavaProcess.builder(REALMCTL).name("realmctl-" + args[0]).args(all);
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
        for (final AutoCloseable resource : tls) {
            try {
                resource.close();
            } catch (final Exception e) {
                // A reload thread: nothing to fail.
            }
        }
        try (var files = Files.walk(pkiDirectory)) {
            for (final Path file : files.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(file);
            }
        } catch (final IOException e) {
            // A temporary directory: the machine's cleanup takes it.
        }
    }
}
