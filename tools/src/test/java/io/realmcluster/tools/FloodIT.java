package io.realmcluster.tools;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.grpc.Attributes;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.netty.NettyChannelBuilder;
import io.grpc.stub.StreamObserver;
import io.realmcluster.common.grpc.GrpcTls;
import io.realmcluster.common.net.HostPort;
import io.realmcluster.processes.JavaProcess;
import io.realmcluster.proto.v1.LoginGrpc;
import io.realmcluster.proto.v1.LoginRequest;
import io.realmcluster.proto.v1.LoginResponse;
import io.realmcluster.proto.v1.NodeState;
import io.realmcluster.testkit.EtcdExtension;
import io.realmcluster.tools.bots.BotConfig;
import io.realmcluster.tools.bots.BotFleet;
import io.realmcluster.tools.bots.BotReport;
import io.realmcluster.tools.metrics.Scrape;
import io.realmcluster.tools.realmctl.AdminClient;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Floods played against real processes: a login flood from one address while players of another log in
 * and the node keeps its lease, and ten thousand connections that never say HELLO while players play
 * (and flood the chat, which is refused and counted). On Linux all of 127/8 is loopback: the attacker
 * is 127.0.0.3, the players 127.0.0.1.
 */
class FloodIT {
    @RegisterExtension
    static final EtcdExtension ETCD = StoreTls.etcd();

    @RegisterExtension
    final RealmExtension cluster = new RealmExtension(ETCD);

    private static final Duration DEADLINE = Duration.ofSeconds(60);
    private static final String ATTACKER = "127.0.0.3";
    private static final Pattern CLIENTS = Pattern.compile("game clients on (\\S+):(\\d+) \\(tcp");

    @Test
    void aThousandLoginsASecondFromOneAddressAreThrottledWhilePlayersLogInAndNoLeaseExpires() throws Exception {
        // Login's default limits: no lifting for this control plane (a longer etcd deadline: a busy test machine).
        final DatabaseRealm realm = cluster.start(List.of());
        realm.node("node-1", List.of());
        realm.awaitContinentsOn("node-1");
        final String controlPlaneMetrics = ItSupport.metricsAddress(realm.controlPlaneProcess());
        final long registeredAt;
        try (AdminClient admin = realm.admin(5_000)) {
            registeredAt = admin.getNode("node-1").getRegisteredAtUnixMs();
        }

        final ManagedChannel attacker =
                channelFrom(realm.login(), ATTACKER, realm.binaries().pki().caCertificate());
        final Map<Status.Code, LongAdder> answers = new ConcurrentHashMap<>();
        final int seconds = 3;
        final CountDownLatch answered = new CountDownLatch(1_000 * seconds);
        final BotFleet players = realm.bots(new BotConfig(
                List.of(realm.login()),
                4,
                Duration.ZERO,
                "main",
                ItSupport.prefix("Fl"),
                4,
                1,
                Duration.ofSeconds(10)));
        CompletableFuture<BotReport> report = null;
        try {
            final long started = System.nanoTime();
            for (int second = 0; second < seconds; second++) {
                if (second == 1) {
                    // The players come in while the flood goes on.
                    report = ItSupport.inBackground(players);
                }
                for (int burst = 0; burst < 10; burst++) {
                    for (int i = 0; i < 100; i++) {
                        LoginGrpc.newStub(attacker)
                                .withDeadlineAfter(10, TimeUnit.SECONDS)
                                .login(
                                        LoginRequest.newBuilder()
                                                .setAccount("victim" + (i % 7))
                                                .setPassword("guess-" + second + "-" + burst + "-" + i)
                                                .setCharacter("Victim")
                                                .build(),
                                        counting(answers, answered));
                    }
                    // Paced at a thousand a second: the next hundred leave 100 ms after this one.
                    final long next = started + TimeUnit.MILLISECONDS.toNanos(second * 1_000L + (burst + 1) * 100L);
                    TimeUnit.NANOSECONDS.sleep(Math.max(0, next - System.nanoTime()));
                }
            }
            assertThat(answered.await(DEADLINE.toSeconds(), TimeUnit.SECONDS)).isTrue();
            await().atMost(DEADLINE).until(() -> players.inWorld() == 4);
        } finally {
            players.stop();
            attacker.shutdownNow();
        }
        final BotReport seen = report.get(DEADLINE.toSeconds(), TimeUnit.SECONDS);
        assertThat(seen.loggedIn()).as(String.join("\n", seen.summaryLines())).isEqualTo(4);
        assertThat(seen.failures()).as("players' failures").isEmpty();
        final long refused = count(answers, Status.Code.RESOURCE_EXHAUSTED);
        final long checked = count(answers, Status.Code.UNAUTHENTICATED);
        final long transport =
                TRANSPORT.values().stream().mapToLong(Integer::longValue).sum();
        assertThat(refused + checked + transport)
                .as(answers + " and from the transport " + TRANSPORT)
                .isEqualTo(1_000L * seconds);
        // Only a handful of the guesses cost a password check; the rest were refused before any hashing.
        assertThat(checked).as(answers.toString()).isLessThan(100);
        // Refused by the login throttle, or by the public listener's full pool: each counted where it happened.
        final Scrape after = Scrape.of(controlPlaneMetrics);
        assertThat(after.sum("realm_controlplane_login_refused")
                        + after.sum("realm_controlplane_calls_refused{listener=\"public\"}"))
                .as("refusals counted by the control plane; answers %s, from the transport %s", answers, TRANSPORT)
                .isGreaterThanOrEqualTo(refused);
        assertThat(after.sum("realm_controlplane_calls_refused{listener=\"internal\"}"))
                .as("no node's call refused")
                .isZero();
        try (AdminClient admin = realm.admin(5_000)) {
            // The node's lease never expired: it is the same registration, still ready.
            assertThat(admin.getNode("node-1").getRegisteredAtUnixMs()).isEqualTo(registeredAt);
            assertThat(admin.getNode("node-1").getState()).isEqualTo(NodeState.NODE_STATE_READY);
        }
    }

    @Test
    void tenThousandConnectionsWithoutHelloAreCappedWhilePlayersPlayAndTheirChatFloodIsRefused() throws Exception {
        final DatabaseRealm realm = cluster.start();
        // The node's default client limits (the process tests lift them unless told).
        final JavaProcess node = realm.node("node-1", List.of(), "--client-pending-per-ip", "64");
        realm.awaitContinentsOn("node-1");
        final String metrics = ItSupport.metricsAddress(node);
        final Matcher clients = CLIENTS.matcher(node.output());
        assertThat(clients.find()).as(node.output()).isTrue();
        final int clientPort = Integer.parseInt(clients.group(2));

        // Players who say something every 50 ms: far past the chat rate.
        final BotFleet players = realm.bots(new BotConfig(
                List.of(realm.login()), 3, Duration.ZERO, "main", ItSupport.prefix("Cf"), 4, 1, Duration.ofMillis(50)));
        final CompletableFuture<BotReport> report = ItSupport.inBackground(players);
        final List<Socket> silent = new ArrayList<>();
        final ExecutorService connectors = Executors.newFixedThreadPool(8);
        try {
            await().atMost(DEADLINE).until(() -> players.inWorld() == 3);
            final double framesBefore = Scrape.of(metrics).sum("realm_node_client_frames_sent");
            final long movesBefore = players.movesSent();
            final AtomicInteger failedConnects = new AtomicInteger();
            final List<Future<?>> done = new ArrayList<>();
            for (int t = 0; t < 8; t++) {
                done.add(connectors.submit(() -> {
                    for (int i = 0; i < 10_000 / 8; i++) {
                        final Socket socket = new Socket();
                        try {
                            socket.bind(new InetSocketAddress(ATTACKER, 0));
                            socket.connect(new InetSocketAddress("127.0.0.1", clientPort), 10_000);
                            synchronized (silent) {
                                silent.add(socket);
                            }
                        } catch (final IOException e) {
                            failedConnects.incrementAndGet();
                            closeQuietly(socket);
                        }
                    }
                    return null;
                }));
            }
            for (final Future<?> each : done) {
                each.get(DEADLINE.toSeconds(), TimeUnit.SECONDS);
            }
            final int connected = 10_000 - failedConnects.get();
            // At most 64 of them were kept (they never said HELLO); every other one was closed as it came.
            await().atMost(DEADLINE)
                    .until(() -> Scrape.of(metrics).sum("realm_node_client_connections_refused") >= connected - 64);
            assertThat(Scrape.of(metrics).sum("realm_node_client_sessions")).isLessThanOrEqualTo(64 + 3);
            // The players played on through it: their moves were answered, the map sent them frames.
            await().atMost(DEADLINE)
                    .until(() -> players.movesSent() > movesBefore + 20
                            && Scrape.of(metrics).sum("realm_node_client_frames_sent") > framesBefore + 20);
            await().atMost(DEADLINE).until(() -> Scrape.of(metrics).sum("realm_node_chat_refused") > 10);
        } finally {
            connectors.shutdownNow();
            synchronized (silent) {
                silent.forEach(FloodIT::closeQuietly);
            }
            players.stop();
        }
        final BotReport seen = report.get(DEADLINE.toSeconds(), TimeUnit.SECONDS);
        assertThat(seen.unexpectedDisconnectCount())
                .as(String.join("\n", seen.summaryLines()))
                .isZero();
        assertThat(seen.enteredWorld()).isEqualTo(3);
    }

    /** A channel to Login as a game client's: TLS trusting the realm's CA, leaving from {@code localAddress}. */
    private static ManagedChannel channelFrom(final HostPort target, final String localAddress, final Path ca) {
        return NettyChannelBuilder.forAddress(target.toSocketAddress(), GrpcTls.channel(GrpcTls.trusting(ca)))
                .localSocketPicker(new NettyChannelBuilder.LocalSocketPicker() {
                    @Override
                    public SocketAddress createSocketAddress(final SocketAddress remote, final Attributes attrs) {
                        return new InetSocketAddress(localAddress, 0);
                    }
                })
                .build();
    }

    private static StreamObserver<LoginResponse> counting(
            final Map<Status.Code, LongAdder> answers, final CountDownLatch answered) {
        return new StreamObserver<>() {
            @Override
            public void onNext(final LoginResponse value) {
                answers.computeIfAbsent(Status.Code.OK, c -> new LongAdder()).increment();
            }

            @Override
            public void onError(final Throwable t) {
                final Status status = Status.fromThrowable(t);
                final String description = String.valueOf(status.getDescription());
                if (status.getCode() == Status.Code.RESOURCE_EXHAUSTED
                        && SERVER_REFUSALS.stream().noneMatch(description::startsWith)) {
                    // Not the control plane's answer but its transport's (HTTP/2 telling the flooding
                    // connection to calm down): kept apart, and shown.
                    TRANSPORT.merge(description.replaceAll("[0-9]+", "N"), 1, Integer::sum);
                } else {
                    answers.computeIfAbsent(status.getCode(), c -> new LongAdder())
                            .increment();
                }
                answered.countDown();
            }

            @Override
            public void onCompleted() {
                answered.countDown();
            }
        };
    }

    /** How the control plane words the refusals it counts (the login throttle's, its hashing pool's, a full listener's). */
    private static final List<String> SERVER_REFUSALS = List.of(
            "too many login attempts", "too many failed logins", "the login service is busy", "this server is busy");

    /** RESOURCE_EXHAUSTED answers that did not come from the control plane's code, by description. */
    private static final Map<String, Integer> TRANSPORT = new ConcurrentHashMap<>();

    private static long count(final Map<Status.Code, LongAdder> answers, final Status.Code code) {
        final LongAdder adder = answers.get(code);
        return adder == null ? 0 : adder.sum();
    }

    private static void closeQuietly(final Socket socket) {
        try {
            socket.close();
        } catch (final IOException ignored) {
            // Closing a socket the node already closed.
        }
    }
}
