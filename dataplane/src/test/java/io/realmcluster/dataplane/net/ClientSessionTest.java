package io.realmcluster.dataplane.net;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.util.concurrent.MockTicker;
import io.netty.util.concurrent.Ticker;
import io.realmcluster.dataplane.pipeline.SaveLog;
import io.realmcluster.dataplane.store.EphemeralCharacterStore;
import io.realmcluster.dataplane.tick.TickScheduler;
import io.realmcluster.dataplane.transfer.Arrivals;
import io.realmcluster.dataplane.world.FrameText;
import io.realmcluster.dataplane.world.InstanceHost;
import io.realmcluster.proto.client.ClientMessages;
import io.realmcluster.proto.client.ClientProtocol;
import io.realmcluster.proto.client.Frames;
import io.realmcluster.proto.client.ServerMessages;
import io.realmcluster.proto.v1.AssignmentSet;
import io.realmcluster.proto.v1.InstanceState;
import io.realmcluster.proto.v1.MapInstance;
import io.realmcluster.proto.v1.MapKind;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.IntUnaryOperator;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A session in the client pipeline on an {@link EmbeddedChannel} whose ticker the test advances: the event
 * loop's timers, the idle limit and the frame rate all read that one clock, so no real time passes.
 */
class ClientSessionTest {
    private static final String NODE = "node-e";
    private static final String CONTINENT = "main.0";
    private static final long STARTED_AT_MILLIS = 1_700_000_000_000L;
    private final TestTokens tokens = new TestTokens();
    private final MockTicker ticker = Ticker.newMockTicker();
    private final long startedAtNanos = ticker.nanoTime();
    private final ClientSessions sessions = new ClientSessions(8);
    private final ClientMetrics metrics = ClientMetrics.unregistered(sessions);
    private final UnsafeBuffer frame =
            new UnsafeBuffer(new byte[ClientProtocol.LENGTH_PREFIX + ClientProtocol.MAX_BODY]);
    private TickScheduler scheduler;
    private InstanceHost host;
    private EmbeddedChannel channel;
    private byte welcomeTickHz;

    @BeforeEach
    void connect() {
        scheduler = new TickScheduler(1, Throwable::printStackTrace);
        host = new InstanceHost(NODE, scheduler, SaveLog.allocate(1 << 20), gone -> {}, (id, durations, cpu) -> {});
        final SessionContext context = new SessionContext(
                NODE,
                tokens.verifier(),
                host,
                sessions,
                metrics,
                this::nowMillis,
                ticker::nanoTime,
                // The claim runs at once on the test's thread; its answer waits on the event loop.
                new CharacterClaims(new EphemeralCharacterStore(), Runnable::run, NODE),
                new Handover(tokens.standbySigner(), this::nowMillis),
                new Arrivals(),
                QueueDesk.NONE);
        channel = EmbeddedChannel.builder()
                .ticker(ticker)
                .handlers(ClientListener.clientPipeline(context))
                .build();
    }

    @AfterEach
    void close() {
        channel.finishAndReleaseAll();
        scheduler.close();
    }

    @Test
    void aConnectionThatSendsNoHelloIsClosedWithTimeoutWhenItsLoopsClockReachesTheLimit() {
        advanceMillis(ClientSession.HELLO_TIMEOUT_MILLIS - 1);
        assertThat(channel.isOpen()).isTrue();
        assertThat(frames()).isEmpty();

        advanceMillis(1);
        assertThat(frames()).containsExactly("disconnect TIMEOUT");
        assertThat(channel.isOpen()).isFalse();
        assertThat(metrics.disconnectCount("timeout")).isEqualTo(1);
        assertThat(metrics.transitionCount(SessionState.NEW, SessionState.CLOSED))
                .isEqualTo(1);
    }

    @Test
    void aHelloInTimeEndsTheHelloTimer() {
        send(hello(7));
        assertThat(frames()).singleElement().asString().startsWith("welcome ");

        advanceMillis(ClientSession.HELLO_TIMEOUT_MILLIS * 3);
        assertThat(channel.isOpen()).isTrue();
        assertThat(frames()).isEmpty();
        assertThat(metrics.transitionCount(SessionState.NEW, SessionState.CLAIMING))
                .isEqualTo(1);
        assertThat(metrics.transitionCount(SessionState.CLAIMING, SessionState.AUTHENTICATED))
                .isEqualTo(1);
    }

    @Test
    void aSessionSilentForTheIdleLimitIsClosedWithTimeoutCountedFromItsLastFrame() {
        final long idleMillis = TimeUnit.SECONDS.toMillis(ClientListener.IDLE_SECONDS);
        send(hello(8));
        frames();
        advanceMillis(idleMillis - 1_000);
        send(o -> ClientMessages.ping(frame, o, 1));
        assertThat(frames()).containsExactly("pong 1");

        advanceMillis(idleMillis - 1);
        assertThat(channel.isOpen()).isTrue();
        assertThat(frames()).isEmpty();

        advanceMillis(1);
        assertThat(frames()).containsExactly("disconnect TIMEOUT");
        assertThat(channel.isOpen()).isFalse();
        assertThat(metrics.transitionCount(SessionState.AUTHENTICATED, SessionState.CLOSED))
                .isEqualTo(1);
    }

    @Test
    void framesPastTheBurstCloseTheSessionWithFloodAndTheRateRefillsWithTheClock() {
        send(hello(9));
        frames();
        // A quiet spell fills the bucket again: HELLO's token is back.
        advanceMillis(1_000);
        for (int i = 0; i < ClientSession.FRAME_BURST; i++) {
            final int nonce = i;
            send(o -> ClientMessages.ping(frame, o, nonce));
        }
        assertThat(frames()).hasSize((int) ClientSession.FRAME_BURST).allMatch(l -> l.startsWith("pong "));

        advanceMillis((long) (1_000 / ClientSession.FRAMES_PER_SECOND));
        send(o -> ClientMessages.ping(frame, o, 500));
        assertThat(frames()).containsExactly("pong 500");

        send(o -> ClientMessages.ping(frame, o, 501));
        assertThat(frames()).containsExactly("disconnect FLOOD");
        assertThat(channel.isOpen()).isFalse();
    }

    @Test
    void aStandbyConnectionWhoseCharacterNeverComesEndsWhenItsTokenExpires() {
        final long tokenMillis = 30_000;
        send(o -> ClientMessages.standbyHello(frame, o, ClientProtocol.VERSION, token(10, tokenMillis)));
        assertThat(frames()).isEmpty();

        advanceMillis(tokenMillis - 1);
        assertThat(channel.isOpen()).isTrue();

        advanceMillis(1);
        assertThat(frames()).containsExactly("disconnect STANDBY_ENDED");
        assertThat(metrics.transitionCount(SessionState.STANDBY, SessionState.CLOSED))
                .isEqualTo(1);
    }

    @Test
    void welcomeAnnouncesTheTickRateOfTheMapTheClientEnters() {
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
        // ENTER_WORLD right behind HELLO: the session knows the map before the claim's answer.
        send(hello(11), o -> ClientMessages.enterWorld(frame, o, CONTINENT));
        assertThat(frames()).singleElement().asString().startsWith("welcome ");
        assertThat(welcomeTickHz)
                .isEqualTo((byte) host.instance(CONTINENT).world().settings().tickHz());
        assertThat(metrics.transitionCount(SessionState.AUTHENTICATED, SessionState.IN_WORLD))
                .isEqualTo(1);
    }

    private long nowMillis() {
        return STARTED_AT_MILLIS + TimeUnit.NANOSECONDS.toMillis(ticker.nanoTime() - startedAtNanos);
    }

    private void advanceMillis(final long millis) {
        ticker.advance(millis, TimeUnit.MILLISECONDS);
        channel.runPendingTasks();
        channel.runScheduledPendingTasks();
    }

    private IntUnaryOperator hello(final long character) {
        return o -> ClientMessages.hello(frame, o, ClientProtocol.VERSION, token(character, 60_000));
    }

    private byte[] token(final long character, final long validMillis) {
        return tokens.login(100 + character, character, NODE, CONTINENT, 0, nowMillis() + validMillis);
    }

    /**
     * Frames from the client, arriving together, each body written by its encoder at the offset it is given;
     * then the event loop's tasks.
     */
    private void send(final IntUnaryOperator... encoders) {
        final ByteBuf bytes = Unpooled.buffer();
        for (final IntUnaryOperator encoder : encoders) {
            final int length = Frames.prefix(frame, 0, encoder.applyAsInt(ClientProtocol.LENGTH_PREFIX));
            bytes.writeBytes(frame.byteArray(), 0, length);
        }
        channel.writeInbound(bytes);
        channel.runPendingTasks();
    }

    /** The frames the node wrote since the last call, as text lines. */
    private List<String> frames() {
        final List<String> lines = new ArrayList<>();
        final FrameText text = new FrameText(lines);
        for (ByteBuf out = channel.readOutbound(); out != null; out = channel.readOutbound()) {
            try {
                while (out.isReadable()) {
                    final int length = out.readUnsignedShortLE();
                    final byte[] body = new byte[length];
                    out.readBytes(body);
                    if (body[0] == ClientProtocol.WELCOME) {
                        welcomeTickHz = body[ClientProtocol.WELCOME_TICK_HZ];
                    }
                    assertThat(ServerMessages.decode(new UnsafeBuffer(body), 0, length, text))
                            .isNull();
                }
            } finally {
                out.release();
            }
        }
        return lines;
    }
}
