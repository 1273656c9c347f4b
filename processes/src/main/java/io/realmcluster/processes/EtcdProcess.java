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
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A real single-member etcd on free loopback ports with a fresh data directory and fast raft timers,
 * healthy when {@link #start()} returns. With {@link Builder#tls}, clients speak TLS and must present a
 * certificate of the given CA ({@code --client-cert-auth}); its health is then read from a plaintext
 * loopback-only metrics listener, as kubeadm runs etcd.
 */
public final class EtcdProcess implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(EtcdProcess.class);

    private static final String BINARY = "etcd";
    private static final Duration HEALTHY_DEADLINE = Duration.ofSeconds(10);
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
    /** /health and /metrics in plaintext on loopback, when clients need a certificate; 0 otherwise. */
    private final int metricsPort;

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
            final int metricsPort) {
        this.binary = binary;
        this.root = root;
        this.clientPort = clientPort;
        this.peerPort = peerPort;
        this.keepData = keepData;
        this.ownSession = ownSession;
        this.compactionRetention = compactionRetention;
        this.tls = tls;
        this.metricsPort = metricsPort;
    }

    /** Start etcd on free ports with throw-away data and wait until it reports healthy. */
    public static EtcdProcess start() {
        return builder().start();
    }

    /** Fixed ports or a kept directory, as the local cluster needs; defaults are those of {@link #start()}. */
    public static Builder builder() {
        return new Builder();
    }

    private static EtcdProcess start(final Builder settings) {
        final Path binary =
                findBinary(Optional.ofNullable(System.getenv("PATH")).orElse(""));
        final int[] ports = FreePorts.find(settings.tls == null ? 2 : 3);
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
        final EtcdProcess etcd = new EtcdProcess(
                binary,
                root,
                settings.clientPort != 0 ? settings.clientPort : ports[0],
                settings.peerPort != 0 ? settings.peerPort : ports[1],
                settings.directory != null && settings.keepData,
                // Stopped by its caller, after the caller's clients: a Ctrl-C in the terminal must not stop it first.
                !settings.stopOnJvmExit,
                settings.compactionRetention,
                settings.tls,
                settings.tls == null ? 0 : ports[2]);
        if (settings.stopOnJvmExit) {
            Runtime.getRuntime().addShutdownHook(etcd.shutdownHook);
        }
        try {
            etcd.launch();
        } catch (final RuntimeException e) {
            etcd.stop();
            throw e;
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
        return (tls != null ? "http://127.0.0.1:" + metricsPort : endpoint()) + "/health";
    }

    public int clientPort() {
        return clientPort;
    }

    public int peerPort() {
        return peerPort;
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
        if (stopped) {
            throw new IllegalStateException("etcd at " + endpoint() + " was stopped and its data deleted");
        }
        terminate();
        launch();
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

    private void launch() {
        final long startNanos = System.nanoTime();
        final ProcessBuilder builder = new ProcessBuilder(command())
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(logFile().toFile()));
        // ETCD_* variables are read as flags and would override or conflict with ours.
        builder.environment().keySet().removeIf(name -> name.startsWith("ETCD_"));
        try {
            process = builder.start();
        } catch (final IOException e) {
            throw new UncheckedIOException("cannot start " + binary, e);
        }
        awaitHealthy(startNanos);
        LOG.info(
                "etcd healthy at {} in {} ms (pid {})",
                endpoint(),
                TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startNanos),
                process.pid());
    }

    private List<String> command() {
        final String client = endpoint();
        final String peer = "http://127.0.0.1:" + peerPort;
        final List<String> command = new ArrayList<>(List.of(
                binary.toString(),
                "--name",
                "n1",
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
                "n1=" + peer,
                "--heartbeat-interval",
                "10",
                "--election-timeout",
                "100",
                "--logger",
                "zap"));
        if (compactionRetention != null) {
            // Every write leaves a revision behind; without compaction the history grows until the quota is hit.
            command.addAll(
                    List.of("--auto-compaction-mode", "periodic", "--auto-compaction-retention", compactionRetention));
        }
        if (tls != null) {
            // The peer URL stays plaintext: one member, on loopback, has no peers to talk to.
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
                    "--enable-grpc-gateway=false",
                    "--listen-metrics-urls",
                    "http://127.0.0.1:" + metricsPort));
        }
        return ownSession ? Executables.inOwnSession(command) : command;
    }

    private void awaitHealthy(final long startNanos) {
        final HttpRequest request = HttpRequest.newBuilder(URI.create(healthUrl()))
                .timeout(PROBE_TIMEOUT)
                .GET()
                .build();
        final long deadline = startNanos + HEALTHY_DEADLINE.toNanos();
        String lastAnswer = "no answer yet";
        while (System.nanoTime() - deadline < 0) {
            if (!process.isAlive()) {
                throw failure("etcd exited with code " + process.exitValue() + " before it was healthy");
            }
            try {
                final HttpResponse<String> response = HTTP.send(request, HttpResponse.BodyHandlers.ofString());
                if (response.statusCode() == 200
                        && response.body().replace(" ", "").contains("\"health\":\"true\"")) {
                    return;
                }
                lastAnswer =
                        "HTTP " + response.statusCode() + " " + response.body().strip();
            } catch (final IOException e) {
                lastAnswer = e.toString();
            } catch (final InterruptedException e) {
                Thread.currentThread().interrupt();
                throw failure("interrupted while waiting for etcd to become healthy");
            }
            LockSupport.parkNanos(PROBE_PAUSE_NANOS);
        }
        throw failure("etcd not healthy within " + HEALTHY_DEADLINE.toMillis() + " ms; last /health: " + lastAnswer);
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

        private Builder() {}

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
