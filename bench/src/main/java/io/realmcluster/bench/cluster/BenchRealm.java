package io.realmcluster.bench.cluster;

import io.realmcluster.common.auth.TokenKeyFiles;
import io.realmcluster.common.net.HostPort;
import io.realmcluster.common.tls.Pki;
import io.realmcluster.common.tls.Role;
import io.realmcluster.common.tls.TlsFiles;
import io.realmcluster.processes.EtcdProcess;
import io.realmcluster.processes.FreePorts;
import io.realmcluster.processes.JavaProcess;
import io.realmcluster.processes.PostgresProcess;
import io.realmcluster.proto.v1.InstanceState;
import io.realmcluster.tools.realmctl.AdminClient;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A realm for the benchmarks that run bots: etcd and PostgreSQL (over TLS, see {@link StoreTls}),
 * one control plane that lets bots register, and the nodes a benchmark starts, all real processes on this machine. Closing it stops
 * them all, nodes first.
 */
public final class BenchRealm implements AutoCloseable {
    private static final Pattern METRICS = Pattern.compile("metrics on http://(\\S+)/metrics");
    /** The token keys of this JVM's benchmarks: the control plane signs with token.key, nodes verify with token.pub. */
    private static final Path TOKEN_KEYS = TokenKeyFiles.generateTemporary("bench-token-keys");

    private static final Duration START_DEADLINE = Duration.ofSeconds(60);

    private final EtcdProcess etcd;
    private final PostgresProcess postgres;
    private final JavaProcess controlPlane;
    private final HostPort address;
    private final HostPort internal;
    private final AdminClient admin;
    private final List<AutoCloseable> nodes = new ArrayList<>();
    /** The realm's CA when it speaks TLS, null in plaintext. */
    private final Pki pki;

    private BenchRealm(
            final EtcdProcess etcd,
            final PostgresProcess postgres,
            final JavaProcess controlPlane,
            final HostPort address,
            final HostPort internal,
            final Pki pki) {
        this.etcd = etcd;
        this.postgres = postgres;
        this.controlPlane = controlPlane;
        this.address = address;
        this.internal = internal;
        this.pki = pki;
        this.admin = new AdminClient(
                List.of(internal), 5_000, pki == null ? null : issue(pki, Role.OPERATOR, "bench-operator"));
    }

    /**
     * Start etcd, PostgreSQL and a control plane with {@code extraArgs}, in plaintext (the
     * benchmarks of the realm's own work); returns once it serves gRPC.
     */
    public static BenchRealm start(final String... extraArgs) {
        return start(false, extraArgs);
    }

    /**
     * The same, with {@code tls}: as a realm runs by default, every process with its certificate of a
     * CA made for the run (mutual TLS between control plane, nodes and the operator's client; Login
     * and the nodes' game clients over TLS, see {@link #tlsCa}).
     */
    public static BenchRealm start(final boolean tls, final String... extraArgs) {
        final StoreTls stores = StoreTls.make();
        final EtcdProcess etcd = stores.startEtcd();
        PostgresProcess postgres = null;
        JavaProcess controlPlane = null;
        try {
            final Pki pki = tls ? newPki() : null;
            postgres = stores.startPostgres();
            final HostPort address = HostPort.parse("127.0.0.1:" + FreePorts.find());
            final HostPort internal = HostPort.parse("127.0.0.1:" + FreePorts.find());
            final List<String> args = new ArrayList<>(stores.etcdFlags(etcd));
            args.addAll(StoreTls.databaseFlags(postgres));
            args.addAll(pki == null ? List.of("--insecure-plaintext") : tlsArgs(pki, Role.CONTROLPLANE, "bench-cp"));
            args.addAll(List.of(
                    "--listen",
                    address.toString(),
                    "--internal-listen",
                    internal.toString(),
                    "--metrics-listen",
                    "127.0.0.1:0",
                    "--allow-registration",
                    "--token-key-file",
                    TOKEN_KEYS.resolve(TokenKeyFiles.PRIVATE_KEY).toString(),
                    // The bots log in and register from one address.
                    "--login-rate-per-ip",
                    "1000000",
                    "--registrations-per-ip",
                    "1000000"));
            if (!List.of(extraArgs).contains("--password-iterations")) {
                // Thousands of bots register at once: a cheap hash unless a benchmark measures the real one.
                args.addAll(List.of("--password-iterations", "1000"));
            }
            args.addAll(List.of(extraArgs));
            controlPlane = JavaProcess.builder("io.realmcluster.controlplane.ControlPlaneMain")
                    .name("bench-cp")
                    .env("REALM_DB_USER", postgres.user())
                    .env("REALM_DB_PASSWORD", postgres.password())
                    .args(args)
                    .start();
            controlPlane.awaitOutput("serving gRPC", START_DEADLINE);
            return new BenchRealm(etcd, postgres, controlPlane, address, internal, pki);
        } catch (final RuntimeException e) {
            closeQuietly(controlPlane, e);
            closeQuietly(postgres, e);
            closeQuietly(etcd, e);
            throw e;
        }
    }

    /** The public token key every benchmark's node takes ({@code --token-public-keys}). */
    public static Path tokenPublicKey() {
        return TOKEN_KEYS.resolve(TokenKeyFiles.PUBLIC_KEY);
    }

    /** The control plane's public gRPC address, for bots (Login). */
    public HostPort controlPlane() {
        return address;
    }

    public AdminClient admin() {
        return admin;
    }

    /**
     * Start a node of the continent pool with room for {@code capacity} players and {@code extraArgs},
     * with its certificate when the realm speaks TLS; returns once it registered, with the address of
     * its metrics.
     */
    public Node node(final String id, final int capacity, final String... extraArgs) {
        final List<String> args = new ArrayList<>(List.of(
                "--node-id",
                id,
                "--controlplane",
                internal.toString(),
                "--listen",
                "127.0.0.1:0",
                "--client-listen",
                "127.0.0.1:0",
                "--metrics-listen",
                "127.0.0.1:0",
                "--pools",
                "continent",
                "--capacity",
                Integer.toString(capacity),
                "--token-public-keys",
                tokenPublicKey().toString(),
                // Thousands of bots connect from one address, and all at once when a continent moves.
                "--client-pending-per-ip",
                "1000000",
                "--client-pending-total",
                "1000000",
                "--client-accepts-per-second",
                "1000000"));
        args.addAll(StoreTls.databaseFlags(postgres));
        args.addAll(pki == null ? List.of("--insecure-plaintext") : tlsArgs(pki, Role.NODE, id));
        args.addAll(List.of(extraArgs));
        final JavaProcess process = JavaProcess.builder("io.realmcluster.dataplane.NodeMain")
                .name(id)
                .env("REALM_DB_USER", postgres.user())
                .env("REALM_DB_PASSWORD", postgres.password())
                .args(args)
                .start();
        nodes.add(process);
        final Matcher metrics = METRICS.matcher(process.awaitOutput(METRICS, START_DEADLINE));
        if (!metrics.find()) {
            throw new IllegalStateException("node " + id + " did not log its metrics address");
        }
        process.awaitOutput("registered with control plane", START_DEADLINE);
        return new Node(id, process, metrics.group(1));
    }

    /** The control plane's process id. */
    public long controlPlanePid() {
        return controlPlane.pid();
    }

    /** CPU time process {@code pid} has used so far (ns), as the operating system counts it. */
    public static long cpuNanos(final long pid) {
        return ProcessHandle.of(pid)
                .flatMap(process -> process.info().totalCpuDuration())
                .orElseThrow(() -> new IllegalStateException("no CPU time for process " + pid))
                .toNanos();
    }

    /**
     * CPU time of process {@code pid}'s threads so far (ns, at the kernel's 10 ms resolution), summed by
     * what the thread is: its name up to the first digit or dash-digit (e.g. {@code login-hashing},
     * {@code grpc-public-io}, {@code C2 CompilerThread}); empty where /proc is not there.
     */
    public static Map<String, Long> cpuNanosByThread(final long pid) {
        final Map<String, Long> byKind = new TreeMap<>();
        final Path tasks = Path.of("/proc", Long.toString(pid), "task");
        try (DirectoryStream<Path> threads = Files.newDirectoryStream(tasks)) {
            for (final Path thread : threads) {
                final String stat;
                try {
                    stat = Files.readString(thread.resolve("stat"));
                } catch (final IOException e) {
                    continue; // the thread ended
                }
                final int open = stat.indexOf('(');
                final int close = stat.lastIndexOf(')');
                final String[] fields = stat.substring(close + 2).split(" ");
                // utime and stime are fields 14 and 15 of the line, 12 and 13 after the name.
                final long ticks = Long.parseLong(fields[11]) + Long.parseLong(fields[12]);
                final String kind = stat.substring(open + 1, close).replaceAll("[-#]?[0-9].*$", "");
                byKind.merge(kind, ticks * 10_000_000L, Long::sum);
            }
        } catch (final IOException e) {
            return Map.of();
        }
        return byKind;
    }

    /** The realm's CA certificate, which bots trust for Login and the nodes; null when it runs in plaintext. */
    public Path tlsCa() {
        return pki == null ? null : pki.caCertificate();
    }

    private static Pki newPki() {
        try {
            final Pki pki = Pki.at(Files.createTempDirectory("bench-realm-pki"));
            pki.init("bench", Pki.CA_VALIDITY);
            return pki;
        } catch (final IOException e) {
            throw new UncheckedIOException("cannot make the bench realm's CA: " + e.getMessage(), e);
        }
    }

    /** {@code name}'s certificate for 127.0.0.1 in {@code role}, made now. */
    private static TlsFiles issue(final Pki pki, final Role role, final String name) {
        try {
            return pki.issue(role, name, List.of("127.0.0.1", "localhost"), Pki.VALIDITY);
        } catch (final IOException e) {
            throw new UncheckedIOException("cannot issue " + name + "'s certificate: " + e.getMessage(), e);
        }
    }

    private static List<String> tlsArgs(final Pki pki, final Role role, final String name) {
        final TlsFiles files = issue(pki, role, name);
        return List.of(
                "--tls-ca",
                files.ca().toString(),
                "--tls-cert",
                files.certificate().toString(),
                "--tls-key",
                files.privateKey().toString());
    }

    /** Wait until {@code node} runs {@code count} active map instances. */
    public void awaitActive(final String node, final int count) {
        await(
                "node " + node + " to run " + count + " active map instances",
                START_DEADLINE,
                () -> admin.listMapInstances(node).getInstancesList().stream()
                                .filter(i -> i.getState() == InstanceState.INSTANCE_STATE_ACTIVE)
                                .count()
                        >= count);
    }

    /** Poll {@code condition} every 10 ms until it holds; fail after {@code deadline}. */
    public static void await(final String what, final Duration deadline, final BooleanSupplier condition) {
        final long end = System.nanoTime() + deadline.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() - end > 0) {
                throw new IllegalStateException(
                        "gave up waiting for " + what + " after " + deadline.toSeconds() + " s");
            }
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(10));
        }
    }

    @Override
    public void close() {
        final RuntimeException failure = new RuntimeException("closing the bench realm");
        closeQuietly(admin, failure);
        for (int i = nodes.size() - 1; i >= 0; i--) {
            closeQuietly(nodes.get(i), failure);
        }
        closeQuietly(controlPlane, failure);
        closeQuietly(postgres, failure);
        closeQuietly(etcd, failure);
        if (failure.getSuppressed().length > 0) {
            throw failure;
        }
    }

    private static void closeQuietly(final AutoCloseable closeable, final Throwable into) {
        if (closeable == null) {
            return;
        }
        try {
            closeable.close();
        } catch (final Exception e) {
            into.addSuppressed(e);
        }
    }

    /** A node process and where its metrics are ({@code host:port}). */
    public record Node(String id, JavaProcess process, String metrics) {}
}
