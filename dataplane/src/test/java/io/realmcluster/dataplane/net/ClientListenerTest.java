package io.realmcluster.dataplane.net;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.realmcluster.common.auth.Ed25519TokenKeys;
import io.realmcluster.common.auth.SessionToken;
import io.realmcluster.common.auth.TokenKey;
import io.realmcluster.common.net.HostPort;
import io.realmcluster.dataplane.pipeline.SaveLog;
import io.realmcluster.dataplane.store.CharacterStore;
import io.realmcluster.dataplane.store.ClaimRefused;
import io.realmcluster.dataplane.store.ClaimedCharacter;
import io.realmcluster.dataplane.store.EphemeralCharacterStore;
import io.realmcluster.dataplane.store.PendingSave;
import io.realmcluster.dataplane.store.RealmTable;
import io.realmcluster.dataplane.store.Saver;
import io.realmcluster.dataplane.tick.TickScheduler;
import io.realmcluster.dataplane.transfer.Arrivals;
import io.realmcluster.dataplane.world.InstanceHost;
import io.realmcluster.proto.client.ClientMessages;
import io.realmcluster.proto.client.ClientProtocol;
import io.realmcluster.proto.client.FrameError;
import io.realmcluster.proto.client.ServerMessages;
import io.realmcluster.proto.v1.AssignmentSet;
import io.realmcluster.proto.v1.Endpoint;
import io.realmcluster.proto.v1.InstanceMove;
import io.realmcluster.proto.v1.InstanceState;
import io.realmcluster.proto.v1.MapInstance;
import io.realmcluster.proto.v1.MapKind;
import io.realmcluster.proto.v1.MovePhase;
import io.realmcluster.proto.v1.NodeDescriptor;
import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.ByteOrder;
import java.security.KeyPair;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.agrona.concurrent.AgentRunner;
import org.agrona.concurrent.SleepingIdleStrategy;
import org.agrona.concurrent.SystemNanoClock;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The client port over real sockets: a session's happy path, and every kind of bad input refused with its reason. */
class ClientListenerTest {
    private static final Duration DEADLINE = Duration.ofSeconds(10);
    private static final String NODE = "node-t";
    private static final String CONTINENT = "main.0";
    private static final String MOVED_TO = "node-u";
    private final TestTokens tokens = new TestTokens();
    /** The key of the node characters come from in a map's move: it signs their STANDBY tokens. */
    private final KeyPair sourceNode = Ed25519TokenKeys.generate();

    private TickScheduler scheduler;
    private ClientListener listener;
    private ClientMetrics metrics;
    private ClientSessions sessions;
    private InstanceHost host;
    private final RecordingStore store = new RecordingStore();
    private final ExecutorService storeThreads = Executors.newFixedThreadPool(2);
    private AgentRunner saver;
    private final Arrivals arrivals = new Arrivals();

    @BeforeEach
    void start() {
        scheduler = new TickScheduler(1, Throwable::printStackTrace);
        final SaveLog saves = SaveLog.allocate(1 << 20);
        host = new InstanceHost(NODE, scheduler, saves, gone -> listener.mapLeft(gone), (id, durations, cpu) -> {});
        sessions = new ClientSessions(64);
        saver = new AgentRunner(
                new SleepingIdleStrategy(1_000_000),
                Throwable::printStackTrace,
                null,
                new Saver(saves, store, NODE, host, SystemNanoClock.INSTANCE, durable -> {}, sessions::logoutSaved));
        AgentRunner.startOnThread(saver);
        metrics = new ClientMetrics(new PrometheusRegistry(), sessions);
        listener = ClientListener.bind(HostPort.parse("127.0.0.1:0"), 1, serving());
        host.apply(AssignmentSet.newBuilder().addInstances(continent()).build());
    }

    private static MapInstance.Builder continent() {
        return MapInstance.newBuilder()
                .setInstanceId(CONTINENT)
                .setMapId(0)
                .setKind(MapKind.MAP_KIND_CONTINENT)
                .setRealm("main")
                .setNodeId(NODE)
                .setEpoch(1)
                .setState(InstanceState.INSTANCE_STATE_PENDING);
    }

    /** The continent as the control plane assigns it while it hands its players over to {@link #MOVED_TO}'s copy. */
    private static AssignmentSet continentMoving() {
        return continentMoving(MovePhase.MOVE_PHASE_HANDING_OVER);
    }

    private static AssignmentSet continentMoving(final MovePhase phase) {
        return AssignmentSet.newBuilder()
                .addInstances(continent()
                        .setMove(InstanceMove.newBuilder()
                                .setToNodeId(MOVED_TO)
                                .setPhase(phase)
                                .setEpoch(7)
                                .setReason("drain")
                                .setToNode(NodeDescriptor.newBuilder()
                                        .setNodeId(MOVED_TO)
                                        .setClient(Endpoint.newBuilder()
                                                .setHost("127.0.0.1")
                                                .setPort(4567)))))
                .build();
    }

    @AfterEach
    void stop() {
        listener.close();
        scheduler.close();
        saver.close();
        storeThreads.shutdownNow();
    }

    @Test
    void aPlayerWithAValidTokenEntersTheWorldAndSeesItsMovesApplied() throws Exception {
        try (TestClient client = new TestClient(listener.address())) {
            final String entered = inWorld(client, 7);
            assertThat(entered).startsWith("entered 7 map 0").contains(" at ");
            client.await(l -> l.startsWith("updates reset"), DEADLINE);
            final float[] at = position(entered);
            client.send(o -> ClientMessages.move(client.buffer(), o, 1, at[0] + 0.3f, at[1], 0f, 0f, 0));
            client.await(l -> l.startsWith("self 1 " + (at[0] + 0.3f)), DEADLINE);
            client.send(o -> ClientMessages.ping(client.buffer(), o, 99));
            client.await(l -> l.equals("pong 99"), DEADLINE);
            await().atMost(DEADLINE)
                    .until(() -> host.instance(CONTINENT).world().players() == 1);
        }
        await().atMost(DEADLINE).until(() -> host.instance(CONTINENT).world().players() == 0);
    }

    @Test
    void anEnterWorldSentRightBehindHelloWaitsForTheLoginsClaim() throws Exception {
        // The claim cannot run while both store threads are held: ENTER_WORLD arrives while it waits.
        final CountDownLatch held = new CountDownLatch(2);
        final CountDownLatch release = new CountDownLatch(1);
        for (int i = 0; i < 2; i++) {
            storeThreads.execute(holding(held, release));
        }
        assertThat(held.await(DEADLINE.toMillis(), TimeUnit.MILLISECONDS)).isTrue();
        try (TestClient client = new TestClient(listener.address())) {
            hello(token(9, NODE, System.currentTimeMillis() + 60_000)).accept(client);
            client.send(o -> ClientMessages.enterWorld(client.buffer(), o, CONTINENT));
            client.send(o -> ClientMessages.ping(client.buffer(), o, 5));
            // Frames are read in order: the node has taken ENTER_WORLD, before its claim, when it answers the PING.
            client.await(l -> l.equals("pong 5"), DEADLINE);
            release.countDown();
            client.await(l -> l.startsWith("welcome "), DEADLINE);
            client.await(l -> l.startsWith("entered 9 map 0"), DEADLINE);
        } finally {
            release.countDown();
        }
    }

    @Test
    void aLogoutIsAnsweredOnceItsSaveIsDurable() throws Exception {
        try (TestClient client = new TestClient(listener.address())) {
            inWorld(client, 11);
            client.send(o -> ClientMessages.logout(client.buffer(), o));
            client.await(l -> l.equals("disconnect LOGOUT"), DEADLINE);
            // A login right after this finds the character as it left.
            assertThat(store.loggedOut).contains(11L);
        }
    }

    @Test
    void aLogoutIsAnsweredEvenWhileTheDatabaseIsDownAndItsSaveLandsWhenItIsBack() throws Exception {
        try (TestClient client = new TestClient(listener.address())) {
            inWorld(client, 12);
            store.down = true;
            final long sent = System.nanoTime();
            client.send(o -> ClientMessages.logout(client.buffer(), o));
            client.await(l -> l.equals("disconnect LOGOUT"), DEADLINE);
            assertThat(Duration.ofNanos(System.nanoTime() - sent))
                    .isGreaterThanOrEqualTo(Duration.ofMillis(ClientSession.LOGOUT_WAIT_MILLIS));
            assertThat(store.loggedOut).doesNotContain(12L);
        } finally {
            store.down = false;
        }
        await().atMost(DEADLINE).until(() -> store.loggedOut.contains(12L));
    }

    @Test
    void aTransferThatCommitsWhileItsPlayerLogsOutEndsTheSessionWithLogoutNotARedirect() throws Exception {
        try (TestClient client = new TestClient(listener.address())) {
            inWorld(client, 13);
            // The logout's save cannot land: the session waits, logging out, when the transfer's redirect comes.
            store.down = true;
            client.send(o -> ClientMessages.logout(client.buffer(), o));
            // Only the LOGOUT takes the player off its map while its client is connected.
            await().atMost(DEADLINE)
                    .until(() -> host.instance(CONTINENT).world().players() == 0);
            final UnsafeBuffer body = new UnsafeBuffer(new byte[ClientProtocol.MAX_BODY]);
            final int length = ServerMessages.redirect(body, 0, "127.0.0.1", 4567, new byte[16], CONTINENT);
            assertThat(sessions.redirect((int) client.sessionId, 13, body.byteArray(), length))
                    .isTrue();
            final List<String> seen = client.readUntilClosed(Duration.ofMillis(ClientSession.LOGOUT_WAIT_MILLIS / 2));
            assertThat(seen).contains("disconnect LOGOUT").noneMatch(l -> l.startsWith("redirect"));
        } finally {
            store.down = false;
        }
    }

    @Test
    void malformedFramesCloseTheSessionWithTheirReasonAndAreCounted() throws Exception {
        assertRefused(raw(new byte[] {1, 0, 0x7F}), "MALFORMED_FRAME");
        assertRefused(raw(new byte[] {3, 0, ClientProtocol.MOVE, 0, 0}), "MALFORMED_FRAME");
        assertRefused(raw(new byte[] {(byte) 0xFF, (byte) 0xFF, 1}), "MALFORMED_FRAME");
        assertRefused(raw(new byte[] {0, 0}), "MALFORMED_FRAME");
        assertThat(metrics.rejectedCount(FrameError.UNKNOWN_OPCODE)).isEqualTo(1);
        assertThat(metrics.rejectedCount(FrameError.BAD_LENGTH)).isEqualTo(1);
        assertThat(metrics.rejectedCount(FrameError.OVERSIZED)).isEqualTo(1);
        assertThat(metrics.rejectedCount(FrameError.EMPTY)).isEqualTo(1);
    }

    @Test
    void badTokensWrongVersionsAndOutOfOrderMessagesAreRefusedWithTheirReason() throws Exception {
        final byte[] good = token(8, NODE, System.currentTimeMillis() + 60_000);
        final byte[] forged = good.clone();
        forged[3] ^= 1;
        assertRefused(hello(forged), "BAD_TOKEN");
        assertRefused(hello(token(8, NODE, System.currentTimeMillis() - 1)), "EXPIRED_TOKEN");
        assertRefused(hello(token(8, "node-other", System.currentTimeMillis() + 60_000)), "WRONG_NODE");
        assertRefused(
                c -> c.send(o -> ClientMessages.hello(c.buffer(), o, ClientProtocol.VERSION + 1, good)),
                "VERSION_MISMATCH");
        assertRefused(c -> c.send(o -> ClientMessages.move(c.buffer(), o, 1, 0f, 0f, 0f, 0f, 0)), "OUT_OF_ORDER");
        assertRefused(
                c -> {
                    hello(tokens.login(1, 8, NODE, "main.999", 0, System.currentTimeMillis() + 60_000))
                            .accept(c);
                    c.send(o -> ClientMessages.enterWorld(c.buffer(), o, "main.999"));
                },
                "UNKNOWN_MAP");
        assertThat(metrics.rejectedCount(FrameError.WRONG_VERSION)).isEqualTo(1);
        assertThat(host.instance(CONTINENT).world().players()).isZero();
    }

    @Test
    void connectionsWithoutHelloAreCappedPerAddressWhileAPlayerInTheWorldKeepsPlaying() throws Exception {
        rebind(new ClientLimits(8, 64, 100_000));
        final List<Socket> silent = new ArrayList<>();
        try (TestClient player = new TestClient(listener.address())) {
            final float[] at = position(inWorld(player, 21));
            for (int i = 0; i < 300; i++) {
                final Socket socket = new Socket();
                socket.bind(new InetSocketAddress("127.0.0.3", 0));
                socket.connect(
                        new InetSocketAddress("127.0.0.1", listener.address().port()), 5_000);
                silent.add(socket);
            }
            await().atMost(DEADLINE)
                    .until(() -> metrics.connectionsRefused(ConnectionGate.PENDING_PER_ADDRESS) == 300 - 8);
            // The player goes on: its moves are applied and answered.
            player.send(o -> ClientMessages.move(player.buffer(), o, 1, at[0] + 0.3f, at[1], 0f, 0f, 0));
            player.await(l -> l.startsWith("self 1 " + (at[0] + 0.3f)), DEADLINE);
            // Another address still gets in, and logs in.
            try (TestClient other = new TestClient(listener.address(), "127.0.0.2")) {
                inWorld(other, 22);
            }
            // The flooder's held connections give their places back as they close.
            for (final Socket socket : silent) {
                socket.close();
            }
            try (TestClient again = new TestClient(listener.address(), "127.0.0.3")) {
                inWorld(again, 23);
            }
            assertThat(metrics.connectionsRefused(ConnectionGate.PENDING_PER_ADDRESS))
                    .isEqualTo(300 - 8);
        } finally {
            for (final Socket socket : silent) {
                socket.close();
            }
        }
    }

    @Test
    void acceptsPastTheRateAreRefusedAndCounted() throws Exception {
        rebind(new ClientLimits(10_000, 10_000, 20));
        final List<Socket> sockets = new ArrayList<>();
        try {
            for (int i = 0; i < 100; i++) {
                final Socket socket = new Socket();
                socket.connect(
                        new InetSocketAddress("127.0.0.1", listener.address().port()), 5_000);
                sockets.add(socket);
            }
            await().atMost(DEADLINE).until(() -> metrics.connectionsRefused(ConnectionGate.ACCEPT_RATE) > 0);
        } finally {
            for (final Socket socket : sockets) {
                socket.close();
            }
        }
    }

    @Test
    void aChatFloodIsRefusedAndCountedWhileThePlayerStaysConnected() throws IOException {
        try (TestClient client = new TestClient(listener.address())) {
            inWorld(client, 24);
            for (int i = 0; i < 50; i++) {
                final int line = i;
                client.send(o -> ClientMessages.say(client.buffer(), o, "spam " + line));
            }
            client.send(o -> ClientMessages.ping(client.buffer(), o, 77));
            client.await(l -> l.equals("pong 77"), DEADLINE);
            assertThat(metrics.chatRefusedCount())
                    .isGreaterThanOrEqualTo(50 - ClientSession.CHAT_BURST - 2)
                    .isLessThanOrEqualTo(50 - ClientSession.CHAT_BURST);
        }
    }

    @Test
    void aSpeedHackIsRefusedAndCountedAndThePlayerStaysWhereItWas() throws IOException {
        try (TestClient client = new TestClient(listener.address())) {
            final float[] at = position(inWorld(client, 25));
            client.send(o -> ClientMessages.move(client.buffer(), o, 1, at[0] + 500f, at[1], 0f, 0f, 0));
            client.send(o -> ClientMessages.move(client.buffer(), o, 2, at[0], at[1], 300f, 0f, 0));
            client.send(o -> ClientMessages.move(client.buffer(), o, 3, at[0] + 0.3f, at[1], 0f, 0f, 0));
            // Only the legal step is applied; the teleport and the flight were refused on the map.
            client.await(l -> l.startsWith("self 3 " + (at[0] + 0.3f)), DEADLINE);
            await().atMost(DEADLINE)
                    .until(() -> host.instance(CONTINENT).world().rejectedMoves() == 2);
        }
    }

    /** What the node serves its clients with: this test's map host, store and token keys. */
    private ClientListener.Serving serving() {
        return new ClientListener.Serving(
                NODE,
                tokens.verifier(),
                tokens.standbySigner(),
                host,
                sessions,
                metrics,
                store,
                storeThreads,
                arrivals,
                QueueDesk.NONE);
    }

    /** Listen again, with these limits. */
    private void rebind(final ClientLimits limits) {
        listener.close();
        listener = ClientListener.bind(HostPort.parse("127.0.0.1:0"), 1, serving(), Thread::new, limits);
    }

    @Test
    void aFloodClosesTheSessionWithoutReachingTheMap() throws Exception {
        try (TestClient client = new TestClient(listener.address())) {
            inWorld(client, 9);
            client.sendRaw(pings(1_000));
            assertThat(client.readUntilClosed(DEADLINE)).contains("disconnect FLOOD");
        }
        assertThat(metrics.disconnectCount("flood")).isEqualTo(1);
    }

    @Test
    void afterItsLastFrameTheNodeReadsOnUntilTheClientCloses() throws Exception {
        try (TestClient client = new TestClient(listener.address())) {
            inWorld(client, 10);
            client.send(o -> ClientMessages.enterWorld(client.buffer(), o, CONTINENT));
            assertThat(client.readUntilClosed(DEADLINE)).contains("disconnect OUT_OF_ORDER");
            // The node shut its side down (the client saw the end of the stream) and reads on: what a client in
            // the world still sends (its moves, 20 a second) meets an open socket, not a reset. A socket closed
            // with frames unread would reset the connection, and a reset throws away whatever the node had not
            // sent yet, such as that DISCONNECT (or a REDIRECT) behind the frames of a client that reads slowly.
            for (int i = 0; i < 100; i++) {
                client.sendRaw(pings(1));
            }
        }
    }

    /** {@code count} PING frames back to back. */
    private static byte[] pings(final int count) {
        final byte[] burst = new byte[11 * count];
        final UnsafeBuffer frames = new UnsafeBuffer(burst);
        for (int i = 0; i < count; i++) {
            frames.putShort(i * 11, (short) 9, ByteOrder.LITTLE_ENDIAN);
            ClientMessages.ping(frames, i * 11 + 2, i);
        }
        return burst;
    }

    @Test
    void udpCountsOnlyWithTheSessionsCookieAndNeverRepliesLargerThanAsked() throws Exception {
        try (TestClient client = new TestClient(listener.address());
                DatagramSocket udp = new DatagramSocket(new InetSocketAddress("127.0.0.1", 0))) {
            udp.setSoTimeout(5_000);
            final float[] at = position(inWorld(client, 11));
            final InetSocketAddress node =
                    new InetSocketAddress("127.0.0.1", listener.address().port());

            final byte[] wrongCookie = new byte[ClientProtocol.COOKIE_BYTES];
            udp.send(datagram(
                    client.sessionId, wrongCookie, b -> ClientMessages.ping(b, ClientProtocol.DATAGRAM_BODY, 5), node));
            await().atMost(DEADLINE).until(() -> metrics.rejectedCount(FrameError.UNBOUND_DATAGRAM) == 1);

            final DatagramPacket ping = datagram(
                    client.sessionId,
                    client.cookie,
                    b -> ClientMessages.ping(b, ClientProtocol.DATAGRAM_BODY, 6),
                    node);
            udp.send(ping);
            final DatagramPacket pong = new DatagramPacket(new byte[512], 512);
            udp.receive(pong);
            assertThat(pong.getLength()).isLessThan(ping.getLength());
            final UnsafeBuffer reply = new UnsafeBuffer(pong.getData(), 0, pong.getLength());
            assertThat(reply.getLong(0, ByteOrder.LITTLE_ENDIAN)).isEqualTo(client.sessionId);
            assertThat(reply.getByte(ClientProtocol.REPLY_BODY)).isEqualTo(ClientProtocol.PONG);

            udp.send(datagram(
                    client.sessionId,
                    client.cookie,
                    b -> ClientMessages.move(b, ClientProtocol.DATAGRAM_BODY, 3, at[0], at[1] + 0.3f, 0f, 0f, 0),
                    node));
            client.await(l -> l.startsWith("self 3 "), DEADLINE);

            // The session is bound to the first address: the same cookie from elsewhere counts for nothing.
            try (DatagramSocket other = new DatagramSocket(new InetSocketAddress("127.0.0.1", 0))) {
                other.send(datagram(
                        client.sessionId,
                        client.cookie,
                        b -> ClientMessages.ping(b, ClientProtocol.DATAGRAM_BODY, 7),
                        node));
            }
            await().atMost(DEADLINE).until(() -> metrics.rejectedCount(FrameError.UNBOUND_DATAGRAM) == 2);

            // Datagrams far faster than the session's rate (sent in bursts; the kernel may drop some of a
            // burst itself): past the budget they are dropped and counted, and the session stays.
            int sent = 0;
            while (metrics.rejectedCount(FrameError.DATAGRAM_FLOOD) == 0 && sent < ClientSession.FRAME_BURST * 20) {
                for (int i = 0; i < 25; i++, sent++) {
                    udp.send(datagram(
                            client.sessionId,
                            client.cookie,
                            b -> ClientMessages.move(
                                    b, ClientProtocol.DATAGRAM_BODY, 4, at[0], at[1] + 0.3f, 0f, 0f, 0),
                            node));
                }
            }
            assertThat(metrics.rejectedCount(FrameError.DATAGRAM_FLOOD))
                    .as("after %d datagrams", sent)
                    .isPositive();
            assertThat(sent).isGreaterThanOrEqualTo((int) ClientSession.FRAME_BURST);
            assertThat(metrics.disconnectCount("flood")).isZero();
            client.send(o -> ClientMessages.ping(client.buffer(), o, 98));
            client.await(l -> l.equals("pong 98"), DEADLINE);
        }
    }

    @Test
    void datagramsAreReadWhileTheThreadsOfTheSessionsAreBusy() throws Exception {
        try (TestClient client = new TestClient(listener.address());
                DatagramSocket udp = new DatagramSocket(new InetSocketAddress("127.0.0.1", 0))) {
            udp.setSoTimeout(5_000);
            inWorld(client, 13);
            try (SessionThreadsHeld busy = new SessionThreadsHeld()) {
                // Every thread of the TCP sessions is busy (as under thousands of players): the datagram is still read.
                udp.send(datagram(
                        client.sessionId,
                        client.cookie,
                        b -> ClientMessages.ping(b, ClientProtocol.DATAGRAM_BODY, 8),
                        new InetSocketAddress("127.0.0.1", listener.address().port())));
                final DatagramPacket pong = new DatagramPacket(new byte[512], 512);
                udp.receive(pong);
                assertThat(pong.getData()[ClientProtocol.REPLY_BODY]).isEqualTo(ClientProtocol.PONG);
            }
        }
    }

    @Test
    void framesForASessionWhoseThreadIsBusyWaitAsOneWriteAndAllArrive() throws Exception {
        try (TestClient client = new TestClient(listener.address());
                DatagramSocket udp = new DatagramSocket(new InetSocketAddress("127.0.0.1", 0))) {
            final float[] at = position(inWorld(client, 17));
            final InetSocketAddress node =
                    new InetSocketAddress("127.0.0.1", listener.address().port());
            final int moves = 5;
            try (SessionThreadsHeld busy = new SessionThreadsHeld()) {
                // Its thread is busy (as when it serves more than it can): moves still come in over UDP, one
                // tick after the other, and each tick has a frame for it.
                for (int seq = 1; seq <= moves; seq++) {
                    final int sequence = seq;
                    final double framesBefore = metrics.framesSent();
                    udp.send(datagram(
                            client.sessionId,
                            client.cookie,
                            b -> ClientMessages.move(
                                    b,
                                    ClientProtocol.DATAGRAM_BODY,
                                    sequence,
                                    at[0] + 0.3f * sequence,
                                    at[1],
                                    0f,
                                    0f,
                                    0),
                            node));
                    await().atMost(DEADLINE).until(() -> metrics.framesSent() > framesBefore);
                }
                assertThat(listener.sessionTasksWaiting())
                        .as("writes waiting for the busy thread")
                        .isEqualTo(1);
            }
            for (int seq = 1; seq <= moves; seq++) {
                final String self = "self " + seq + " ";
                client.await(l -> l.startsWith(self), DEADLINE);
            }
        }
    }

    @Test
    void playersOnAMapThatLeavesTheNodeAreToldWhy() throws Exception {
        try (TestClient client = new TestClient(listener.address())) {
            inWorld(client, 12);
            host.apply(AssignmentSet.getDefaultInstance());
            assertThat(client.readUntilClosed(DEADLINE)).contains("disconnect MAP_CLOSED");
        }
    }

    @Test
    void aLoginToAMapHandingItsPlayersOverIsToldToLogInAgainForItsNewNode() throws Exception {
        // This node cannot give a token the map's new node takes: the control plane routes the next login there.
        host.apply(continentMoving());
        try (TestClient client = new TestClient(listener.address())) {
            enter(client, 13);
            assertThat(client.readUntilClosed(DEADLINE))
                    .contains("disconnect MAP_CLOSED")
                    .noneMatch(l -> l.startsWith("entered") || l.startsWith("redirect"));
        }
        assertThat(host.instance(CONTINENT).world().players()).isZero();
    }

    @Test
    void playersStillOnAMapThatMovedWithItsPlayersAreToldToLogInAgain() throws Exception {
        try (TestClient client = new TestClient(listener.address())) {
            inWorld(client, 14);
            // The map freezes the player for its hand-over, which never comes here; then the move ends.
            host.apply(continentMoving());
            host.apply(AssignmentSet.getDefaultInstance());
            assertThat(client.readUntilClosed(DEADLINE))
                    .contains("disconnect MAP_CLOSED")
                    .noneMatch(l -> l.startsWith("redirect"));
        }
    }

    @Test
    void aReplayedSessionTokenIsRefusedWhileItsSessionPlaysAndAfterItEnded() throws Exception {
        final byte[] token = token(21, NODE, System.currentTimeMillis() + 60_000);
        try (TestClient player = new TestClient(listener.address())) {
            hello(token).accept(player);
            player.await(l -> l.startsWith("welcome "), DEADLINE);
            assertRefused(hello(token), "TOKEN_REPLAYED");
            player.send(o -> ClientMessages.ping(player.buffer(), o, 3));
            player.await(l -> l.equals("pong 3"), DEADLINE);
        }
        await().atMost(DEADLINE).until(() -> sessions.open() == 0);
        assertRefused(hello(token), "TOKEN_REPLAYED");
    }

    @Test
    void enterWorldIntoAnInstanceTheTokenDoesNotNameIsRefused() throws Exception {
        host.apply(AssignmentSet.newBuilder()
                .addInstances(continent())
                .addInstances(continent().setInstanceId("main.1").setMapId(1))
                .build());
        await().atMost(DEADLINE).until(() -> host.instance("main.1") != null);
        assertRefused(
                c -> {
                    hello(token(22, NODE, System.currentTimeMillis() + 60_000)).accept(c);
                    c.await(l -> l.startsWith("welcome "), DEADLINE);
                    c.send(o -> ClientMessages.enterWorld(c.buffer(), o, "main.1"));
                },
                "WRONG_INSTANCE");
        assertThat(host.instance("main.1").world().players()).isZero();
        assertThat(host.instance(CONTINENT).world().players()).isZero();
    }

    @Test
    void aSecondHelloForACharacterPlayingHereIsRefusedAndThePlayerPlaysOn() throws Exception {
        try (TestClient player = new TestClient(listener.address())) {
            inWorld(player, 23);
            // A good token of the control plane, for the epoch the node claimed the character at.
            assertRefused(
                    hello(tokens.login(1, 23, NODE, CONTINENT, 1, System.currentTimeMillis() + 60_000)),
                    "DUPLICATE_LOGIN");
            player.send(o -> ClientMessages.ping(player.buffer(), o, 4));
            player.await(l -> l.equals("pong 4"), DEADLINE);
            assertThat(player.unmatched()).noneMatch(l -> l.startsWith("disconnect"));
        }
    }

    @Test
    void aClientSentToAnotherMapOfThisNodeSaysHelloBeforeItsOldConnectionIsGone() throws Exception {
        try (TestClient old = new TestClient(listener.address());
                TestClient next = new TestClient(listener.address())) {
            inWorld(old, 27);
            final UnsafeBuffer body = new UnsafeBuffer(new byte[ClientProtocol.MAX_BODY]);
            final int length = ServerMessages.redirect(body, 0, "127.0.0.1", 4567, new byte[16], CONTINENT);
            assertThat(sessions.redirect((int) old.sessionId, 27, body.byteArray(), length))
                    .isTrue();
            old.await(l -> l.startsWith("redirect"), DEADLINE);
            // The old connection is still open: its session is closed, so it holds the character no more.
            hello(tokens.login(1, 27, NODE, CONTINENT, 1, System.currentTimeMillis() + 60_000))
                    .accept(next);
            next.await(l -> l.startsWith("welcome "), DEADLINE);
        }
    }

    @Test
    void aLoginWhoseCharacterChangedHandsSinceItsTokenIsRefused() throws Exception {
        // Another node claimed the character after the control plane read its epoch (0) for this token.
        store.claim(24, 1, "node-other");
        assertRefused(hello(token(24, NODE, System.currentTimeMillis() + 60_000)), "CHARACTER_UNAVAILABLE");
        assertThat(store.claim(24, 1, NODE).epoch())
                .as("the refused login claimed nothing")
                .isEqualTo(2);
    }

    @Test
    void aSecondStandbyConnectionForACharacterIsRefusedAndTheFirstKeepsItsPlace() throws Exception {
        try (TestClient first = new TestClient(listener.address());
                TestClient second = new TestClient(listener.address())) {
            standBy(first, 26, System.currentTimeMillis() + 60_000);
            await().atMost(DEADLINE).until(() -> metrics.standbyCount(ClientMetrics.STANDBY_OPENED) == 1);
            standBy(second, 26, System.currentTimeMillis() + 60_000);
            assertThat(second.readUntilClosed(DEADLINE)).contains("disconnect DUPLICATE_LOGIN");
            expectTransferred(26, 5f, 5f);
            assertThat(first.await(l -> l.startsWith("entered 26 "), DEADLINE)).contains(" at 5.0,5.0");
        }
    }

    @Test
    void aStandbyConnectionWithATokenItsCharactersOldNodeDidNotSignIsClosedAndTheArrivalWaits() throws Exception {
        final KeyPair forger = Ed25519TokenKeys.generate();
        try (TestClient client = new TestClient(listener.address())) {
            final byte[] forged = SessionToken.issue(
                    Ed25519TokenKeys.signer(forger.getPrivate(), forger.getPublic()),
                    new SessionToken.Claims(1, 25, "main", NODE, CONTINENT, 0, System.currentTimeMillis() + 60_000));
            client.send(o -> ClientMessages.standbyHello(client.buffer(), o, ClientProtocol.VERSION, forged));
            await().atMost(DEADLINE).until(() -> metrics.standbyCount(ClientMetrics.STANDBY_OPENED) == 1);
            expectTransferred(25, 1f, 1f);
            assertThat(client.readUntilClosed(DEADLINE))
                    .contains("disconnect BAD_TOKEN")
                    .noneMatch(l -> l.startsWith("entered"));
        }
        assertThat(arrivals.waiting()).as("kept for the character's own client").isEqualTo(1);
    }

    @Test
    void playersOfAMapThatBeginsToMoveAreToldToStandByAtItsNewNodeOnce() throws Exception {
        try (TestClient client = new TestClient(listener.address());
                TestClient late = new TestClient(listener.address())) {
            inWorld(client, 15);
            final AssignmentSet preparing = continentMoving(MovePhase.MOVE_PHASE_PREPARING);
            listener.standBy(preparing);
            host.apply(preparing);
            client.await(l -> l.equals("standby 127.0.0.1:4567 " + CONTINENT), DEADLINE);
            assertSentOn(client.standbyToken(), 15);
            // A player who enters while the copy loads is told as it enters.
            inWorld(late, 16);
            late.await(l -> l.equals("standby 127.0.0.1:4567 " + CONTINENT), DEADLINE);
            assertSentOn(late.standbyToken(), 16);
            // The same move again (the hand-over phase): nobody is told twice. A PING behind it shows what came before.
            listener.standBy(continentMoving());
            client.send(o -> ClientMessages.ping(client.buffer(), o, 5));
            client.await(l -> l.equals("pong 5"), DEADLINE);
            assertThat(client.unmatched()).noneMatch(l -> l.startsWith("standby "));
        }
    }

    @Test
    void aStandbyConnectionEntersTheMapAsSoonAsItsTransferIsClaimedHere() throws Exception {
        try (TestClient client = new TestClient(listener.address())) {
            standBy(client, 17, System.currentTimeMillis() + 60_000);
            await().atMost(DEADLINE).until(() -> metrics.standbyCount(ClientMetrics.STANDBY_OPENED) == 1);
            assertThat(host.instance(CONTINENT).world().players())
                    .as("in the map before its transfer")
                    .isZero();
            expectTransferred(17, 120f, -40f);
            assertThat(client.await(l -> l.startsWith("entered 17 "), DEADLINE)).contains(" at 120.0,-40.0");
            assertThat(client.unmatched()).anyMatch(l -> l.startsWith("welcome "));
            await().atMost(DEADLINE)
                    .until(() -> host.instance(CONTINENT).world().players() == 1);
            assertThat(metrics.standbyCount(ClientMetrics.STANDBY_ENTERED)).isEqualTo(1);
            assertThat(arrivals.waiting()).isZero();
        }
    }

    @Test
    void aStandbyConnectionThatComesAfterItsTransferWasClaimedEntersAtOnce() throws Exception {
        expectTransferred(18, 100f, 100f);
        try (TestClient client = new TestClient(listener.address())) {
            standBy(client, 18, System.currentTimeMillis() + 60_000);
            assertThat(client.await(l -> l.startsWith("entered 18 "), DEADLINE)).contains(" at 100.0,100.0");
            assertThat(metrics.standbyCount(ClientMetrics.STANDBY_ENTERED)).isEqualTo(1);
        }
    }

    @Test
    void aStandbyConnectionWhoseCharacterNeverComesIsToldSoWhenItsTokenExpiresAndClaimsNothing() throws Exception {
        try (TestClient client = new TestClient(listener.address())) {
            standBy(client, 19, System.currentTimeMillis() + 1_500);
            assertThat(client.readUntilClosed(DEADLINE))
                    .contains("disconnect STANDBY_ENDED")
                    .noneMatch(l -> l.startsWith("welcome ") || l.startsWith("entered "));
        }
        // Standing by claimed nothing: the character plays on at its node (a login here claims it at epoch 1).
        assertThat(store.claim(19, 1, NODE).epoch()).isEqualTo(1);
        assertThat(metrics.standbyCount(ClientMetrics.STANDBY_ENTERED)).isZero();
    }

    /** Open a standby connection for {@code character} with a token good until {@code expiresAt}, ENTER_WORLD behind it. */
    private void standBy(final TestClient client, final long character, final long expiresAt) throws IOException {
        // Signed by the node the character comes from, which its transfer's offer names the key of.
        final byte[] token = SessionToken.issue(
                Ed25519TokenKeys.signer(sourceNode.getPrivate(), sourceNode.getPublic()),
                new SessionToken.Claims(1, character, "main", NODE, CONTINENT, 0, expiresAt));
        client.send(o -> ClientMessages.standbyHello(client.buffer(), o, ClientProtocol.VERSION, token));
        client.send(o -> ClientMessages.enterWorld(client.buffer(), o, CONTINENT));
    }

    /** The character's transfer to this node's continent was claimed (as the transfer service does), to enter at x, y. */
    private void expectTransferred(final long character, final float x, final float y) throws ClaimRefused {
        final ClaimedCharacter claimed = store.claim(character, 1, NODE);
        final long now = System.currentTimeMillis();
        arrivals.expect(new Arrivals.Arrival(
                claimed,
                CONTINENT,
                x,
                y,
                0f,
                0f,
                now + 60_000,
                now,
                sourceNode.getPublic().getEncoded()));
    }

    /** A STANDBY token for the node the map moves to, for this character, signed by this node's standby key. */
    private void assertSentOn(final byte[] token, final long character) {
        assertThat(token).as("STANDBY token").isNotNull();
        final TokenKey standbyKey = Ed25519TokenKeys.verifier(tokens.standby.getPublic());
        final SessionToken.Verdict there =
                SessionToken.verify(token, id -> standbyKey, MOVED_TO, System.currentTimeMillis());
        assertThat(there.valid())
                .as("valid on %s: %s", MOVED_TO, there.failure())
                .isTrue();
        assertThat(there.claims().characterId()).isEqualTo(character);
        assertThat(there.claims().accountId()).isEqualTo(1);
        assertThat(there.claims().instanceId()).isEqualTo(CONTINENT);
        assertThat(SessionToken.verify(token, id -> standbyKey, NODE, System.currentTimeMillis())
                        .valid())
                .as("valid here")
                .isFalse();
    }

    private interface Step {
        void accept(TestClient client) throws IOException;
    }

    private void assertRefused(final Step step, final String reason) throws IOException {
        try (TestClient client = new TestClient(listener.address())) {
            step.accept(client);
            final List<String> seen = client.readUntilClosed(DEADLINE);
            assertThat(seen).as("frames before the node closed the connection").contains("disconnect " + reason);
        }
    }

    /** The ephemeral store, noting each logout save that landed; every save fails while it is {@link #down}. */
    private static final class RecordingStore implements CharacterStore {
        private final EphemeralCharacterStore characters = new EphemeralCharacterStore();
        final Set<Long> loggedOut = ConcurrentHashMap.newKeySet();
        volatile boolean down;

        @Override
        public RealmTable realms() {
            return characters.realms();
        }

        @Override
        public ClaimedCharacter claim(
                final long characterId, final long accountId, final long expectedEpoch, final String nodeId)
                throws ClaimRefused {
            return characters.claim(characterId, accountId, expectedEpoch, nodeId);
        }

        @Override
        public void release(final long characterId, final long epoch, final String nodeId) {
            characters.release(characterId, epoch, nodeId);
        }

        @Override
        public boolean[] save(final List<PendingSave> saves, final String nodeId) throws SQLException {
            if (down) {
                throw new SQLException("the database does not answer");
            }
            final boolean[] landed = characters.save(saves, nodeId);
            for (int i = 0; i < landed.length; i++) {
                if (landed[i] && saves.get(i).logout()) {
                    loggedOut.add(saves.get(i).characterId());
                }
            }
            return landed;
        }

        @Override
        public ClaimedCharacter claimTransfer(
                final long characterId, final long epoch, final UUID transferId, final String nodeId)
                throws ClaimRefused {
            return characters.claimTransfer(characterId, epoch, transferId, nodeId);
        }

        @Override
        public long abortTransfer(
                final long characterId, final long epoch, final UUID transferId, final String nodeId) {
            return characters.abortTransfer(characterId, epoch, transferId, nodeId);
        }

        @Override
        public boolean transfers() {
            return characters.transfers();
        }
    }

    /** A task that counts {@code held} down, then keeps its thread until {@code release}. */
    private static Runnable holding(final CountDownLatch held, final CountDownLatch release) {
        return () -> {
            held.countDown();
            try {
                release.await();
            } catch (final InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        };
    }

    private final class SessionThreadsHeld implements AutoCloseable {
        private final CountDownLatch release = new CountDownLatch(1);

        SessionThreadsHeld() throws InterruptedException {
            final CountDownLatch held = new CountDownLatch(1);
            listener.onEverySessionThread(holding(held, release));
            if (!held.await(5, TimeUnit.SECONDS)) {
                release.countDown();
                throw new AssertionError("the threads of the sessions were not held within 5 s");
            }
        }

        @Override
        public void close() {
            release.countDown();
        }
    }

    private static Step raw(final byte[] bytes) {
        return client -> client.sendRaw(bytes);
    }

    private static Step hello(final byte[] token) {
        return client -> client.send(o -> ClientMessages.hello(client.buffer(), o, ClientProtocol.VERSION, token));
    }

    private void enter(final TestClient client, final long character) throws IOException {
        hello(token(character, NODE, System.currentTimeMillis() + 60_000)).accept(client);
        client.await(l -> l.startsWith("welcome "), DEADLINE);
        client.send(o -> ClientMessages.enterWorld(client.buffer(), o, CONTINENT));
    }

    /** Enter the continent as {@code character} and wait until in the world; the WORLD_ENTERED line. */
    private String inWorld(final TestClient client, final long character) throws IOException {
        enter(client, character);
        return client.await(l -> l.startsWith("entered " + character + " "), DEADLINE);
    }

    /** A login token for a character the node has not claimed yet (epoch 0), into the continent. */
    private byte[] token(final long character, final String node, final long expiresAt) {
        return tokens.login(1, character, node, CONTINENT, 0, expiresAt);
    }

    private static float[] position(final String entered) {
        final String[] xy = entered.substring(entered.indexOf(" at ") + 4).split(",");
        return new float[] {Float.parseFloat(xy[0]), Float.parseFloat(xy[1])};
    }

    private interface BodyWriter {
        int write(UnsafeBuffer buffer);
    }

    private static DatagramPacket datagram(
            final long session, final byte[] cookie, final BodyWriter body, final InetSocketAddress to) {
        final UnsafeBuffer buffer = new UnsafeBuffer(new byte[ClientProtocol.DATAGRAM_BODY + 64]);
        buffer.putLong(ClientProtocol.DATAGRAM_SESSION, session, ByteOrder.LITTLE_ENDIAN);
        buffer.putBytes(ClientProtocol.DATAGRAM_COOKIE, cookie);
        final int length = ClientProtocol.DATAGRAM_BODY + body.write(buffer);
        return new DatagramPacket(buffer.byteArray(), length, to);
    }
}
