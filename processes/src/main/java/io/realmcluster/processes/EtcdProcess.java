package io.realmcluster.processes;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A real single-member etcd on free loopback ports with a fresh data directory and fast raft timers,
 * healthy when {@link #start()} returns; or, with {@link Builder#member}, one member of a new cluster of
 * several, started together by {@link #startCluster}. With {@link Builder#tls}, clients speak TLS and must
 * present a certificate of the given CA ({@code --client-cert-auth}); its health is then read from a
 * plaintext loopback-only metrics listener, as kubeadm runs etcd.
 */
public final class EtcdProcess implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(EtcdProcess.class);

    private static final String BINARY = "etcd";
    private static final Duration HEALTHY_DEADLINE = Duration.ofSeconds(10);
    /** A new cluster's members must first find each other and elect a leader, on a machine they share. */
    private static final Duration CLUSTER_HEALTHY_DEADLINE = Duration.ofSeconds(30);
    /** The one member's name when etcd runs alone. */
    private static final String SINGLE_MEMBER = "n1";

    private static final Duration STOP_DEADLINE = Duration.ofSeconds(5);
    private static final Duration PROBE_TIMEOUT = Duration.ofMillis(500);
    private static final long PROBE_PAUSE_NANOS = TimeUnit.MILLISECONDS.toNanos(10);

    // HTTP/1.1: the JDK client would otherwise offer an h2c upgrade on every probe.
    private static final HttpClient HTTP = HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(PROBE_TIMEOUT)
            .build();

    private final Path binary;
    private final Path root;
    private final int clientPort;
    private final int peerPort;
    private final boolean keepData;
    /** Whether etcd runs in a session of its own, stopped only by its caller. */
    private final boolean ownSession;
    /** How much history etcd keeps before compacting it (e.g. "1h"), or null to keep it all. */
    private final String compactionRetention;
    /** Null for plaintext clients. */
    private final Tls tls;
    /** /health and /metrics in plaintext on loopback, when clients need a certificate or asked for; 0 otherwise. */
    private final int metricsPort;
    /** This member's name, and every member's name and peer port (its own included), in order. */
    private final String name;

    private final Map<String, Integer> peerPorts;
    /** {@code --initial-cluster-token} of a cluster of several members; null when etcd runs alone. */
    private final String clusterToken;

    private final Thread shutdownHook = new Thread(this::stop, "etcd-process-shutdown");
    private volatile Process process;
    private volatile boolean stopped;

    private EtcdProcess(
            final Path binary,
            final Path root,
            final int clientPort,
            final int peerPort,
            final boolean keepData,
            final boolean ownSession,
            final String compactionRetention,
            final Tls tls,
            final int metricsPort,
            final String name,
            final Map<String, Integer> peerPorts,
            final String clusterToken) {
        this.binary = binary;
        this.root = root;
        this.clientPort = clientPort;
        this.peerPort = peerPort;
        this.keepData = keepData;
        this.ownSession = ownSession;
        this.compactionRetention = compactionRetention;
        this.tls = tls;
        this.metricsPort = metricsPort;
        this.name = name;
        this.peerPorts = peerPorts;
        this.clusterToken = clusterToken;
    }

    /** Start etcd on free ports with throw-away data and wait until it reports healthy. */
    public static EtcdProcess start() {
        return builder().start();
    }

    /** Fixed ports or a kept directory, as the local cluster needs; defaults are those of {@link #start()}. */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * Start every member of a new cluster (each a {@link Builder#member}), then wait until each is healthy: a
     * member is healthy only once a quorum of them runs, so none is waited for before all are started. Stops
     * those started when one fails.
     */
    public static List<EtcdProcess> startCluster(final List<Builder> members) {
        final List<EtcdProcess> started = new ArrayList<>();
        try {
            for (final Builder member : members) {
                if (member.clusterToken == null) {
                    throw new IllegalArgumentException("startCluster starts members; give each one Builder.member");
                }
                final EtcdProcess etcd = create(member);
                started.add(etcd);
                etcd.launch();
            }
            final long startNanos = System.nanoTime();
            for (final EtcdProcess etcd : started) {
                etcd.awaitHealthy(startNanos);
            }
        } catch (final RuntimeException e) {
            started.forEach(EtcdProcess::stop);
            throw e;
        }
        return List.copyOf(started);
    }

    private static EtcdProcess start(final Builder settings) {
        final EtcdProcess etcd = create(settings);
        try {
            final long startNanos = System.nanoTime();
            etcd.launch();
            etcd.awaitHealthy(startNanos);
        } catch (final RuntimeException e) {
            etcd.stop();
            throw e;
        }
        return etcd;
    }

    /** The etcd {@code settings} describe, its ports and directory chosen, not started yet. */
    static EtcdProcess create(final Builder settings) {
        final Path binary =
                findBinary(Optional.ofNullable(System.getenv("PATH")).orElse(""));
        final int[] ports = FreePorts.find(3);
        final Path root;
        if (settings.directory != null) {
            try {
                root = Files.createDirectories(settings.directory);
            } catch (final IOException e) {
                throw new UncheckedIOException("cannot create etcd directory " + settings.directory, e);
            }
        } else {
            root = Scratch.createDirectory(Scratch.ETCD);
        }
        final int peerPort;
        if (settings.clusterToken != null) {
            peerPort = settings.peerPorts.get(settings.name);
        } else {
            peerPort = settings.peerPort != 0 ? settings.peerPort : ports[1];
        }
        final int metricsPort;
        if (settings.metricsPort != 0) {
            metricsPort = settings.metricsPort;
        } else {
            metricsPort = settings.tls == null ? 0 : ports[2];
        }
        final EtcdProcess etcd = new EtcdProcess(
                binary,
                root,
                settings.clientPort != 0 ? settings.clientPort : ports[0],
                peerPort,
                settings.directory != null && settings.keepData,
                // Stopped by its caller, after the caller's clients: a Ctrl-C in the terminal must not stop it first.
                !settings.stopOnJvmExit,
                settings.compactionRetention,
                settings.tls,
                metricsPort,
                settings.name,
                settings.peerPorts.isEmpty() ? Map.of(settings.name, peerPort) : settings.peerPorts,
                settings.clusterToken);
        if (settings.stopOnJvmExit) {
            Runtime.getRuntime().addShutdownHook(etcd.shutdownHook);
        }
        return etcd;
    }

    /** Client URL, e.g. {@code http://127.0.0.1:2379}, or {@code https://} with TLS. */
    public String endpoint() {
        return (tls != null ? "https" : "http") + "://127.0.0.1:" + clientPort;
    }

    /** True when clients speak TLS and present a certificate of the CA etcd was given. */
    public boolean tls() {
        return tls != null;
    }

    /** Where {@code GET /health} answers without a client certificate. */
    public String healthUrl() {
        return (metricsPort != 0 ? "http://127.0.0.1:" + metricsPort : endpoint()) + "/health";
    }

    public int clientPort() {
        return clientPort;
    }

    public int peerPort() {
        return peerPort;
    }

    /** The member's {@code --name}: n1 when etcd runs alone. */
    public String name() {
        return name;
    }

    /** etcd's {@code --data-dir}. */
    public Path dataDirectory() {
        return root.resolve("data");
    }

    /** etcd's own output, appended to across restarts. */
    public Path logFile() {
        return root.resolve("etcd.log");
    }

    public boolean isAlive() {
        final Process current = process;
        return current != null && current.isAlive();
    }

    /** The pid of the etcd that runs or ran last, as a supervisor writes it to a pid file. */
    public long pid() {
        final Process current = process;
        if (current == null) {
            throw new IllegalStateException("etcd at " + endpoint() + " was never started");
        }
        return current.pid();
    }

    /** The exit code of the etcd that ran last (137 after a SIGKILL); fails while it runs. */
    public int exitValue() {
        final Process current = process;
        if (current == null) {
            throw new IllegalStateException("etcd at " + endpoint() + " was never started");
        }
        return current.exitValue();
    }

    /** SIGKILL, as a crash would; the data directory stays for {@link #restart()}. */
    public void kill() {
        final Process current = process;
        if (current != null) {
            current.destroyForcibly();
            awaitExit(current, STOP_DEADLINE);
        }
    }

    /** Stop etcd if it runs, start it again on the same ports and data, and wait until healthy. */
    public void restart() {
        final long startNanos = System.nanoTime();
        restartWithoutWaiting();
        awaitHealthy(startNanos);
    }

    /**
     * Stop etcd if it runs and start it again on the same ports and data, returning once the process is
     * started: a member of a cluster whose other members are down cannot be healthy alone, and a supervisor
     * waiting for its health would hold back the restarts of the members it needs. Ask {@link #healthy()}.
     * A member started on kept data rejoins its cluster (etcd ignores the initial-cluster flags then).
     */
    public void restartWithoutWaiting() {
        if (stopped) {
            throw new IllegalStateException("etcd at " + endpoint() + " was stopped and its data deleted");
        }
        terminate();
        launch();
    }

    /** Whether {@code GET /health} says healthy now (a member: it has a leader and a quorum answers). */
    public boolean healthy() {
        return isAlive() && probeHealth() == null;
    }

    /** SIGTERM, SIGKILL if it does not exit within a few seconds, then delete the data unless kept. */
    public synchronized void stop() {
        if (stopped) {
            return;
        }
        stopped = true;
        terminate();
        if (!keepData) {
            Scratch.delete(root);
        }
        try {
            Runtime.getRuntime().removeShutdownHook(shutdownHook);
        } catch (final IllegalStateException shuttingDown) {
            // The hook is running or about to; it finds the process gone.
        }
    }

    @Override
    public void close() {
        stop();
    }

    @Override
    public String toString() {
        return "etcd[" + endpoint() + ", " + root + "]";
    }

    /** Start the process, without waiting for its health. */
    private void launch() {
        final ProcessBuilder builder = new ProcessBuilder(command())
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(logFile().toFile()));
        // ETCD_* variables are read as flags and would override or conflict with ours.
        builder.environment().keySet().removeIf(variable -> variable.startsWith("ETCD_"));
        try {
            process = builder.start();
        } catch (final IOException e) {
            throw new UncheckedIOException("cannot start " + binary, e);
        }
    }

    /** etcd's command line. */
    List<String> command() {
        final String client = endpoint();
        final String peer = peerUrl(peerPort);
        final List<String> command = new ArrayList<>(List.of(
                binary.toString(),
                "--name",
                name,
                "--data-dir",
                dataDirectory().toString(),
                "--listen-client-urls",
                client,
                "--advertise-client-urls",
                client,
                "--listen-peer-urls",
                peer,
                "--initial-advertise-peer-urls",
                peer,
                "--initial-cluster",
                peerPorts.entrySet().stream()
                        .map(member -> member.getKey() + "=" + peerUrl(member.getValue()))
                        .collect(Collectors.joining(","))));
        if (clusterToken == null) {
            // Alone, etcd fsyncs for nobody but itself: timers ten times faster than etcd's defaults.
            command.addAll(List.of("--heartbeat-interval", "10", "--election-timeout", "100"));
        } else {
            // etcd's defaults: members that share a busy machine, each fsyncing, answer late now and then;
            // faster timers would take that for a dead leader and hold elections for nothing.
            command.addAll(List.of(
                    "--heartbeat-interval",
                    "100",
                    "--election-timeout",
                    "1000",
                    "--initial-cluster-state",
                    "new",
                    "--initial-cluster-token",
                    clusterToken));
        }
        command.addAll(List.of("--logger", "zap"));
        if (compactionRetention != null) {
            // Every write leaves a revision behind; without compaction the history grows until the quota is hit.
            command.addAll(
                    List.of("--auto-compaction-mode", "periodic", "--auto-compaction-retention", compactionRetention));
        }
        if (tls != null) {
            // The peer URLs stay plaintext: members talk to each other on loopback only, where no one else listens
            // in; clients, who may be anywhere in a real deployment, speak TLS.
            command.addAll(List.of(
                    "--cert-file",
                    tls.certificate().toString(),
                    "--key-file",
                    tls.privateKey().toString(),
                    "--trusted-ca-file",
                    tls.ca().toString(),
                    "--client-cert-auth",
                    // The JSON gateway dials etcd's own client port with the server certificate, which
                    // --client-cert-auth refuses (no clientAuth usage); the realm speaks gRPC only.
                    "--enable-grpc-gateway=false"));
        }
        if (metricsPort != 0) {
            command.addAll(List.of("--listen-metrics-urls", "http://127.0.0.1:" + metricsPort));
        }
        return ownSession ? Executables.inOwnSession(command) : command;
    }

    private static String peerUrl(final int port) {
        return "http://127.0.0.1:" + port;
    }

    /** Wait until healthy, at most the deadline from {@code startNanos}; fails if etcd exits meanwhile. */
    private void awaitHealthy(final long startNanos) {
        final Duration deadline = clusterToken == null ? HEALTHY_DEADLINE : CLUSTER_HEALTHY_DEADLINE;
        final long end = startNanos + deadline.toNanos();
        String lastAnswer = "no answer yet";
        while (System.nanoTime() - end < 0) {
            if (!process.isAlive()) {
                throw failure("etcd exited with code " + process.exitValue() + " before it was healthy");
            }
            lastAnswer = probeHealth();
            if (lastAnswer == null) {
                LOG.info(
                        "etcd {} healthy at {} in {} ms (pid {})",
                        name,
                        endpoint(),
                        TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startNanos),
                        process.pid());
                return;
            }
            if (Thread.currentThread().isInterrupted()) {
                throw failure("interrupted while waiting for etcd to become healthy");
            }
            LockSupport.parkNanos(PROBE_PAUSE_NANOS);
        }
        throw failure("etcd not healthy within " + deadline.toMillis() + " ms; last /health: " + lastAnswer);
    }

    /** One {@code GET /health}: null when healthy, what it answered otherwise. */
    private String probeHealth() {
        final HttpRequest request = HttpRequest.newBuilder(URI.create(healthUrl()))
                .timeout(PROBE_TIMEOUT)
                .GET()
                .build();
        try {
            final HttpResponse<String> response = HTTP.send(request, HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() == 200 && response.body().replace(" ", "").contains("\"health\":\"true\"")) {
                return null;
            }
            return "HTTP " + response.statusCode() + " " + response.body().strip();
        } catch (final IOException e) {
            return e.toString();
        } catch (final InterruptedException e) {
            Thread.currentThread().interrupt();
            return "interrupted";
        }
    }

    private IllegalStateException failure(final String message) {
        return new IllegalStateException(
                message + " (" + this + ")\n--- " + logFile() + " ---\n" + Directories.tail(logFile()));
    }

    private void terminate() {
        final Process current = process;
        if (current == null || !current.isAlive()) {
            return;
        }
        current.destroy();
        if (!awaitExit(current, STOP_DEADLINE)) {
            current.destroyForcibly();
            awaitExit(current, STOP_DEADLINE);
        }
    }

    private static boolean awaitExit(final Process process, final Duration deadline) {
        try {
            return process.waitFor(deadline.toMillis(), TimeUnit.MILLISECONDS);
        } catch (final InterruptedException e) {
            Thread.currentThread().interrupt();
            return !process.isAlive();
        }
    }

    static Path findBinary(final String path) {
        return Executables.onPath(BINARY, path)
                .orElseThrow(() -> new IllegalStateException("etcd is not on PATH (" + path + "). Install it with "
                        + "`apt-get update && apt-get install -y etcd-server` (Debian/Ubuntu, gives etcd 3.4), "
                        + "or put an etcd 3.4+ binary on PATH."));
    }

    /** The CA whose certificates clients must present, and etcd's own server certificate and key (PEM). */
    private record Tls(Path ca, Path certificate, Path privateKey) {}

    /** Settings of an etcd to start: ports (0 for free ones) and a directory for data and log. */
    public static final class Builder {
        private Tls tls;
        private int clientPort;
        private int peerPort;
        private Path directory;
        private boolean keepData;
        private boolean stopOnJvmExit = true;
        private String compactionRetention;
        private int metricsPort;
        private String name = SINGLE_MEMBER;
        private Map<String, Integer> peerPorts = Map.of();
        private String clusterToken;

        private Builder() {}

        /**
         * Start as member {@code name} of a new cluster whose members (this one included) listen for their peers
         * on {@code peerPorts} of 127.0.0.1, in plaintext; {@code token} tells this cluster from another one on
         * the same ports. Its peer port is its entry's, whatever {@link #peerPort} says. Start the members together with {@link #startCluster}.
         */
        public Builder member(final String name, final Map<String, Integer> peerPorts, final String token) {
            if (!peerPorts.containsKey(name)) {
                throw new IllegalArgumentException(
                        "etcd member " + name + " is not among the cluster's members " + peerPorts.keySet());
            }
            if (peerPorts.size() < 2) {
                throw new IllegalArgumentException("a cluster of etcd members needs two or more, got " + peerPorts);
            }
            this.name = name;
            this.peerPorts = new LinkedHashMap<>(peerPorts);
            this.clusterToken = token;
            return this;
        }

        /** Serve /health and /metrics in plaintext on this loopback port (default: a free one, with TLS only). */
        public Builder metricsPort(final int port) {
            this.metricsPort = port;
            return this;
        }

        /**
         * Compact history older than {@code retention} (etcd's duration, e.g. "1h"), as every long-running
         * etcd should: a realm writes heartbeats and assignments all day (default: no compaction).
         */
        public Builder autoCompaction(final String retention) {
            this.compactionRetention = retention;
            return this;
        }

        /**
         * False when the caller stops etcd itself, in an order of its own (after its clients); etcd
         * then runs in a session of its own (through setsid, where there is one), out of reach of
         * the terminal's Ctrl-C.
         */
        public Builder stopOnJvmExit(final boolean stop) {
            this.stopOnJvmExit = stop;
            return this;
        }

        public Builder clientPort(final int port) {
            this.clientPort = port;
            return this;
        }

        public Builder peerPort(final int port) {
            this.peerPort = port;
            return this;
        }

        /** Where data and log live (default: a scratch directory deleted on stop). */
        public Builder dataDirectory(final Path directory) {
            this.directory = directory;
            return this;
        }

        /** Keep the directory on stop, so the next start finds the same data. */
        public Builder keepDataDirectory(final boolean keep) {
            this.keepData = keep;
            return this;
        }

        /**
         * Serve clients over TLS with {@code certificate} and {@code privateKey} (PEM, the key readable by
         * its owner only), and accept only clients presenting a certificate issued by {@code ca}.
         */
        public Builder tls(final Path ca, final Path certificate, final Path privateKey) {
            for (final Path file : List.of(ca, certificate, privateKey)) {
                if (!Files.isReadable(file)) {
                    throw new IllegalArgumentException("cannot read etcd's TLS file " + file);
                }
            }
            this.tls = new Tls(ca.toAbsolutePath(), certificate.toAbsolutePath(), privateKey.toAbsolutePath());
            return this;
        }

        public EtcdProcess start() {
            return EtcdProcess.start(this);
        }
    }
}
