package io.realmcluster.controlplane;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.realmcluster.common.cli.StartupException;
import io.realmcluster.common.net.HostPort;
import io.realmcluster.processes.EtcdProcess;
import io.realmcluster.processes.FreePorts;
import io.realmcluster.testkit.EtcdExtension;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** A replica that cannot start says what and where in one line. */
class ControlPlaneStartupTest {
    @RegisterExtension
    static final EtcdExtension ETCD = new EtcdExtension();

    @Test
    void etcdUnreachableForLongerThanTheStartupWaitIsNamedInTheError() {
        final String etcd = "http://127.0.0.1:" + FreePorts.find();
        assertThatThrownBy(() -> new ControlPlane(config(List.of(URI.create(etcd)), HostPort.parse("127.0.0.1:0")))
                        .etcdStartupWait(Duration.ofSeconds(1))
                        .start())
                .isInstanceOf(StartupException.class)
                .hasMessageStartingWith("cannot reach etcd at " + etcd)
                .hasMessageEndingWith("(waited 1 s)");
    }

    @Test
    void aReplicaStartedBeforeEtcdWaitsForItAndServesOnceItAnswers() throws Exception {
        final int port = FreePorts.find();
        final HostPort metrics = HostPort.parse("127.0.0.1:" + FreePorts.find());
        final ControlPlane replica = new ControlPlane(
                config(List.of(URI.create("http://127.0.0.1:" + port)), HostPort.parse("127.0.0.1:0"), metrics));
        final CompletableFuture<ControlPlane> started = CompletableFuture.supplyAsync(replica::start);
        try {
            // Its metrics are served before etcd is reached: two failed tries of the first call show there.
            final HttpClient http = HttpClient.newHttpClient();
            await().atMost(Duration.ofSeconds(30)).ignoreExceptions().until(() -> failedTries(http, metrics) >= 2);
            assertThat(started).as("still waiting for etcd").isNotDone();
            try (EtcdProcess late = EtcdProcess.builder().clientPort(port).start()) {
                assertThat(started.get(60, TimeUnit.SECONDS).grpcAddress()).isNotNull();
            }
        } finally {
            replica.close();
        }
    }

    private static double failedTries(final HttpClient http, final HostPort metrics) throws Exception {
        final String page = http.send(
                        HttpRequest.newBuilder(URI.create("http://" + metrics + "/metrics"))
                                .timeout(Duration.ofSeconds(2))
                                .build(),
                        HttpResponse.BodyHandlers.ofString())
                .body();
        return page.lines()
                .filter(line -> line.startsWith("realm_controlplane_etcd_request_seconds_count{op=\"get\"}"))
                .mapToDouble(line -> Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1)))
                .sum();
    }

    @Test
    void portInUseIsNamedInTheError() throws Exception {
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            final HostPort listen = HostPort.parse("127.0.0.1:" + taken.getLocalPort());
            assertThatThrownBy(() -> new ControlPlane(config(List.of(URI.create(ETCD.endpoint())), listen)).start())
                    .isInstanceOf(StartupException.class)
                    .hasMessage("cannot listen for players (--listen) on " + listen + ": address already in use");
        }
    }

    private static ControlPlaneConfig config(final List<URI> etcd, final HostPort listen) {
        return config(etcd, listen, HostPort.parse("127.0.0.1:0"));
    }

    private static ControlPlaneConfig config(final List<URI> etcd, final HostPort listen, final HostPort metrics) {
        return new ControlPlaneConfig(
                "cp-test",
                etcd,
                "/startup-test",
                Duration.ofMillis(1500),
                listen,
                metrics,
                Duration.ofSeconds(2),
                Duration.ofMillis(200),
                ControlPlaneConfig.Placement.defaults(),
                ControlPlaneConfig.Login.disabled());
    }
}
