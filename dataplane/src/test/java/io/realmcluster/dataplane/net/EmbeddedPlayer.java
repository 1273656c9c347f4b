package io.realmcluster.dataplane.net;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.util.concurrent.MockTicker;
import io.netty.util.concurrent.Ticker;
import io.realmcluster.dataplane.pipeline.Ingress;
import io.realmcluster.dataplane.pipeline.SaveLog;
import io.realmcluster.dataplane.store.EphemeralCharacterStore;
import io.realmcluster.dataplane.tick.TickScheduler;
import io.realmcluster.dataplane.transfer.Arrivals;
import io.realmcluster.dataplane.world.InstanceHost;
import io.realmcluster.proto.client.ClientMessages;
import io.realmcluster.proto.client.ClientProtocol;
import io.realmcluster.proto.client.Frames;
import io.realmcluster.proto.v1.AssignmentSet;
import io.realmcluster.proto.v1.InstanceState;
import io.realmcluster.proto.v1.MapInstance;
import io.realmcluster.proto.v1.MapKind;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.IntUnaryOperator;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * A player in the world of a node's continent, logged in through the real client pipeline on an
 * {@link EmbeddedChannel} whose ticker the test drives; then the map's tick thread lets go of the map, so
 * that the test alone reads its ingress ring and writes its outbox. For the fuzz tests of what the node
 * reads at its edges.
 */
final class EmbeddedPlayer implements AutoCloseable {
    static final String NODE = "node-e";
    static final String CONTINENT = "main.0";
    static final long CHARACTER = 7;

    final MockTicker ticker = Ticker.newMockTicker();
    final ClientSessions sessions = new ClientSessions(8);
    final ClientMetrics metrics = ClientMetrics.unregistered(sessions);
    final TickScheduler scheduler = new TickScheduler(1, Throwable::printStackTrace);
    final InstanceHost host =
            new InstanceHost(NODE, scheduler, SaveLog.allocate(1 << 16), gone -> {}, (id, durations, cpu) -> {});
    final EmbeddedChannel tcp;
    final InstanceHost.Running map;
    final Ingress ingress;
    final long sessionId;
    final byte[] cookie = new byte[ClientProtocol.COOKIE_BYTES];

    private final TestTokens tokens = new TestTokens();
    /** Where {@link #send}'s encoder writes the body. */
    final UnsafeBuffer frame = new UnsafeBuffer(new byte[ClientProtocol.LENGTH_PREFIX + ClientProtocol.MAX_BODY]);

    EmbeddedPlayer() {
        this(QueueDesk.NONE);
    }

    /** With battleground queue requests going to {@code queues}. */
    EmbeddedPlayer(final QueueDesk queues) {
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
        final SessionContext context = new SessionContext(
                NODE,
                tokens.verifier(),
                host,
                sessions,
                metrics,
                this::nowMillis,
                ticker::nanoTime,
                new CharacterClaims(new EphemeralCharacterStore(), Runnable::run, NODE),
                new Handover(tokens.standbySigner(), this::nowMillis),
                new Arrivals(),
                queues);
        tcp = EmbeddedChannel.builder()
                .ticker(ticker)
                .handlers(ClientListener.clientPipeline(context))
                .build();
        final byte[] token = tokens.login(100, CHARACTER, NODE, CONTINENT, 0, nowMillis() + 600_000);
        send(o -> ClientMessages.hello(frame, o, ClientProtocol.VERSION, token));
        send(o -> ClientMessages.enterWorld(frame, o, CONTINENT));
        sessionId = welcome();
        assertThat(metrics.transitionCount(SessionState.AUTHENTICATED, SessionState.IN_WORLD))
                .isEqualTo(1);
        map = host.instance(CONTINENT);
        scheduler.remove(map.agent());
        ingress = map.agent().ingress();
        drainIngress();
    }

    private long nowMillis() {
        return 1_700_000_000_000L + TimeUnit.NANOSECONDS.toMillis(ticker.nanoTime());
    }

    /** Empty the map's ring (what the session put there). */
    void drainIngress() {
        while (ingress.depth() > 0) {
            ingress.drain((type, buffer, index, length) -> {}, Integer.MAX_VALUE);
        }
    }

    /** Send the frame whose body {@code encoder} writes at the offset it is given, and run what it queued. */
    void send(final IntUnaryOperator encoder) {
        final int length = Frames.prefix(frame, 0, encoder.applyAsInt(ClientProtocol.LENGTH_PREFIX));
        tcp.writeInbound(Unpooled.wrappedBuffer(Arrays.copyOf(frame.byteArray(), length)));
        tcp.runPendingTasks();
    }

    /** The bodies of the frames the node wrote since the last read, in order. */
    List<byte[]> written() {
        tcp.runPendingTasks();
        final List<byte[]> bodies = new ArrayList<>();
        for (ByteBuf out = tcp.readOutbound(); out != null; out = tcp.readOutbound()) {
            try {
                while (out.isReadable()) {
                    final byte[] body = new byte[out.readUnsignedShortLE()];
                    out.readBytes(body);
                    bodies.add(body);
                }
            } finally {
                out.release();
            }
        }
        return bodies;
    }

    /** The session id from the WELCOME the node wrote, its cookie into {@link #cookie}. */
    private long welcome() {
        long id = -1;
        for (ByteBuf out = tcp.readOutbound(); out != null; out = tcp.readOutbound()) {
            try {
                while (out.isReadable()) {
                    final byte[] body = new byte[out.readUnsignedShortLE()];
                    out.readBytes(body);
                    if (body[0] == ClientProtocol.WELCOME) {
                        final UnsafeBuffer welcome = new UnsafeBuffer(body);
                        id = welcome.getLong(ClientProtocol.WELCOME_SESSION, ByteOrder.LITTLE_ENDIAN);
                        welcome.getBytes(ClientProtocol.WELCOME_COOKIE, cookie);
                    }
                }
            } finally {
                out.release();
            }
        }
        assertThat(id).as("the WELCOME's session id").isNotNegative();
        return id;
    }

    @Override
    public void close() {
        tcp.finishAndReleaseAll();
        scheduler.close();
    }
}
