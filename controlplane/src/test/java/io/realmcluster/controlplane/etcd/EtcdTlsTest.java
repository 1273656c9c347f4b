package io.realmcluster.controlplane.etcd;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.etcd.jetcd.Client;
import io.grpc.netty.GrpcSslContexts;
import io.netty.handler.ssl.SslContext;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.realmcluster.common.cli.StartupException;
import io.realmcluster.common.net.HostPort;
import io.realmcluster.common.tls.Pki;
import io.realmcluster.common.tls.Role;
import io.realmcluster.common.tls.TlsFiles;
import io.realmcluster.controlplane.ControlPlane;
import io.realmcluster.controlplane.ControlPlaneConfig;
import io.realmcluster.processes.EtcdProcess;
import io.realmcluster.testkit.EtcdExtension;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * etcd as the control plane runs it in a realm with TLS: https only, and only for clients holding a
 * certificate of the realm's CA ({@code --client-cert-auth}).
 */
class EtcdTlsTest {
    private static final Duration TIMEOUT = Duration.ofSeconds(3);
    private static final Path DIRECTORY = temporaryDirectory();
    private static final Pki PKI = pki(DIRECTORY.resolve("realm"), "realm");
    private static final TlsFiles ETCD_SERVER = issue(PKI, Role.SERVER, "etcd", List.of("localhost", "127.0.0.1"));
    private static final TlsFiles CONTROL_PLANE = issue(PKI, Role.CONTROLPLANE, "cp-1", List.of("127.0.0.1"));

    @RegisterExtension
    static final EtcdExtension ETCD =
            new EtcdExtension(etcd -> etcd.tls(ETCD_SERVER.ca(), ETCD_SERVER.certificate(), ETCD_SERVER.privateKey()));

    @AfterAll
    static void deleteCertificates() throws IOException {
        try (Stream<Path> paths = Files.walk(DIRECTORY)) {
            for (final Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(path);
            }
        }
    }

    @Test
    void controlPlaneWithItsCertificateWritesAndReads() {
        assertThat(ETCD.endpoint()).startsWith("https://");
        try (EtcdStore store = connect(CONTROL_PLANE)) {
            final String key = "/etcd-tls-test/" + UUID.randomUUID();
            store.put(Keys.bytes(key), Keys.bytes("over TLS"), 0);
            assertThat(store.get(Keys.bytes(key)).getValue().toString()).isEqualTo("over TLS");
        }
    }

    @Test
    void controlPlaneReplicaLeadsOverTls() {
        final ControlPlaneConfig config = new ControlPlaneConfig(
                "cp-1",
                List.of(URI.create(ETCD.endpoint())),
                "/etcd-tls-test-" + UUID.randomUUID(),
                TIMEOUT,
                HostPort.parse("127.0.0.1:0"),
                HostPort.parse("127.0.0.1:0"),
                Duration.ofSeconds(2),
                Duration.ofMillis(200),
                ControlPlaneConfig.Placement.defaults(),
                ControlPlaneConfig.Login.disabled(),
                HostPort.parse("127.0.0.1:0"),
                null,
                CONTROL_PLANE);
        try (ControlPlane controlPlane = new ControlPlane(config).start()) {
            await().atMost(Duration.ofSeconds(20)).until(controlPlane::isLeader);
        }
    }

    @Test
    void clientWithoutCertificateIsRefusedByEtcd() throws Exception {
        final SslContext trustOnly = GrpcSslContexts.forClient()
                .trustManager(PKI.caCertificate().toFile())
                .build();
        try (Client client = Client.builder()
                .endpoints(URI.create(ETCD.endpoint()))
                .sslContext(trustOnly)
                .connectTimeout(TIMEOUT)
                .waitForReady(false)
                .retryMaxDuration(TIMEOUT)
                .build()) {
            assertThatThrownBy(() -> client.getKVClient()
                            .get(Keys.bytes("/"))
                            .get(TIMEOUT.toMillis() * 3, TimeUnit.MILLISECONDS))
                    .isInstanceOf(ExecutionException.class)
                    .hasMessageContaining("UNAVAILABLE");
        }
    }

    @Test
    void certificateOfAnotherCaIsRefusedByEtcd() {
        final TlsFiles stranger =
                issue(pki(DIRECTORY.resolve("stranger"), "stranger"), Role.CONTROLPLANE, "cp-1", List.of());
        final TlsFiles strangerTrustingTheRealm =
                new TlsFiles(PKI.caCertificate(), stranger.certificate(), stranger.privateKey());
        assertThatThrownBy(() -> connect(strangerTrustingTheRealm).close())
                .isInstanceOf(StartupException.class)
                .hasMessageStartingWith("cannot reach etcd at " + ETCD.endpoint());
    }

    @Test
    void etcdWithACertificateOfAnotherCaIsRefusedByTheControlPlane() {
        final Pki stranger = pki(DIRECTORY.resolve("other-ca"), "other");
        final TlsFiles trustingAnotherCa =
                new TlsFiles(stranger.caCertificate(), CONTROL_PLANE.certificate(), CONTROL_PLANE.privateKey());
        assertThatThrownBy(() -> connect(trustingAnotherCa).close())
                .isInstanceOf(StartupException.class)
                .hasMessageStartingWith("cannot reach etcd at " + ETCD.endpoint());
    }

    @Test
    void etcdWhoseCertificateNamesAnotherHostIsRefusedByTheControlPlane() {
        final TlsFiles elsewhere = issue(PKI, Role.SERVER, "etcd-elsewhere", List.of("etcd.elsewhere.invalid"));
        try (EtcdProcess etcd = EtcdProcess.builder()
                .tls(elsewhere.ca(), elsewhere.certificate(), elsewhere.privateKey())
                .start()) {
            assertThatThrownBy(() -> EtcdStore.connect(
                                    List.of(URI.create(etcd.endpoint())),
                                    CONTROL_PLANE,
                                    TIMEOUT,
                                    new PrometheusRegistry())
                            .close())
                    .isInstanceOf(StartupException.class)
                    .hasMessageStartingWith("cannot reach etcd at " + etcd.endpoint());
        }
    }

    @Test
    void httpsEndpointWithoutCertificateIsAConfigurationError() {
        assertThatThrownBy(() -> EtcdStore.connect(
                                List.of(URI.create(ETCD.endpoint())), null, TIMEOUT, new PrometheusRegistry())
                        .close())
                .isInstanceOf(StartupException.class)
                .hasMessageContaining("give --etcd-ca, --etcd-cert and --etcd-key");
    }

    @Test
    void httpEndpointWithCertificateIsAConfigurationError() {
        final URI plaintext = URI.create(ETCD.endpoint().replace("https://", "http://"));
        assertThatThrownBy(() -> EtcdStore.connect(List.of(plaintext), CONTROL_PLANE, TIMEOUT, new PrometheusRegistry())
                        .close())
                .isInstanceOf(StartupException.class)
                .hasMessageContaining("are http:// URLs: use https://");
    }

    @Test
    void mixedSchemesAreAConfigurationError() {
        assertThatThrownBy(() -> EtcdStore.connect(
                                List.of(URI.create(ETCD.endpoint()), URI.create("http://127.0.0.1:2379")),
                                CONTROL_PLANE,
                                TIMEOUT,
                                new PrometheusRegistry())
                        .close())
                .isInstanceOf(StartupException.class)
                .hasMessageContaining("mix http:// and https://");
    }

    private static EtcdStore connect(final TlsFiles tls) {
        return EtcdStore.connect(List.of(URI.create(ETCD.endpoint())), tls, TIMEOUT, new PrometheusRegistry());
    }

    private static Path temporaryDirectory() {
        try {
            return Files.createTempDirectory("etcd-tls-test");
        } catch (final IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static Pki pki(final Path directory, final String realm) {
        try {
            final Pki pki = Pki.at(directory);
            pki.init(realm, Pki.CA_VALIDITY);
            return pki;
        } catch (final IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static TlsFiles issue(final Pki pki, final Role role, final String name, final List<String> hosts) {
        try {
            return pki.issue(role, name, hosts, Pki.VALIDITY);
        } catch (final IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
