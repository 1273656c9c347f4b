package io.realmcluster.tools;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.grpc.ChannelCredentials;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.StreamObserver;
import io.realmcluster.common.cli.StartupException;
import io.realmcluster.common.grpc.Channels;
import io.realmcluster.common.grpc.GrpcTls;
import io.realmcluster.common.net.HostPort;
import io.realmcluster.common.tls.Pki;
import io.realmcluster.common.tls.Role;
import io.realmcluster.common.tls.TlsFiles;
import io.realmcluster.processes.JavaProcess;
import io.realmcluster.proto.v1.AdminGrpc;
import io.realmcluster.proto.v1.ControlMessage;
import io.realmcluster.proto.v1.CreateAccountRequest;
import io.realmcluster.proto.v1.CreateCharacterRequest;
import io.realmcluster.proto.v1.Endpoint;
import io.realmcluster.proto.v1.Hello;
import io.realmcluster.proto.v1.ListNodesRequest;
import io.realmcluster.proto.v1.NodeDescriptor;
import io.realmcluster.proto.v1.NodeLinkGrpc;
import io.realmcluster.proto.v1.NodeMessage;
import io.realmcluster.proto.v1.TransferGrpc;
import io.realmcluster.proto.v1.TransferOffer;
import io.realmcluster.proto.v1.TransferOffers;
import io.realmcluster.proto.v1.TransferResults;
import io.realmcluster.testkit.EtcdExtension;
import io.realmcluster.tools.realmctl.AdminClient;
import java.math.BigInteger;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The trust boundaries, attacked from outside real processes (a control plane and a node, each
 * with its own certificate of the realm's CA): who may call Admin, register a node, offer a
 * character; certificates of another CA; and a certificate rotated under a running node.
 */
class TrustBoundaryIT {
    @RegisterExtension
    static final EtcdExtension ETCD = new EtcdExtension();

    @RegisterExtension
    final RealmExtension cluster = new RealmExtension(ETCD);

    private static final Duration DEADLINE = Duration.ofSeconds(60);

    @TempDir
    Path directory;

    @Test
    void adminRefusesCallersWithoutAnOperatorCertificateOfTheRealm() throws Exception {
        final DatabaseRealm realm = cluster.start();
        final Binaries binaries = realm.binaries();
        final HostPort cp = realm.controlPlane();
        try (AdminClient operator = realm.admin(5_000)) {
            await().atMost(DEADLINE)
                    .ignoreExceptions()
                    .untilAsserted(() -> assertThat(operator.listControlPlanes()
                                    .getReplicas(0)
                                    .getPublicGrpc()
                                    .getPort())
                            .as("the replica advertises its public listener")
                            .isEqualTo(realm.login().port()));
        }

        // No TLS at all, and TLS without a certificate (as a player would come): no handshake.
        try (AdminClient plaintext = new AdminClient(List.of(cp), 5_000)) {
            assertThatThrownBy(plaintext::listNodes).isInstanceOf(StartupException.class);
        }
        try (GrpcTls player = GrpcTls.trusting(binaries.pki().caCertificate())) {
            assertThat(adminCall(cp, player.channel()).getCode()).isEqualTo(Status.Code.UNAVAILABLE);
        }
        // A node's certificate of the realm's CA: through the handshake, refused by the rule.
        final Status asNode = adminCall(cp, binaries.credentials(Role.NODE, "node-1"));
        assertThat(asNode.getCode()).isEqualTo(Status.Code.PERMISSION_DENIED);
        assertThat(asNode.getDescription()).contains("role operator", "node node-1");
        // An operator certificate of another CA (the attacker's), trusting ours: the handshake fails.
        final Pki other = Pki.at(directory.resolve("other-ca"));
        other.init("evil", Pki.CA_VALIDITY);
        final TlsFiles forged = other.issue(Role.OPERATOR, "it-operator", List.of(), Pki.VALIDITY);
        try (AdminClient stranger = new AdminClient(
                List.of(cp),
                5_000,
                new TlsFiles(binaries.pki().caCertificate(), forged.certificate(), forged.privateKey()))) {
            assertThatThrownBy(stranger::listNodes)
                    .isInstanceOf(StartupException.class)
                    .hasMessageContaining("did not answer");
        }
        // The public listener serves no Admin at all, whoever calls.
        try (GrpcTls player = GrpcTls.trusting(binaries.pki().caCertificate())) {
            assertThat(adminCall(realm.login(), player.channel()).getCode()).isEqualTo(Status.Code.UNIMPLEMENTED);
        }
    }

    @Test
    void aNodeCertificateCannotRegisterAnotherNode() throws Exception {
        final DatabaseRealm realm = cluster.start();
        final ManagedChannel channel = Channels.forTargets(
                List.of(realm.controlPlane()), 30, realm.binaries().credentials(Role.NODE, "node-1"));
        try {
            final CompletableFuture<Status> ended = new CompletableFuture<>();
            final StreamObserver<NodeMessage> link = NodeLinkGrpc.newStub(channel)
                    .open(new StreamObserver<ControlMessage>() {
                        @Override
                        public void onNext(final ControlMessage message) {
                            ended.complete(Status.OK.withDescription("answered " + message.getBodyCase()));
                        }

                        @Override
                        public void onError(final Throwable error) {
                            ended.complete(Status.fromThrowable(error));
                        }

                        @Override
                        public void onCompleted() {
                            ended.complete(Status.OK);
                        }
                    });
            link.onNext(NodeMessage.newBuilder()
                    .setHello(Hello.newBuilder()
                            .setNode(NodeDescriptor.newBuilder()
                                    .setNodeId("node-2")
                                    .setIncarnation(UUID.randomUUID().toString())
                                    .setGrpc(Endpoint.newBuilder()
                                            .setHost("127.0.0.1")
                                            .setPort(1))
                                    .setClient(Endpoint.newBuilder()
                                            .setHost("127.0.0.1")
                                            .setPort(2))
                                    .addPools("continent")
                                    .setCapacityPlayers(100_000)))
                    .build());

            final Status status = ended.get(DEADLINE.toSeconds(), TimeUnit.SECONDS);
            assertThat(status.getCode()).isEqualTo(Status.Code.PERMISSION_DENIED);
            assertThat(status.getDescription()).contains("node node-1", "node-2");
            realm.controlPlaneProcess()
                    .awaitOutput("a node registers only as the node its certificate names", DEADLINE);
            try (AdminClient admin = realm.admin(5_000)) {
                assertThat(admin.listNodes().getNodesList()).isEmpty();
            }
        } finally {
            Channels.close(channel);
        }
    }

    @Test
    void anOfferFromANodeThatIsNotTheSourceClaimsNothing() throws Exception {
        final DatabaseRealm realm = cluster.start();
        realm.node("node-1", List.of());
        realm.awaitContinentsOn("node-1");
        final HostPort target;
        try (AdminClient admin = realm.admin(10_000)) {
            admin.createAccount(CreateAccountRequest.newBuilder()
                    .setName("victim")
                    .setPassword("victim-password")
                    .build());
            admin.createCharacter(CreateCharacterRequest.newBuilder()
                    .setAccount("victim")
                    .setRealm("main")
                    .setName("Victim")
                    .setRace(1)
                    .setClass_(1)
                    .build());
            final Endpoint grpc = admin.getNode("node-1").getNode().getGrpc();
            target = new HostPort(grpc.getHost(), grpc.getPort());
        }
        // Frozen by node-2 for a transfer to node-1, as a source leaves it before its offer.
        final UUID transferId = UUID.randomUUID();
        ItSupport.update(
                cluster.postgres().dataSource(),
                "UPDATE character SET state = 'IN_TRANSFER', owner_node = 'node-2', epoch = 7, updated_at = now(), "
                        + "transfer_id = '"
                        + transferId + "' WHERE name = 'Victim'");
        final long characterId = ItSupport.number(
                cluster.postgres().dataSource(), "SELECT character_id FROM character WHERE name = 'Victim'");
        final TransferOffer offer = TransferOffer.newBuilder()
                .setTransferId(transferId.toString())
                .setCharacterId(characterId)
                .setRealm("main")
                .setEpoch(7)
                .setSourceNode("node-2")
                .setTargetInstanceId("main.0")
                .setX(-8949f)
                .setY(-132f)
                .setZ(83f)
                .build();

        // node-3's certificate (of the realm, stolen) offering node-2's character.
        final ManagedChannel thief =
                Channels.forTargets(List.of(target), 30, realm.binaries().credentials(Role.NODE, "node-3"));
        final ManagedChannel source =
                Channels.forTargets(List.of(target), 30, realm.binaries().credentials(Role.NODE, "node-2"));
        try {
            assertThatThrownBy(() -> TransferGrpc.newBlockingStub(thief)
                            .withDeadlineAfter(10, TimeUnit.SECONDS)
                            .offer(offer))
                    .isInstanceOfSatisfying(StatusRuntimeException.class, e -> {
                        assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.PERMISSION_DENIED);
                        assertThat(e.getStatus().getDescription()).contains("node node-3");
                    });
            final TransferResults many = TransferGrpc.newBlockingStub(thief)
                    .withDeadlineAfter(10, TimeUnit.SECONDS)
                    .offerMany(TransferOffers.newBuilder().addOffers(offer).build());
            assertThat(many.getResults(0).getRefusedCode()).isEqualTo(Status.Code.PERMISSION_DENIED.value());
            assertThat(row(characterId)).as("nothing claimed").isEqualTo("IN_TRANSFER node-2 7");
            // A stranger without any certificate of ours does not even reach the rule.
            try (GrpcTls player = GrpcTls.trusting(realm.binaries().pki().caCertificate())) {
                final ManagedChannel anonymous = Channels.forTargets(List.of(target), 30, player.channel());
                try {
                    assertThatThrownBy(() -> TransferGrpc.newBlockingStub(anonymous)
                                    .withDeadlineAfter(10, TimeUnit.SECONDS)
                                    .offer(offer))
                            .isInstanceOfSatisfying(
                                    StatusRuntimeException.class,
                                    e -> assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.UNAVAILABLE));
                } finally {
                    Channels.close(anonymous);
                }
            }
            assertThat(row(characterId)).isEqualTo("IN_TRANSFER node-2 7");

            // The source itself is heard: the refusal above was the identity, nothing else.
            TransferGrpc.newBlockingStub(source)
                    .withDeadlineAfter(10, TimeUnit.SECONDS)
                    .offer(offer);
            assertThat(row(characterId)).isEqualTo("ONLINE node-1 8");
        } finally {
            Channels.close(thief);
            Channels.close(source);
        }
    }

    @Test
    void aCertificateReissuedWithRealmctlIsServedWithoutARestart() throws Exception {
        final DatabaseRealm realm = cluster.start();
        final Binaries binaries = realm.binaries();
        final JavaProcess node = realm.node("node-1", List.of());
        final HostPort grpc;
        try (AdminClient admin = realm.admin(10_000)) {
            grpc = await().atMost(DEADLINE)
                    .ignoreExceptions()
                    .until(
                            () -> {
                                final Endpoint endpoint =
                                        admin.getNode("node-1").getNode().getGrpc();
                                return new HostPort(endpoint.getHost(), endpoint.getPort());
                            },
                            address -> true);
        }
        final BigInteger before = servedSerial(binaries, grpc);

        final JavaProcess issue = binaries.run(
                Binaries.REALMCTL,
                "realmctl-pki-issue",
                "pki",
                "issue",
                "node",
                "node-1",
                "--dir",
                binaries.pki().directory().toString());
        assertThat(issue.waitForExit(DEADLINE)).as(issue.output()).isZero();
        assertThat(issue.output()).contains("node/node-1 issued", "rw-------");
        final BigInteger after = Pki.readCertificate(
                        binaries.pki().files(Role.NODE, "node-1").certificate())
                .getSerialNumber();
        assertThat(after).isNotEqualTo(before);

        await().atMost(DEADLINE).until(() -> servedSerial(binaries, grpc).equals(after));
        node.awaitOutput("reloaded TLS file", DEADLINE);
        assertThat(node.isAlive()).isTrue();
        // Its link to the control plane lives on, and new links are made with the new certificate.
        try (AdminClient admin = realm.admin(10_000)) {
            assertThat(admin.listNodes().getNodesList()).hasSize(1);
        }
    }

    private static Status adminCall(final HostPort controlPlane, final ChannelCredentials credentials) {
        final ManagedChannel channel = Channels.forTargets(List.of(controlPlane), 30, credentials);
        try {
            AdminGrpc.newBlockingStub(channel)
                    .withDeadlineAfter(10, TimeUnit.SECONDS)
                    .listNodes(ListNodesRequest.getDefaultInstance());
            return Status.OK;
        } catch (final StatusRuntimeException e) {
            return e.getStatus();
        } finally {
            Channels.close(channel);
        }
    }

    private String row(final long characterId) throws Exception {
        try (Connection connection = cluster.postgres().dataSource().getConnection();
                PreparedStatement query = connection.prepareStatement(
                        "SELECT state, owner_node, epoch FROM character WHERE character_id = ?")) {
            query.setLong(1, characterId);
            try (ResultSet row = query.executeQuery()) {
                row.next();
                return row.getString(1) + " " + row.getString(2) + " " + row.getLong(3);
            }
        }
    }

    /** The serial of the certificate a fresh TLS connection to {@code server} is shown. */
    private static BigInteger servedSerial(final Binaries binaries, final HostPort server) throws Exception {
        final TlsFiles operator = binaries.operator();
        final KeyStore keys = KeyStore.getInstance("PKCS12");
        keys.load(null, null);
        keys.setKeyEntry("operator", Pki.readPrivateKey(operator.privateKey()), new char[0], new Certificate[] {
            Pki.readCertificate(operator.certificate())
        });
        final KeyManagerFactory keyFactory = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        keyFactory.init(keys, new char[0]);
        final KeyStore trusted = KeyStore.getInstance("PKCS12");
        trusted.load(null, null);
        trusted.setCertificateEntry("ca", Pki.readCertificate(operator.ca()));
        final TrustManagerFactory trustFactory =
                TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        trustFactory.init(trusted);
        final SSLContext context = SSLContext.getInstance("TLS");
        context.init(keyFactory.getKeyManagers(), trustFactory.getTrustManagers(), null);
        try (SSLSocket socket = (SSLSocket) context.getSocketFactory().createSocket(server.host(), server.port())) {
            socket.setSoTimeout(5_000);
            final SSLParameters parameters = socket.getSSLParameters();
            parameters.setApplicationProtocols(new String[] {"h2"});
            socket.setSSLParameters(parameters);
            socket.startHandshake();
            return ((X509Certificate) socket.getSession().getPeerCertificates()[0]).getSerialNumber();
        }
    }
}
