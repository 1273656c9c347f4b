package io.realmcluster.common.grpc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.grpc.ManagedChannel;
import io.grpc.Server;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.protobuf.services.HealthStatusManager;
import io.grpc.stub.StreamObserver;
import io.realmcluster.common.net.HostPort;
import io.realmcluster.common.tls.PeerIdentity;
import io.realmcluster.common.tls.Pki;
import io.realmcluster.common.tls.Role;
import io.realmcluster.common.tls.TlsFiles;
import io.realmcluster.proto.v1.AdminGrpc;
import io.realmcluster.proto.v1.ControlPlaneReplica;
import io.realmcluster.proto.v1.ListControlPlanesRequest;
import io.realmcluster.proto.v1.ListControlPlanesResponse;
import java.math.BigInteger;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class GrpcTlsTest {
    private static final HostPort LOOPBACK = new HostPort("127.0.0.1", 0);

    @TempDir
    Path directory;

    private Pki pki;
    private final List<AutoCloseable> closing = new ArrayList<>();

    @BeforeEach
    void makeRealm() throws Exception {
        pki = Pki.at(directory.resolve("pki"));
        pki.init("main", Pki.CA_VALIDITY);
    }

    @AfterEach
    void close() throws Exception {
        for (int i = closing.size() - 1; i >= 0; i--) {
            closing.get(i).close();
        }
    }

    @Test
    void operatorReachesAnOperatorsServiceOverMutualTls() throws Exception {
        final HostPort server = serveAdmin(tls(Role.CONTROLPLANE, "cp-1", Duration.ofSeconds(5)));

        final ListControlPlanesResponse answer = admin(server, tls(Role.OPERATOR, "alice", Duration.ofSeconds(5)))
                .listControlPlanes(ListControlPlanesRequest.getDefaultInstance());

        assertThat(answer.getReplicas(0).getId())
                .as("the caller's identity reached the service")
                .isEqualTo("alice");
    }

    @Test
    void aNodeCertificateIsRefusedByAnOperatorsService() throws Exception {
        final HostPort server = serveAdmin(tls(Role.CONTROLPLANE, "cp-1", Duration.ofSeconds(5)));

        assertThatThrownBy(() -> admin(server, tls(Role.NODE, "node-1", Duration.ofSeconds(5)))
                        .listControlPlanes(ListControlPlanesRequest.getDefaultInstance()))
                .isInstanceOfSatisfying(StatusRuntimeException.class, e -> {
                    assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.PERMISSION_DENIED);
                    assertThat(e.getStatus().getDescription()).contains("role operator", "node node-1");
                });
    }

    @Test
    void aCallerWithoutCertificateOrFromAnotherCaNeverGetsIn() throws Exception {
        final HostPort server = serveAdmin(tls(Role.CONTROLPLANE, "cp-1", Duration.ofSeconds(5)));
        final Pki other = Pki.at(directory.resolve("other"));
        other.init("evil", Pki.CA_VALIDITY);
        final TlsFiles stranger = other.issue(Role.OPERATOR, "alice", List.of(), Pki.VALIDITY);
        // The stranger trusts our CA (it is public), but its own certificate is not ours.
        final GrpcTls strangerTls = closes(GrpcTls.load(
                new TlsFiles(pki.caCertificate(), stranger.certificate(), stranger.privateKey()),
                Duration.ofSeconds(5)));

        for (final GrpcTls caller : List.of(closes(GrpcTls.trusting(pki.caCertificate())), strangerTls)) {
            assertThatThrownBy(() ->
                            admin(server, caller).listControlPlanes(ListControlPlanesRequest.getDefaultInstance()))
                    .isInstanceOfSatisfying(
                            StatusRuntimeException.class,
                            e -> assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.UNAVAILABLE));
        }
    }

    @Test
    void aServerWhoseCertificateDoesNotNameTheDialledHostIsRefused() throws Exception {
        final TlsFiles files = pki.issue(Role.CONTROLPLANE, "cp-1", List.of("realm.example"), Pki.VALIDITY);
        final HostPort server = serveAdmin(closes(GrpcTls.load(files, Duration.ofSeconds(5))));

        assertThatThrownBy(() -> admin(server, tls(Role.OPERATOR, "alice", Duration.ofSeconds(5)))
                        .listControlPlanes(ListControlPlanesRequest.getDefaultInstance()))
                .isInstanceOfSatisfying(
                        StatusRuntimeException.class,
                        e -> assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.UNAVAILABLE));
    }

    @Test
    void aReissuedCertificateIsServedToNewConnectionsWithoutARestart() throws Exception {
        final HostPort server = serveAdmin(tls(Role.CONTROLPLANE, "cp-1", Duration.ofMillis(100)));
        final BigInteger before = servedSerial(server);

        final TlsFiles reissued = pki.issue(Role.CONTROLPLANE, "cp-1", List.of("127.0.0.1"), Pki.VALIDITY);
        final BigInteger after = Pki.readCertificate(reissued.certificate()).getSerialNumber();

        assertThat(after).isNotEqualTo(before);
        await().atMost(Duration.ofSeconds(10)).until(() -> servedSerial(server).equals(after));
    }

    @Test
    void aProcessRefusesACertificateThatIsNotItsOwn() throws Exception {
        final GrpcTls node = tls(Role.NODE, "node-1", Duration.ofSeconds(5));

        assertThatThrownBy(() -> node.requireIdentity(new PeerIdentity(Role.NODE, "node-2")))
                .hasMessageContaining("names node node-1 but this process is node node-2")
                .hasMessageContaining("realmctl pki issue node node-2");
        assertThatThrownBy(() -> node.requireRole(Role.CONTROLPLANE)).hasMessageContaining("role controlplane");
        assertThat(node.requireIdentity(new PeerIdentity(Role.NODE, "node-1"))).isSameAs(node);
    }

    private GrpcTls tls(final Role role, final String name, final Duration refresh) throws Exception {
        final TlsFiles files = pki.issue(role, name, role.serves() ? List.of("127.0.0.1") : List.of(), Pki.VALIDITY);
        return closes(GrpcTls.load(files, refresh));
    }

    /** An Admin service for operators that answers with the caller's name. */
    private HostPort serveAdmin(final GrpcTls tls) {
        final AdminGrpc.AdminImplBase admin = new AdminGrpc.AdminImplBase() {
            @Override
            public void listControlPlanes(
                    final ListControlPlanesRequest request, final StreamObserver<ListControlPlanesResponse> response) {
                response.onNext(ListControlPlanesResponse.newBuilder()
                        .addReplicas(ControlPlaneReplica.newBuilder()
                                .setId(Callers.current().orElseThrow().name()))
                        .build());
                response.onCompleted();
            }
        };
        final Server server = GrpcServers.start(
                "test",
                LOOPBACK,
                tls.mutualServer(),
                new HealthStatusManager(),
                (java.util.concurrent.Executor) null,
                List.of(Callers.only(true, admin, Role.OPERATOR)));
        closing.add(() -> GrpcServers.shutdown(server, 1_000));
        return GrpcServers.boundAddress(server, LOOPBACK);
    }

    private AdminGrpc.AdminBlockingStub admin(final HostPort server, final GrpcTls tls) {
        final ManagedChannel channel = Channels.forTargets(List.of(server), 30, tls.channel());
        closing.add(() -> Channels.close(channel));
        return AdminGrpc.newBlockingStub(channel).withDeadlineAfter(5, TimeUnit.SECONDS);
    }

    /** The serial of the certificate a fresh TLS connection to {@code server} is shown. */
    private BigInteger servedSerial(final HostPort server) throws Exception {
        final TlsFiles operator = new TlsFiles(
                pki.caCertificate(),
                pki.directory().resolve("operator-alice.crt"),
                pki.directory().resolve("operator-alice.key"));
        if (!operator.certificate().toFile().exists()) {
            pki.issue(Role.OPERATOR, "alice", List.of(), Pki.VALIDITY);
        }
        final KeyStore keys = KeyStore.getInstance("PKCS12");
        keys.load(null, null);
        keys.setKeyEntry("me", Pki.readPrivateKey(operator.privateKey()), new char[0], new Certificate[] {
            Pki.readCertificate(operator.certificate())
        });
        final KeyManagerFactory keyFactory = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        keyFactory.init(keys, new char[0]);
        final KeyStore trusted = KeyStore.getInstance("PKCS12");
        trusted.load(null, null);
        trusted.setCertificateEntry("ca", Pki.readCertificate(pki.caCertificate()));
        final TrustManagerFactory trustFactory =
                TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        trustFactory.init(trusted);
        final SSLContext context = SSLContext.getInstance("TLS");
        context.init(keyFactory.getKeyManagers(), trustFactory.getTrustManagers(), null);
        try (SSLSocket socket = (SSLSocket) context.getSocketFactory().createSocket(server.host(), server.port())) {
            socket.setSoTimeout(5_000);
            socket.setEnabledProtocols(new String[] {"TLSv1.3"});
            socket.setSSLParameters(withAlpn(socket));
            socket.startHandshake();
            return ((X509Certificate) socket.getSession().getPeerCertificates()[0]).getSerialNumber();
        }
    }

    private static javax.net.ssl.SSLParameters withAlpn(final SSLSocket socket) {
        final javax.net.ssl.SSLParameters parameters = socket.getSSLParameters();
        parameters.setApplicationProtocols(new String[] {"h2"});
        return parameters;
    }

    private <T extends AutoCloseable> T closes(final T resource) {
        closing.add(resource);
        return resource;
    }
}
