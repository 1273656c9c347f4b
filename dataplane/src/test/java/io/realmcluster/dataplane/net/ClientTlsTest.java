package io.realmcluster.dataplane.net;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.netty.handler.ssl.OpenSsl;
import io.netty.handler.ssl.SslProvider;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.realmcluster.common.net.HostPort;
import io.realmcluster.common.tls.Pki;
import io.realmcluster.common.tls.Role;
import io.realmcluster.common.tls.TlsFiles;
import io.realmcluster.dataplane.pipeline.SaveLog;
import io.realmcluster.dataplane.store.EphemeralCharacterStore;
import io.realmcluster.dataplane.store.Saver;
import io.realmcluster.dataplane.tick.TickScheduler;
import io.realmcluster.dataplane.transfer.Arrivals;
import io.realmcluster.dataplane.world.InstanceHost;
import io.realmcluster.proto.client.ClientMessages;
import io.realmcluster.proto.client.ClientProtocol;
import io.realmcluster.proto.v1.AssignmentSet;
import io.realmcluster.proto.v1.InstanceState;
import io.realmcluster.proto.v1.MapInstance;
import io.realmcluster.proto.v1.MapKind;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLException;
import javax.net.ssl.TrustManagerFactory;
import org.agrona.concurrent.AgentRunner;
import org.agrona.concurrent.SleepingIdleStrategy;
import org.agrona.concurrent.SystemNanoClock;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The client port over TLS, with real sockets and certificates of a real CA, for each provider:
 * players verify the node and play; plaintext, another CA's clients and silent ones are refused
 * and counted; a rotated certificate reaches new connections; the UDP cookie never travels in clear.
 */
class ClientTlsTest {
    private static final Duration DEADLINE = Duration.ofSeconds(10);
    private static final String NODE = "node-t";
    private static final String CONTINENT = "main.0";

    private final TestTokens tokens = new TestTokens();
    private final ExecutorService storeThreads = Executors.newFixedThreadPool(2);
    private final ExecutorService relayThreads = Executors.newCachedThreadPool();

    @TempDir
    Path directory;

    private Pki pki;
    private TlsFiles nodeFiles;
    private TickScheduler scheduler;
    private AgentRunner saver;
    private InstanceHost host;
    private ClientTls tls;
    private ClientListener listener;

    /** A node serving over TLS with {@code provider}, its certificate looked at every {@code reloadEvery}. */
    private void start(final SslProvider provider, final Duration reloadEvery) throws IOException {
        if (provider == SslProvider.OPENSSL) {
            assertThat(OpenSsl.isAvailable())
                    .as("netty-tcnative loads: %s", OpenSsl.unavailabilityCause())
                    .isTrue();
        }
        pki = Pki.at(directory.resolve("pki"));
        pki.init("test", Pki.CA_VALIDITY);
        nodeFiles = pki.issue(Role.NODE, NODE, List.of("127.0.0.1", "localhost"), Pki.VALIDITY);
        scheduler = new TickScheduler(1, Throwable::printStackTrace);
        final SaveLog saves = SaveLog.allocate(1 << 20);
        host = new InstanceHost(NODE, scheduler, saves, gone -> {}, (id, durations, cpu) -> {});
        final ClientSessions sessions = new ClientSessions(64);
        final EphemeralCharacterStore store = new EphemeralCharacterStore();
        saver = new AgentRunner(
                new SleepingIdleStrategy(1_000_000),
                Throwable::printStackTrace,
                null,
                new Saver(saves, store, NODE, host, SystemNanoClock.INSTANCE, durable -> {}, sessions::logoutSaved));
        AgentRunner.startOnThread(saver);
        final PrometheusRegistry registry = new PrometheusRegistry();
        tls = ClientTls.start(nodeFiles.certificate(), nodeFiles.privateKey(), provider, registry, reloadEvery);
        listener = ClientListener.bind(
                HostPort.parse("127.0.0.1:0"),
                1,
                new ClientListener.Serving(
                        NODE,
                        tokens.verifier(),
                        tokens.standbySigner(),
                        host,
                        sessions,
                        new ClientMetrics(registry, sessions),
                        store,
                        storeThreads,
                        new Arrivals(),
                        QueueDesk.NONE),
                Thread::new,
                tls);
        host.apply(AssignmentSet.newBuilder()
                .addInstances(MapInstance.newBuilder()
                        .setInstanceId(CONTINENT)
                        .setMapId(0)
                        .setKind(MapKind.MAP_KIND_CONTINENT)
                        .setRealm("main")
                        .setNodeId(NODE)
                        .setEpoch(1)
                        .setState(InstanceState.INSTANCE_STATE_PENDING))
                .build());
    }

    @AfterEach
    void stop() {
        if (listener != null) {
            listener.close();
        }
        if (tls != null) {
            tls.close();
        }
        if (scheduler != null) {
            scheduler.close();
        }
        if (saver != null) {
            saver.close();
        }
        storeThreads.shutdownNow();
        relayThreads.shutdownNow();
    }

    @ParameterizedTest
    @EnumSource(names = {"JDK", "OPENSSL"})
    void aPlayerWhoTrustsTheRealmsCaVerifiesTheNodeLogsInAndPlaysWithItsMovesOverUdp(final SslProvider provider)
            throws Exception {
        start(provider, Duration.ZERO);
        try (TestClient client = TestClient.overTls(listener.address(), trusting(pki.caCertificate()));
                DatagramSocket udp = new DatagramSocket(new InetSocketAddress("127.0.0.1", 0))) {
            assertThat(client.tlsSession().getProtocol()).isEqualTo("TLSv1.3");
            final String entered = inWorld(client, 7);
            client.send(o -> ClientMessages.ping(client.buffer(), o, 99));
            client.await(l -> l.equals("pong 99"), DEADLINE);
            // The cookie came over TLS; the datagrams it binds go in clear, as before.
            final float x = Float.parseFloat(
                    entered.substring(entered.indexOf(" at ") + 4).split(",")[0]);
            final float y = Float.parseFloat(
                    entered.substring(entered.indexOf(" at ") + 4).split(",")[1]);
            udp.send(datagram(
                    client.sessionId,
                    client.cookie,
                    b -> ClientMessages.move(b, ClientProtocol.DATAGRAM_BODY, 3, x + 0.3f, y, 0f, 0f, 0)));
            client.await(l -> l.startsWith("self 3 "), DEADLINE);
            await().atMost(DEADLINE)
                    .until(() -> host.instance(CONTINENT).world().players() == 1);
        }
        assertThat(tls.watch().count(TlsHandshakes.OK)).isEqualTo(1);
        assertThat(tls.names("127.0.0.1")).isTrue();
        assertThat(tls.names("LOCALHOST")).isTrue();
        assertThat(tls.names("127.0.0.2")).isFalse();
        assertThat(tls.names("node-t.example.net")).isFalse();
    }

    @ParameterizedTest
    @EnumSource(names = {"JDK", "OPENSSL"})
    void aPlaintextClientIsRefusedWithoutAFrameAndCounted(final SslProvider provider) throws Exception {
        start(provider, Duration.ZERO);
        try (TestClient client = new TestClient(listener.address())) {
            client.send(o -> ClientMessages.hello(
                    client.buffer(), o, ClientProtocol.VERSION, token(8, System.currentTimeMillis() + 60_000)));
            assertThat(client.readUntilClosed(DEADLINE)).isEmpty();
        }
        // Refused as not TLS, or, when its first bytes happen to pass for the start of a record (a HELLO's length
        // prefix can), at the handshake's deadline: either way closed without a frame, and counted.
        await().atMost(DEADLINE)
                .until(() ->
                        tls.watch().count(TlsHandshakes.NOT_TLS) + tls.watch().count(TlsHandshakes.TIMEOUT) == 1);
        assertThat(tls.watch().count(TlsHandshakes.OK)).isZero();
        assertThat(host.instance(CONTINENT).world().players()).isZero();
    }

    @ParameterizedTest
    @EnumSource(names = {"JDK", "OPENSSL"})
    void aClientThatTrustsAnotherCaFailsTheHandshakeAndItIsCounted(final SslProvider provider) throws Exception {
        start(provider, Duration.ZERO);
        final Pki other = Pki.at(directory.resolve("other"));
        other.init("elsewhere", Pki.CA_VALIDITY);
        final SSLContext wrongTrust = trusting(other.caCertificate());
        assertThatThrownBy(() -> TestClient.overTls(listener.address(), wrongTrust))
                .isInstanceOf(SSLException.class);
        await().atMost(DEADLINE).until(() -> tls.watch().count(TlsHandshakes.REFUSED) == 1);
        assertThat(tls.watch().count(TlsHandshakes.OK)).isZero();
    }

    @ParameterizedTest
    @EnumSource(names = {"JDK", "OPENSSL"})
    void aClientDialingAnAddressTheCertificateDoesNotNameRefusesTheNode(final SslProvider provider) throws Exception {
        start(provider, Duration.ZERO);
        // A certificate of the realm's CA, for another host than the one the client dials.
        pki.issue(Role.NODE, NODE, List.of("node-t.example.net"), Pki.VALIDITY);
        assertThat(tls.reloadIfChanged()).isTrue();
        assertThatThrownBy(() -> TestClient.overTls(listener.address(), trusting(pki.caCertificate())))
                .isInstanceOf(SSLException.class)
                .hasMessageContaining("127.0.0.1");
        assertThat(tls.watch().count(TlsHandshakes.OK)).isZero();
    }

    @ParameterizedTest
    @EnumSource(names = {"JDK", "OPENSSL"})
    void aRotatedCertificateReachesNewConnectionsWhileOpenOnesPlayOn(final SslProvider provider) throws Exception {
        start(provider, Duration.ofMillis(100));
        final SSLContext trust = trusting(pki.caCertificate());
        try (TestClient before = TestClient.overTls(listener.address(), trust)) {
            inWorld(before, 21);
            final X509Certificate first = (X509Certificate) before.tlsSession().getPeerCertificates()[0];
            pki.issue(Role.NODE, NODE, List.of("127.0.0.1", "localhost"), Pki.VALIDITY);
            final X509Certificate rotated = Pki.readCertificate(nodeFiles.certificate());
            assertThat(rotated.getSerialNumber()).isNotEqualTo(first.getSerialNumber());
            await().atMost(DEADLINE).until(() -> tls.watch().loads() == 2);
            try (TestClient after = TestClient.overTls(listener.address(), trust)) {
                assertThat(((X509Certificate) after.tlsSession().getPeerCertificates()[0]).getSerialNumber())
                        .isEqualTo(rotated.getSerialNumber());
                inWorld(after, 22);
            }
            before.send(o -> ClientMessages.ping(before.buffer(), o, 5));
            before.await(l -> l.equals("pong 5"), DEADLINE);
        }
    }

    @ParameterizedTest
    @EnumSource(names = {"JDK"})
    void aHalfWrittenRotationKeepsTheCertificateInUse(final SslProvider provider) throws Exception {
        start(provider, Duration.ZERO);
        final SSLContext trust = trusting(pki.caCertificate());
        // Another node's key beside this node's certificate: as when a rotation wrote its key, not yet its certificate.
        final TlsFiles stranger = pki.issue(Role.NODE, "node-x", List.of("127.0.0.1"), Pki.VALIDITY);
        Files.copy(stranger.privateKey(), nodeFiles.privateKey(), StandardCopyOption.REPLACE_EXISTING);
        assertThat(tls.reloadIfChanged()).isFalse();
        try (TestClient client = TestClient.overTls(listener.address(), trust)) {
            inWorld(client, 23);
        }
        Files.copy(stranger.certificate(), nodeFiles.certificate(), StandardCopyOption.REPLACE_EXISTING);
        assertThat(tls.reloadIfChanged()).isTrue();
        try (TestClient client = TestClient.overTls(listener.address(), trust)) {
            assertThat(((X509Certificate) client.tlsSession().getPeerCertificates()[0]).getSerialNumber())
                    .isEqualTo(Pki.readCertificate(stranger.certificate()).getSerialNumber());
        }
    }

    @ParameterizedTest
    @EnumSource(names = {"OPENSSL"})
    void aClientThatNeverFinishesItsHandshakeIsClosedAtTheDeadlineAndCounted(final SslProvider provider)
            throws Exception {
        start(provider, Duration.ZERO);
        try (Socket silent = new Socket()) {
            silent.connect(new InetSocketAddress("127.0.0.1", listener.address().port()), 5_000);
            silent.setSoTimeout((int) (ClientTls.HANDSHAKE_DEADLINE_MILLIS + DEADLINE.toMillis()));
            final long connected = System.nanoTime();
            assertThat(silent.getInputStream().read()).isEqualTo(-1);
            assertThat(Duration.ofNanos(System.nanoTime() - connected))
                    .isGreaterThanOrEqualTo(Duration.ofMillis(ClientTls.HANDSHAKE_DEADLINE_MILLIS - 100));
        }
        await().atMost(DEADLINE).until(() -> tls.watch().count(TlsHandshakes.TIMEOUT) == 1);
    }

    @ParameterizedTest
    @EnumSource(names = {"OPENSSL"})
    void neitherTheTokenNorTheUdpCookieCrossTheWireInClear(final SslProvider provider) throws Exception {
        start(provider, Duration.ZERO);
        try (Relay relay = new Relay(listener.address())) {
            final byte[] token = token(31, System.currentTimeMillis() + 60_000);
            try (TestClient client = TestClient.overTls(relay.address(), trusting(pki.caCertificate()))) {
                client.send(o -> ClientMessages.hello(client.buffer(), o, ClientProtocol.VERSION, token));
                client.await(l -> l.startsWith("welcome "), DEADLINE);
                client.send(o -> ClientMessages.enterWorld(client.buffer(), o, CONTINENT));
                client.await(l -> l.startsWith("entered 31 "), DEADLINE);
                assertThat(client.cookie).isNotNull();
                await().atMost(DEADLINE).until(() -> relay.toClient().length > 0);
                assertThat(indexOf(relay.toNode(), token))
                        .as("the token in clear")
                        .isNegative();
                assertThat(indexOf(relay.toClient(), client.cookie))
                        .as("the cookie in clear")
                        .isNegative();
            }
        }
    }

    private String inWorld(final TestClient client, final long character) throws IOException {
        final byte[] token = token(character, System.currentTimeMillis() + 60_000);
        client.send(o -> ClientMessages.hello(client.buffer(), o, ClientProtocol.VERSION, token));
        client.await(l -> l.startsWith("welcome "), DEADLINE);
        client.send(o -> ClientMessages.enterWorld(client.buffer(), o, CONTINENT));
        return client.await(l -> l.startsWith("entered " + character + " "), DEADLINE);
    }

    private byte[] token(final long character, final long expiresAt) {
        return tokens.login(1, character, NODE, CONTINENT, 0, expiresAt);
    }

    /** A TLS context that trusts only the CA certificate in {@code caFile}. */
    private static SSLContext trusting(final Path caFile) throws Exception {
        final KeyStore store = KeyStore.getInstance(KeyStore.getDefaultType());
        store.load(null, null);
        store.setCertificateEntry("ca", Pki.readCertificate(caFile));
        final TrustManagerFactory trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        trust.init(store);
        final SSLContext context = SSLContext.getInstance("TLS");
        context.init(null, trust.getTrustManagers(), null);
        return context;
    }

    private interface BodyWriter {
        int write(UnsafeBuffer buffer);
    }

    private DatagramPacket datagram(final long session, final byte[] cookie, final BodyWriter body) {
        final UnsafeBuffer buffer = new UnsafeBuffer(new byte[ClientProtocol.DATAGRAM_BODY + 64]);
        buffer.putLong(ClientProtocol.DATAGRAM_SESSION, session, ByteOrder.LITTLE_ENDIAN);
        buffer.putBytes(ClientProtocol.DATAGRAM_COOKIE, cookie);
        final int length = ClientProtocol.DATAGRAM_BODY + body.write(buffer);
        return new DatagramPacket(
                buffer.byteArray(),
                length,
                new InetSocketAddress("127.0.0.1", listener.address().port()));
    }

    private static int indexOf(final byte[] haystack, final byte[] needle) {
        outer:
        for (int i = 0; i + needle.length <= haystack.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (haystack[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }

    /** One TCP connection relayed to the node, keeping every byte that passes each way: what a sniffer sees. */
    private final class Relay implements AutoCloseable {
        private final ServerSocket server;
        private final ByteArrayOutputStream toNode = new ByteArrayOutputStream();
        private final ByteArrayOutputStream toClient = new ByteArrayOutputStream();
        private volatile Socket client;
        private volatile Socket node;

        Relay(final HostPort target) throws IOException {
            server = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
            relayThreads.execute(() -> {
                try {
                    client = server.accept();
                    node = new Socket();
                    node.connect(new InetSocketAddress(target.host(), target.port()), 5_000);
                    relayThreads.execute(() -> pump(client, node, toNode));
                    pump(node, client, toClient);
                } catch (final IOException e) {
                    // The test ended.
                }
            });
        }

        HostPort address() {
            return HostPort.parse("127.0.0.1:" + server.getLocalPort());
        }

        private void pump(final Socket from, final Socket to, final ByteArrayOutputStream seen) {
            final byte[] chunk = new byte[4096];
            try (InputStream in = from.getInputStream();
                    OutputStream out = to.getOutputStream()) {
                for (int read; (read = in.read(chunk)) >= 0; ) {
                    synchronized (seen) {
                        seen.write(chunk, 0, read);
                    }
                    out.write(chunk, 0, read);
                    out.flush();
                }
            } catch (final IOException e) {
                // A side closed.
            }
        }

        byte[] toNode() {
            synchronized (toNode) {
                return toNode.toByteArray();
            }
        }

        byte[] toClient() {
            synchronized (toClient) {
                return toClient.toByteArray();
            }
        }

        @Override
        public void close() throws IOException {
            server.close();
            for (final Socket socket : new Socket[] {client, node}) {
                if (socket != null) {
                    socket.close();
                }
            }
        }
    }
}
