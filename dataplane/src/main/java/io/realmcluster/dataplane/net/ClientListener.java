package io.realmcluster.dataplane.net;

import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.FixedRecvByteBufAllocator;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollDatagramChannel;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioDatagramChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.LengthFieldBasedFrameDecoder;
import io.netty.handler.timeout.IdleStateHandler;
import io.netty.util.concurrent.DefaultThreadFactory;
import io.netty.util.concurrent.EventExecutor;
import io.netty.util.concurrent.SingleThreadEventExecutor;
import io.realmcluster.common.auth.TokenSigner;
import io.realmcluster.common.auth.TokenVerifier;
import io.realmcluster.common.cli.StartupException;
import io.realmcluster.common.grpc.GrpcServers;
import io.realmcluster.common.net.HostPort;
import io.realmcluster.dataplane.store.CharacterStore;
import io.realmcluster.dataplane.transfer.Arrivals;
import io.realmcluster.dataplane.transfer.BattlegroundTrips;
import io.realmcluster.dataplane.world.InstanceHost;
import io.realmcluster.proto.client.ClientProtocol;
import io.realmcluster.proto.client.DisconnectReason;
import io.realmcluster.proto.v1.AssignmentSet;
import io.realmcluster.proto.v1.MapInstance;
import io.realmcluster.proto.v1.NodeDescriptor;
import java.net.InetSocketAddress;
import java.nio.ByteOrder;
import java.util.concurrent.Executor;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import org.agrona.concurrent.AgentRunner;
import org.agrona.concurrent.SleepingIdleStrategy;
import org.agrona.concurrent.SystemEpochClock;
import org.agrona.concurrent.SystemNanoClock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Listens for game clients on one port, TCP and UDP (epoll where available), and runs the egress
 * thread that carries maps' frames to them. Until a session is authenticated, nothing reaches a
 * map's tick loop.
 */
public final class ClientListener implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ClientListener.class);
    /** A client silent this long is closed (bots and clients send movement many times a second). */
    static final int IDLE_SECONDS = 60;
    /** A session whose unsent frames pass the high mark is a slow consumer (it does not read) and is closed. */
    static final WriteBufferWaterMark WATER_MARK = new WriteBufferWaterMark(1 << 20, 4 << 20);

    private static final long EGRESS_PARK_NANOS = TimeUnit.MICROSECONDS.toNanos(200);
    /**
     * The datagram socket's receive buffer: moves wait there while the reading thread is off its
     * core, so it holds about a second of a full continent's; Linux grants at most net.core.rmem_max.
     */
    static final int DATAGRAM_RECEIVE_BUFFER = 4 << 20;
    /** Datagrams read per wake-up of the reading thread (Netty's default is 16). */
    private static final int DATAGRAMS_PER_READ = 256;

    /** Accepts TCP connections and reads every datagram: never behind the sessions' traffic. */
    private final EventLoopGroup boss;

    private final EventLoopGroup workers;
    private final Channel tcp;
    private final Channel udp;
    private final HostPort address;
    private final ClientSessions sessions;
    private final AgentRunner egress;
    private final InstanceHost instances;

    private ClientListener(
            final EventLoopGroup boss,
            final EventLoopGroup workers,
            final Channel tcp,
            final Channel udp,
            final HostPort address,
            final ClientSessions sessions,
            final AgentRunner egress,
            final InstanceHost instances) {
        this.boss = boss;
        this.workers = workers;
        this.tcp = tcp;
        this.udp = udp;
        this.address = address;
        this.sessions = sessions;
        this.egress = egress;
        this.instances = instances;
    }

    /**
     * What the listener serves: who this node is, how tokens are checked, the key that signs the STANDBY tokens
     * it gives players whose map moves, where maps are, where characters are claimed (on {@code storeThreads},
     * never on a network thread), where players queue for battlegrounds.
     */
    public record Serving(
            String nodeId,
            TokenVerifier tokens,
            TokenSigner standbyKey,
            InstanceHost instances,
            ClientSessions sessions,
            ClientMetrics metrics,
            CharacterStore store,
            Executor storeThreads,
            Arrivals arrivals,
            QueueDesk queues,
            BattlegroundTrips trips) {
        /** Serving players whose accepts lead nowhere the saver or the transfers hear of. */
        public Serving(
                final String nodeId,
                final TokenVerifier tokens,
                final TokenSigner standbyKey,
                final InstanceHost instances,
                final ClientSessions sessions,
                final ClientMetrics metrics,
                final CharacterStore store,
                final Executor storeThreads,
                final Arrivals arrivals,
                final QueueDesk queues) {
            this(
                    nodeId,
                    tokens,
                    standbyKey,
                    instances,
                    sessions,
                    metrics,
                    store,
                    storeThreads,
                    arrivals,
                    queues,
                    new BattlegroundTrips());
        }
    }

    /** Bind TCP, then UDP on the same port (port 0: the port TCP got), and start the egress thread. */
    public static ClientListener bind(final HostPort listen, final int ioThreads, final Serving serving) {
        return bind(listen, ioThreads, serving, Thread::new);
    }

    /** The same, with the egress thread made by {@code egressThread}. */
    public static ClientListener bind(
            final HostPort listen, final int ioThreads, final Serving serving, final ThreadFactory egressThread) {
        return bind(listen, ioThreads, serving, egressThread, ClientLimits.defaults(), null);
    }

    /** The same, with connections that have not said HELLO held to {@code limits}. */
    public static ClientListener bind(
            final HostPort listen,
            final int ioThreads,
            final Serving serving,
            final ThreadFactory egressThread,
            final ClientLimits limits) {
        return bind(listen, ioThreads, serving, egressThread, limits, null);
    }

    /** The same, with TCP connections over TLS when {@code tls} is not null (UDP stays bound by its cookie). */
    public static ClientListener bind(
            final HostPort listen,
            final int ioThreads,
            final Serving serving,
            final ThreadFactory egressThread,
            final ClientTls tls) {
        return bind(listen, ioThreads, serving, egressThread, ClientLimits.defaults(), tls);
    }

    /** The same, with both the limits of connections without HELLO and TLS (null: plaintext). */
    public static ClientListener bind(
            final HostPort listen,
            final int ioThreads,
            final Serving serving,
            final ThreadFactory egressThread,
            final ClientLimits limits,
            final ClientTls tls) {
        final SessionContext context = new SessionContext(
                serving.nodeId(),
                serving.tokens(),
                serving.instances(),
                serving.sessions(),
                serving.metrics(),
                SystemEpochClock.INSTANCE,
                SystemNanoClock.INSTANCE,
                new CharacterClaims(serving.store(), serving.storeThreads(), serving.nodeId()),
                new Handover(serving.standbyKey(), SystemEpochClock.INSTANCE),
                serving.arrivals(),
                serving.queues(),
                serving.trips());
        // A transfer claimed here lets the client standing by for it in at once.
        serving.arrivals().onExpected(serving.sessions()::transferClaimed);
        final boolean epoll = Epoll.isAvailable();
        // Named for thread dumps and top -H: client-accept (TCP accepts, every datagram), client-io (the sessions).
        final EventLoopGroup boss = new MultiThreadIoEventLoopGroup(
                1,
                new DefaultThreadFactory("client-accept"),
                epoll ? EpollIoHandler.newFactory() : NioIoHandler.newFactory());
        final EventLoopGroup workers = new MultiThreadIoEventLoopGroup(
                ioThreads,
                new DefaultThreadFactory("client-io"),
                epoll ? EpollIoHandler.newFactory() : NioIoHandler.newFactory());
        Channel tcp = null;
        try {
            tcp = new ServerBootstrap()
                    .group(boss, workers)
                    .channel(epoll ? EpollServerSocketChannel.class : NioServerSocketChannel.class)
                    .handler(new ConnectionGate(limits, serving.metrics(), SystemNanoClock.INSTANCE))
                    .childOption(ChannelOption.TCP_NODELAY, true)
                    .childOption(ChannelOption.WRITE_BUFFER_WATER_MARK, WATER_MARK)
                    .childHandler(clientPipeline(context, tls))
                    .bind(listen.toSocketAddress())
                    .syncUninterruptibly()
                    .channel();
            final int port = ((InetSocketAddress) tcp.localAddress()).getPort();
            final HostPort bound = listen.withPort(port);
            // Not on a worker loop: there the datagrams waited behind thousands of sessions' reads and
            // writes, and under load the socket's buffer overflowed (bench/RESULTS.md, the UDP reader starved).
            final Channel udp = new Bootstrap()
                    .group(boss)
                    .channel(epoll ? EpollDatagramChannel.class : NioDatagramChannel.class)
                    .option(ChannelOption.SO_RCVBUF, DATAGRAM_RECEIVE_BUFFER)
                    .option(
                            ChannelOption.RCVBUF_ALLOCATOR,
                            new FixedRecvByteBufAllocator(DatagramHandler.LARGEST + 1)
                                    .maxMessagesPerRead(DATAGRAMS_PER_READ))
                    .handler(new DatagramHandler(serving.sessions(), serving.metrics()))
                    .bind(bound.toSocketAddress())
                    .syncUninterruptibly()
                    .channel();
            final int receiveBuffer = udp.config().getOption(ChannelOption.SO_RCVBUF);
            if (receiveBuffer < DATAGRAM_RECEIVE_BUFFER) {
                LOG.warn(
                        "the UDP receive buffer of the client port is {} bytes, not the {} asked for: moves that arrive "
                                + "while the node is busy may be dropped; raise net.core.rmem_max to {} (sysctl)",
                        receiveBuffer,
                        DATAGRAM_RECEIVE_BUFFER,
                        DATAGRAM_RECEIVE_BUFFER);
            }
            final AgentRunner egress = new AgentRunner(
                    new SleepingIdleStrategy(EGRESS_PARK_NANOS),
                    error -> LOG.error("client egress failed", error),
                    null,
                    new EgressAgent(
                            serving.instances(),
                            serving.sessions(),
                            serving.metrics(),
                            PooledByteBufAllocator.DEFAULT));
            AgentRunner.startOnThread(egress, egressThread);
            return new ClientListener(boss, workers, tcp, udp, bound, serving.sessions(), egress, serving.instances());
        } catch (final Exception e) {
            // Netty rethrows the bind's IOException unchecked, hence Exception rather than RuntimeException.
            if (tcp != null) {
                tcp.close().syncUninterruptibly();
            }
            boss.shutdownGracefully(0, 0, TimeUnit.MILLISECONDS);
            workers.shutdownGracefully(0, 0, TimeUnit.MILLISECONDS);
            throw new StartupException(
                    "cannot listen for game clients on " + listen + ": " + GrpcServers.bindFailure(e), e);
        }
    }

    /** A plaintext client connection's pipeline (see below). */
    static ChannelInitializer<Channel> clientPipeline(final SessionContext context) {
        return clientPipeline(context, null);
    }

    /**
     * A client connection's pipeline: TLS first when {@code tls} is not null, silence past {@link
     * #IDLE_SECONDS} ends it, frames are cut at their length prefix (a longer one than the protocol
     * allows fails it), and its session reads them.
     */
    static ChannelInitializer<Channel> clientPipeline(final SessionContext context, final ClientTls tls) {
        return new ChannelInitializer<>() {
            @Override
            protected void initChannel(final Channel ch) {
                if (tls != null) {
                    ch.pipeline().addLast(tls.newHandler(ch), tls.watch());
                }
                ch.pipeline()
                        .addLast(
                                new IdleStateHandler(IDLE_SECONDS, 0, 0),
                                new LengthFieldBasedFrameDecoder(
                                        ByteOrder.LITTLE_ENDIAN,
                                        ClientProtocol.LENGTH_PREFIX + ClientProtocol.MAX_BODY,
                                        0,
                                        ClientProtocol.LENGTH_PREFIX,
                                        0,
                                        ClientProtocol.LENGTH_PREFIX,
                                        true),
                                new ClientSession(context, ch));
            }
        };
    }

    public HostPort address() {
        return address;
    }

    /** Close every session with {@code reason} (the node stops, or its map left). */
    public void disconnectAll(final DisconnectReason reason, final String text) {
        sessions.forEach(session -> session.kick(reason, text));
    }

    /**
     * The map {@code gone} no longer runs here: its sessions are closed with MAP_CLOSED (one that moved with its
     * players handed them over already; a player still here logs in again, and the control plane routes it to the
     * map's new node: this node cannot give it a token that node takes).
     */
    public void mapLeft(final MapInstance gone) {
        final String instanceId = gone.getInstanceId();
        final NodeDescriptor movedTo = instances.handingOverTo(gone);
        sessions.forEach(session -> {
            final InstanceHost.Running map = session.map();
            if (map == null || !map.assignment().getInstanceId().equals(instanceId)) {
                return;
            }
            if (movedTo != null) {
                session.kick(
                        DisconnectReason.MAP_CLOSED,
                        "map instance " + instanceId + " moved to another node; log in again");
            } else {
                session.kick(DisconnectReason.MAP_CLOSED, "map instance " + instanceId + " left this node");
            }
        });
    }

    /**
     * The players of this node's maps that move to another node with their players stand by there
     * (STANDBY), each told once per move: by the time the map hands them over, their clients are
     * connected to the copy, which lets them in as soon as it has claimed them. Any thread.
     */
    public void standBy(final AssignmentSet assignments) {
        for (final MapInstance instance : assignments.getInstancesList()) {
            final NodeDescriptor movingTo = instances.movingTo(instance);
            if (movingTo == null) {
                continue;
            }
            final String instanceId = instance.getInstanceId();
            // A merge: its players enter another instance there, the whole continent.
            final String entering = instance.getMove().getToInstanceId().isEmpty()
                    ? instanceId
                    : instance.getMove().getToInstanceId();
            sessions.forEach(session -> {
                final InstanceHost.Running map = session.map();
                if (map != null && map.assignment().getInstanceId().equals(instanceId)) {
                    session.standBy(
                            movingTo, instanceId, entering, instance.getMove().getEpoch());
                }
            });
        }
    }

    /** Runs {@code task} once on every thread that serves the sessions' connections (tests hold them busy with it). */
    void onEverySessionThread(final Runnable task) {
        workers.forEach(loop -> loop.execute(task));
    }

    /** Tasks waiting on the threads that serve the sessions' connections (tests). */
    int sessionTasksWaiting() {
        int waiting = 0;
        for (final EventExecutor loop : workers) {
            waiting += ((SingleThreadEventExecutor) loop).pendingTasks();
        }
        return waiting;
    }

    @Override
    public void close() {
        egress.close();
        tcp.close().syncUninterruptibly();
        udp.close().syncUninterruptibly();
        boss.shutdownGracefully(0, 200, TimeUnit.MILLISECONDS).syncUninterruptibly();
        workers.shutdownGracefully(0, 200, TimeUnit.MILLISECONDS).syncUninterruptibly();
    }
}
