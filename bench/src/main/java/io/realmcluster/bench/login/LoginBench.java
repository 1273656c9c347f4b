package io.realmcluster.bench.login;

import io.grpc.ChannelCredentials;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthGrpc;
import io.netty.util.concurrent.DefaultThreadFactory;
import io.realmcluster.bench.Conditions;
import io.realmcluster.bench.cluster.BenchRealm;
import io.realmcluster.common.auth.PasswordHasher;
import io.realmcluster.common.grpc.Channels;
import io.realmcluster.common.grpc.GrpcTls;
import io.realmcluster.common.net.HostPort;
import io.realmcluster.proto.v1.LoginGrpc;
import io.realmcluster.proto.v1.LoginRequest;
import io.realmcluster.proto.v1.PlayerCreateCharacterRequest;
import io.realmcluster.proto.v1.RegisterAccountRequest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;
import java.util.stream.Collectors;
import org.HdrHistogram.ConcurrentHistogram;
import org.HdrHistogram.Histogram;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * Logins against a real control plane process as a realm runs by default (Login over TLS, the
 * password checked by PBKDF2 on the control plane's bounded hashing pool), with a node running the
 * continents so that every login is answered with a token. In turns in one run: logins over one
 * TLS connection (a client that stays connected) and logins each on a new TLS connection (a
 * player's login: a full handshake first); and, to isolate the handshake, a health check (no
 * password) over one connection against one on a new connection each. The control plane's CPU
 * time per call (read from the process) shows what a handshake costs it next to what a password
 * check costs.
 */
@Command(
        name = "logins",
        mixinStandardHelpOptions = true,
        description = "Logins a second through the bounded password pool, and the TLS handshake's cost per login.")
public final class LoginBench implements Callable<Integer> {
    private static final Duration CALL_DEADLINE = Duration.ofSeconds(30);
    /** A client refused RESOURCE_EXHAUSTED waits this long before it tries again. */
    private static final Duration BACKOFF = Duration.ofMillis(100);

    @Option(
            names = "--accounts",
            defaultValue = "64",
            description = "Accounts, a character each, that log in in turn (default: ${DEFAULT-VALUE}).")
    int accounts;

    @Option(
            names = "--iterations",
            defaultValue = "" + PasswordHasher.DEFAULT_ITERATIONS,
            description =
                    "PBKDF2 iterations of the accounts' passwords (default: the control plane's, ${DEFAULT-VALUE}).")
    int iterations;

    @Option(
            names = "--concurrency",
            defaultValue = "2,32",
            split = ",",
            description = "Clients calling at once, each as soon as its last call returned: one measurement per "
                    + "value (default: ${DEFAULT-VALUE}; the control plane hashes on a thread per core and queues "
                    + "4 per core, refusing the rest RESOURCE_EXHAUSTED).")
    List<Integer> concurrency;

    @Option(
            names = "--seconds",
            defaultValue = "15",
            description = "Seconds of each measurement (default: ${DEFAULT-VALUE}).")
    int seconds;

    @Option(
            names = "--warmup",
            defaultValue = "5",
            description = "Seconds of each mode before any is measured (default: ${DEFAULT-VALUE}).")
    int warmupSeconds;

    @Override
    public Integer call() throws Exception {
        System.out.println(Conditions.describe());
        try (BenchRealm realm = BenchRealm.start(true, "--password-iterations", Integer.toString(iterations))) {
            final BenchRealm.Node node = realm.node("bench-node", accounts);
            realm.awaitActive(node.id(), 2);
            final ChannelCredentials tls = GrpcTls.channel(GrpcTls.trusting(realm.tlsCa()));
            final HostPort login = realm.controlPlane();
            final ManagedChannel shared = Channels.forTargets(List.of(login), 30, tls);
            try {
                register(shared);
                final long hashNanos = onePasswordCheck();
                System.out.printf(
                        "scenario:   1 control plane (Login over TLS, ECDSA P-256, %d PBKDF2 iterations), 1 node running the "
                                + "continents, etcd and PostgreSQL over TLS, all on this machine; the clients in this JVM;%n"
                                + "            %d accounts logging in in turn; clients at once: %s; %d s warm-up of each mode, "
                                + "%d s measured each%n"
                                + "one password check in this JVM: %.1f ms, so at most %.1f logins a second on %d cores%n",
                        iterations,
                        accounts,
                        concurrency,
                        warmupSeconds,
                        seconds,
                        hashNanos / 1e6,
                        Runtime.getRuntime().availableProcessors() * 1e9 / hashNanos,
                        Runtime.getRuntime().availableProcessors());
                final List<Mode> modes = List.of(
                        new Mode("login, one connection", true, false, shared, login, tls),
                        new Mode("login, new connection each", true, true, shared, login, tls),
                        new Mode("health check, one connection", false, false, shared, login, tls),
                        new Mode("health check, new connection each", false, true, shared, login, tls));
                final int most =
                        concurrency.stream().mapToInt(Integer::intValue).max().orElse(1);
                for (final Mode mode : modes) {
                    mode.run(most, warmupSeconds, realm.controlPlanePid());
                }
                final List<Result> results = new ArrayList<>();
                for (final int clients : concurrency) {
                    for (final Mode mode : modes) {
                        results.add(mode.run(clients, seconds, realm.controlPlanePid()));
                    }
                }
                report(results);
            } finally {
                Channels.close(shared);
            }
        }
        return 0;
    }

    /** The accounts and their characters (not measured); registration is lifted for the bench's one address. */
    private void register(final ManagedChannel channel) {
        final LoginGrpc.LoginBlockingStub stub = LoginGrpc.newBlockingStub(channel);
        for (int i = 0; i < accounts; i++) {
            stub.withDeadlineAfter(CALL_DEADLINE.toSeconds(), TimeUnit.SECONDS)
                    .registerAccount(RegisterAccountRequest.newBuilder()
                            .setName(account(i))
                            .setPassword(password(i))
                            .build());
            stub.withDeadlineAfter(CALL_DEADLINE.toSeconds(), TimeUnit.SECONDS)
                    .createCharacter(PlayerCreateCharacterRequest.newBuilder()
                            .setAccount(account(i))
                            .setPassword(password(i))
                            .setName(character(i))
                            .setRace(1)
                            .setClass_(1)
                            .build());
        }
    }

    /** One PBKDF2 check at the accounts' iterations, timed here (after one to warm up): the floor of a login. */
    private long onePasswordCheck() {
        final PasswordHasher hasher = new PasswordHasher(iterations);
        final PasswordHasher.Hash hash = hasher.hash("warm-up");
        PasswordHasher.verify("warm-up", hash);
        final long started = System.nanoTime();
        PasswordHasher.verify("warm-up", hash);
        return System.nanoTime() - started;
    }

    private static String account(final int i) {
        return "loginbench" + i;
    }

    private static String password(final int i) {
        return "login-bench-password-" + i;
    }

    /** Letters only, as the realm's names must be. */
    private static String character(final int i) {
        return "Loginbench" + (char) ('a' + i / 26 % 26) + (char) ('a' + i % 26);
    }

    private void report(final List<Result> results) {
        System.out.println();
        System.out.println("calls a second that succeeded, their latency from call to answer (ms, a new connection's "
                + "connect and handshake included), calls refused RESOURCE_EXHAUSTED (the hashing pool full; the client "
                + "waits 100 ms) or failed otherwise, and the control plane's CPU time per successful call (ms)");
        System.out.printf(
                "%-36s %7s %9s %8s %8s %8s %9s %7s %9s%n",
                "mode", "clients", "calls/s", "p50", "p99", "max", "refused", "failed", "cp cpu ms");
        for (final Result each : results) {
            each.print();
        }
        System.out.println();
        System.out.println(
                "where the control plane's CPU went in each, by thread (ms per successful call; the largest)");
        for (final Result each : results) {
            each.printThreads();
        }
        System.out.println();
        for (final int clients : concurrency) {
            final Result reused = find(results, "login, one connection", clients);
            final Result fresh = find(results, "login, new connection each", clients);
            final Result healthReused = find(results, "health check, one connection", clients);
            final Result healthFresh = find(results, "health check, new connection each", clients);
            System.out.printf(
                    "at %d clients: a TLS handshake costs the control plane %.2f ms of CPU (health checks: new connection "
                            + "against one), a login %.2f ms (new connection against one); logins/s new/one connection "
                            + "%.2fx, login p50 %.2fx%n",
                    clients,
                    healthFresh.cpuMillisPerCall() - healthReused.cpuMillisPerCall(),
                    fresh.cpuMillisPerCall() - reused.cpuMillisPerCall(),
                    fresh.perSecond() / Math.max(1e-9, reused.perSecond()),
                    fresh.millis(50) / Math.max(1e-9, reused.millis(50)));
        }
        results.stream()
                .filter(r -> r.firstFailure() != null)
                .forEach(r -> System.out.println("first failure (" + r.mode() + "): " + r.firstFailure()));
    }

    private static Result find(final List<Result> results, final String mode, final int clients) {
        return results.stream()
                .filter(r -> r.mode().equals(mode) && r.clients() == clients)
                .findFirst()
                .orElseThrow();
    }

    /** A way of calling the control plane's public listener. */
    private final class Mode {
        private final String name;
        private final boolean login;
        private final boolean newConnection;
        private final ManagedChannel shared;
        private final HostPort address;
        private final ChannelCredentials tls;
        private final AtomicLong next = new AtomicLong();

        Mode(
                final String name,
                final boolean login,
                final boolean newConnection,
                final ManagedChannel shared,
                final HostPort address,
                final ChannelCredentials tls) {
            this.name = name;
            this.login = login;
            this.newConnection = newConnection;
            this.shared = shared;
            this.address = address;
            this.tls = tls;
        }

        /** {@code clients} threads calling one after the other for {@code runSeconds}, the CPU of process {@code pid} read around it. */
        Result run(final int clients, final int runSeconds, final long pid) throws InterruptedException {
            final Histogram latency = new ConcurrentHistogram(TimeUnit.MINUTES.toNanos(2), 3);
            final AtomicLong refused = new AtomicLong();
            final AtomicLong failed = new AtomicLong();
            final AtomicReference<Throwable> firstFailure = new AtomicReference<>();
            final long cpuBefore = BenchRealm.cpuNanos(pid);
            final Map<String, Long> threadsBefore = BenchRealm.cpuNanosByThread(pid);
            final long start = System.nanoTime();
            final long end = start + TimeUnit.SECONDS.toNanos(runSeconds);
            final ExecutorService threads =
                    Executors.newFixedThreadPool(clients, new DefaultThreadFactory("client", true));
            for (int t = 0; t < clients; t++) {
                threads.execute(() -> {
                    while (System.nanoTime() < end) {
                        final long started = System.nanoTime();
                        try {
                            call();
                            latency.recordValue(System.nanoTime() - started);
                        } catch (final StatusRuntimeException e) {
                            if (e.getStatus().getCode() == Status.Code.RESOURCE_EXHAUSTED) {
                                refused.incrementAndGet();
                                // As a client backs off when told the server is busy.
                                LockSupport.parkNanos(BACKOFF.toNanos());
                            } else {
                                failed.incrementAndGet();
                                firstFailure.compareAndSet(null, e);
                            }
                        }
                    }
                });
            }
            threads.shutdown();
            threads.awaitTermination(runSeconds + CALL_DEADLINE.toSeconds() + 10, TimeUnit.SECONDS);
            final double elapsed = (System.nanoTime() - start) / 1e9;
            final long cpu = BenchRealm.cpuNanos(pid) - cpuBefore;
            final Map<String, Long> byThread = new TreeMap<>();
            BenchRealm.cpuNanosByThread(pid).forEach((kind, nanos) -> {
                final long used = nanos - threadsBefore.getOrDefault(kind, 0L);
                if (used > 0) {
                    byThread.put(kind, used);
                }
            });
            return new Result(
                    name,
                    clients,
                    latency,
                    latency.getTotalCount() / elapsed,
                    refused.get(),
                    failed.get(),
                    cpu,
                    byThread,
                    firstFailure.get());
        }

        private void call() {
            final ManagedChannel channel = newConnection ? Channels.forTargets(List.of(address), 30, tls) : shared;
            try {
                if (login) {
                    final int i = (int) (next.getAndIncrement() % accounts);
                    LoginGrpc.newBlockingStub(channel)
                            .withDeadlineAfter(CALL_DEADLINE.toSeconds(), TimeUnit.SECONDS)
                            .login(LoginRequest.newBuilder()
                                    .setAccount(account(i))
                                    .setPassword(password(i))
                                    .setCharacter(character(i))
                                    .build());
                } else {
                    HealthGrpc.newBlockingStub(channel)
                            .withDeadlineAfter(CALL_DEADLINE.toSeconds(), TimeUnit.SECONDS)
                            .check(HealthCheckRequest.getDefaultInstance());
                }
            } finally {
                if (newConnection) {
                    channel.shutdownNow();
                }
            }
        }
    }

    /** One mode at one concurrency: successful calls' latency (ns), calls a second, refusals, the control plane's CPU (ns). */
    private record Result(
            String mode,
            int clients,
            Histogram latency,
            double perSecond,
            long refused,
            long failed,
            long cpuNanos,
            Map<String, Long> cpuByThread,
            Throwable firstFailure) {
        double millis(final double percentile) {
            return latency.getValueAtPercentile(percentile) / 1e6;
        }

        void printThreads() {
            final long calls = Math.max(1, latency.getTotalCount());
            System.out.printf(
                    "%-36s %7d  %s%n",
                    mode,
                    clients,
                    cpuByThread.entrySet().stream()
                            .sorted(Map.Entry.<String, Long>comparingByValue().reversed())
                            .limit(6)
                            .map(e -> String.format("%s %.2f", e.getKey(), e.getValue() / 1e6 / calls))
                            .collect(Collectors.joining(", ")));
        }

        double cpuMillisPerCall() {
            return cpuNanos / 1e6 / Math.max(1, latency.getTotalCount());
        }

        void print() {
            System.out.printf(
                    "%-36s %7d %9.1f %8.2f %8.2f %8.2f %9d %7d %9.2f%n",
                    mode,
                    clients,
                    perSecond,
                    millis(50),
                    millis(99),
                    latency.getMaxValue() / 1e6,
                    refused,
                    failed,
                    cpuMillisPerCall());
        }
    }
}
