package io.realmcluster.tools.bots;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import io.grpc.Server;
import io.grpc.netty.NettyServerBuilder;
import io.grpc.stub.StreamObserver;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.LengthFieldBasedFrameDecoder;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslHandler;
import io.realmcluster.common.net.HostPort;
import io.realmcluster.common.tls.Pki;
import io.realmcluster.common.tls.Role;
import io.realmcluster.common.tls.TlsFiles;
import io.realmcluster.proto.client.ClientMessages;
import io.realmcluster.proto.client.ClientProtocol;
import io.realmcluster.proto.client.DisconnectReason;
import io.realmcluster.proto.client.Frames;
import io.realmcluster.proto.client.ServerMessages;
import io.realmcluster.proto.v1.Account;
import io.realmcluster.proto.v1.Character;
import io.realmcluster.proto.v1.Endpoint;
import io.realmcluster.proto.v1.LoginGrpc;
import io.realmcluster.proto.v1.LoginRequest;
import io.realmcluster.proto.v1.LoginResponse;
import io.realmcluster.proto.v1.PlayerCreateCharacterRequest;
import io.realmcluster.proto.v1.RegisterAccountRequest;
import java.net.InetSocketAddress;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** A fleet against an in-process Login service and a fake node that lets every bot kill and loot one creature at a time. */
class BotFleetIT {
    static final AtomicLong IDS = new AtomicLong(1000);

    @Test
    void botsLogInFightLootAndLogOut() throws Exception {
        final BotReport report = fleetAgainst(FakeSession::new, 20, Duration.ofSeconds(3));
        assertThat(report.ok()).isTrue();
        assertThat(report.kills()).isPositive();
        assertThat(report.lootedCorpses()).isPositive();
        assertThat(report.samples()).isPositive();
        assertThat(report.chatHeard()).isPositive();
        assertThat(report.disconnects()).containsOnlyKeys("logout");
    }

    /**
     * Bots told to stand by are carried over by their standby connection when the node lets it in;
     * when it refuses it, they follow the REDIRECT (the refusal, DISCONNECT(STANDBY_ENDED) on the
     * standby connection, is not the bot's: it plays on).
     */
    @ParameterizedTest(name = "standby let in: {0}")
    @ValueSource(booleans = {true, false})
    void botsOfAMapThatMovesAreCarriedOverByTheirStandbyConnectionOrFollowTheRedirect(final boolean letIn)
            throws Exception {
        final BotReport report = fleetAgainst(() -> new MovingSession(letIn), 8, Duration.ofSeconds(2));
        assertThat(report.ok()).isTrue();
        assertThat(report.redirects()).isEqualTo(8);
        assertThat(report.standbyTakeovers()).isEqualTo(letIn ? 8 : 0);
        assertThat(report.disconnects()).containsOnlyKeys("logout");
    }

    /**
     * Bots over TLS trust the realm's CA: they verify the node's certificate and play, standby and
     * REDIRECT included (both connections to the node that lets them in are TLS connections).
     */
    @ParameterizedTest(name = "standby let in: {0}")
    @ValueSource(booleans = {true, false})
    void botsOverTlsVerifyTheNodeAndFollowItsStandbyAndRedirect(final boolean letIn, @TempDir final Path directory)
            throws Exception {
        final Pki pki = realm(directory.resolve("pki"));
        final TlsFiles node = pki.issue(Role.NODE, "node-1", List.of("127.0.0.1"), Pki.VALIDITY);
        final AtomicInteger handshakes = new AtomicInteger();
        final BotReport report = fleetAgainst(
                () -> new MovingSession(letIn),
                8,
                Duration.ofSeconds(2),
                serving(node),
                pki.caCertificate(),
                handshakes);
        assertThat(report.ok()).isTrue();
        assertThat(report.redirects()).isEqualTo(8);
        assertThat(report.standbyTakeovers()).isEqualTo(letIn ? 8 : 0);
        assertThat(report.disconnects()).containsOnlyKeys("logout");
        // The login's connection, the standby's, and (when the standby was refused) the redirect's reconnect.
        assertThat(handshakes.get()).isEqualTo(letIn ? 16 : 24);
    }

    /** A node whose certificate another CA issued is not the realm's: no bot says HELLO to it. */
    @Test
    void botsRefuseANodeWhoseCertificateTheRealmsCaDidNotIssue(@TempDir final Path directory) throws Exception {
        final Pki realm = realm(directory.resolve("pki"));
        final Pki impostor = realm(directory.resolve("impostor"));
        final TlsFiles node = impostor.issue(Role.NODE, "node-1", List.of("127.0.0.1"), Pki.VALIDITY);
        final AtomicInteger hellos = new AtomicInteger();
        final BotReport report = fleetAgainst(
                () -> new CountingHellos(hellos), 4, Duration.ofSeconds(1), serving(node), realm.caCertificate(), null);
        assertThat(report.ok()).isFalse();
        assertThat(report.failures()).containsOnlyKeys("tls");
        assertThat(report.failures().get("tls")).isEqualTo(4L);
        assertThat(hellos.get()).isZero();
    }

    /** A node certificate of the realm's CA for another address than the one the bots dial: refused as well. */
    @Test
    void botsRefuseANodeWhoseCertificateNamesAnotherAddress(@TempDir final Path directory) throws Exception {
        final Pki pki = realm(directory.resolve("pki"));
        final TlsFiles node = pki.issue(Role.NODE, "node-1", List.of("10.1.2.3", "node-1.example.net"), Pki.VALIDITY);
        final AtomicInteger hellos = new AtomicInteger();
        final BotReport report = fleetAgainst(
                () -> new CountingHellos(hellos), 4, Duration.ofSeconds(1), serving(node), pki.caCertificate(), null);
        assertThat(report.failures()).containsOnlyKeys("tls");
        assertThat(hellos.get()).isZero();
    }

    private static Pki realm(final Path directory) throws Exception {
        final Pki pki = Pki.at(directory);
        pki.init(directory.getFileName().toString(), Pki.CA_VALIDITY);
        return pki;
    }

    private static SslContext serving(final TlsFiles node) throws Exception {
        return SslContextBuilder.forServer(
                        node.certificate().toFile(), node.privateKey().toFile())
                .build();
    }

    /** A node that counts the HELLOs it gets and answers none. */
    static final class CountingHellos extends SimpleChannelInboundHandler<ByteBuf> {
        private final AtomicInteger hellos;

        CountingHellos(final AtomicInteger hellos) {
            this.hellos = hellos;
        }

        @Override
        protected void channelRead0(final ChannelHandlerContext ctx, final ByteBuf frame) {
            if (frame.getByte(frame.readerIndex()) == ClientProtocol.HELLO) {
                hellos.incrementAndGet();
            }
        }
    }

    /** Run {@code bots} bots for {@code duration} against an in-process Login service and a fake node of {@code sessions}. */
    private static BotReport fleetAgainst(
            final Supplier<ChannelHandler> sessions, final int bots, final Duration duration) throws Exception {
        return fleetAgainst(sessions, bots, duration, null, null, null);
    }

    /**
     * The same with the fake node speaking TLS with {@code nodeTls} (null: plaintext), the bots trusting
     * {@code ca}, and the node's successful handshakes counted in {@code handshakes} (when not null).
     */
    private static BotReport fleetAgainst(
            final Supplier<ChannelHandler> sessions,
            final int bots,
            final Duration duration,
            final SslContext nodeTls,
            final Path ca,
            final AtomicInteger handshakes)
            throws Exception {
        final MultiThreadIoEventLoopGroup group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
        final Channel server = new ServerBootstrap()
                .group(group)
                .channel(NioServerSocketChannel.class)
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(final SocketChannel ch) {
                        if (nodeTls != null) {
                            final SslHandler tls = nodeTls.newHandler(ch.alloc());
                            if (handshakes != null) {
                                tls.handshakeFuture().addListener(done -> {
                                    if (done.isSuccess()) {
                                        handshakes.incrementAndGet();
                                    }
                                });
                            }
                            ch.pipeline().addLast(tls);
                        }
                        ch.pipeline()
                                .addLast(
                                        new LengthFieldBasedFrameDecoder(
                                                ByteOrder.LITTLE_ENDIAN, 4098, 0, 2, 0, 2, true),
                                        sessions.get());
                    }
                })
                .bind("127.0.0.1", 0)
                .sync()
                .channel();
        final int nodePort = ((InetSocketAddress) server.localAddress()).getPort();
        final Server grpc = NettyServerBuilder.forPort(0)
                .addService(new LoginGrpc.LoginImplBase() {
                    @Override
                    public void registerAccount(
                            final RegisterAccountRequest request, final StreamObserver<Account> response) {
                        response.onNext(
                                Account.newBuilder().setName(request.getName()).build());
                        response.onCompleted();
                    }

                    @Override
                    public void createCharacter(
                            final PlayerCreateCharacterRequest request, final StreamObserver<Character> response) {
                        assertThat(request.getName()).matches("[A-Za-z]{2,12}");
                        response.onNext(Character.newBuilder()
                                .setName(request.getName())
                                .build());
                        response.onCompleted();
                    }

                    @Override
                    public void login(final LoginRequest request, final StreamObserver<LoginResponse> response) {
                        response.onNext(LoginResponse.newBuilder()
                                .setInstanceId("0-1")
                                .setNodeClient(Endpoint.newBuilder()
                                        .setHost("127.0.0.1")
                                        .setPort(nodePort))
                                .setSessionToken(ByteString.copyFromUtf8("token-" + request.getCharacter()))
                                .build());
                        response.onCompleted();
                    }
                })
                .build()
                .start();
        try {
            final BotFleet fleet = new BotFleet(new BotConfig(
                            List.of(new HostPort("127.0.0.1", grpc.getPort())),
                            bots,
                            duration,
                            "main",
                            "fake",
                            4,
                            2,
                            Duration.ofSeconds(1))
                    .withNodeTls(ca));
            final BotReport report = fleet.run();
            report.summaryLines().forEach(System.out::println);
            return report;
        } finally {
            grpc.shutdownNow();
            server.close();
            group.shutdownGracefully();
        }
    }

    /**
     * A node whose map moves to itself as soon as a bot enters: it tells the bot to stand by (at
     * its own port), then, when the standby connection says STANDBY_HELLO, lets it in ({@code letIn})
     * or refuses it with STANDBY_ENDED, and sends the first connection its REDIRECT.
     */
    static final class MovingSession extends FakeNodeSession {
        /** The first connection of each character (by its login token), which gets the REDIRECT. */
        private static final Map<String, ChannelHandlerContext> FIRST = new ConcurrentHashMap<>();

        private final boolean letIn;
        private final UnsafeBuffer out = new UnsafeBuffer(new byte[4098]);
        private String character;
        private boolean firstLogin;
        private boolean refused;

        MovingSession(final boolean letIn) {
            this.letIn = letIn;
        }

        private void send(final ChannelHandlerContext to, final int length, final boolean close) {
            final int frame = Frames.prefix(out, 0, length);
            final ChannelFuture sent = to.writeAndFlush(to.alloc().buffer(frame).writeBytes(out.byteArray(), 0, frame));
            if (close) {
                sent.addListener(ChannelFutureListener.CLOSE);
            }
        }

        private static String text(final DirectBuffer buffer, final int offset, final int length) {
            return buffer.getStringWithoutLengthUtf8(offset, length);
        }

        @Override
        public void hello(final int version, final DirectBuffer token, final int tokenOffset, final int tokenLength) {
            final String presented = text(token, tokenOffset, tokenLength);
            firstLogin = presented.startsWith("token-");
            character = presented.substring(presented.indexOf('-') + 1);
            send(ctx, ServerMessages.welcome(out, 2, 1, new byte[16], 20), false);
        }

        @Override
        public void standbyHello(
                final int version, final DirectBuffer token, final int tokenOffset, final int tokenLength) {
            final String presented = text(token, tokenOffset, tokenLength);
            assertThat(presented).startsWith("standby-");
            character = presented.substring("standby-".length());
            if (letIn) {
                send(ctx, ServerMessages.welcome(out, 2, 2, new byte[16], 20), false);
            } else {
                refused = true;
                send(ctx, ServerMessages.disconnect(out, 2, DisconnectReason.STANDBY_ENDED, "not this time"), true);
            }
            final ChannelHandlerContext first = FIRST.remove(character);
            send(
                    first,
                    ServerMessages.redirect(
                            out,
                            2,
                            "127.0.0.1",
                            port(),
                            ("moved-" + character).getBytes(StandardCharsets.UTF_8),
                            "0-1"),
                    true);
        }

        private int port() {
            return ((InetSocketAddress) ctx.channel().localAddress()).getPort();
        }

        @Override
        public void enterWorld(final DirectBuffer instanceId, final int offset, final int length) {
            if (refused) {
                return;
            }
            send(ctx, ServerMessages.worldEntered(out, 2, IDS.incrementAndGet(), 0, 0, 0, 0, 0, 100), false);
            if (firstLogin) {
                FIRST.put(character, ctx);
                send(
                        ctx,
                        ServerMessages.standby(
                                out,
                                2,
                                "127.0.0.1",
                                port(),
                                ("standby-" + character).getBytes(StandardCharsets.UTF_8),
                                "0-1"),
                        false);
            }
        }

        @Override
        public void move(
                final int sequence, final float mx, final float my, final float z, final float o, final int flags) {
            send(ctx, ServerMessages.selfState(out, 2, sequence, mx, my, 0, 0, 100, 100, 1, 0, 0), false);
        }

        @Override
        public void say(final DirectBuffer text, final int offset, final int length) {}

        @Override
        public void attack(final long targetId) {}

        @Override
        public void loot(final long corpseId) {}

        @Override
        public void logout() {
            send(ctx, ServerMessages.disconnect(out, 2, DisconnectReason.LOGOUT, "bye"), true);
        }

        @Override
        public void ping(final long nonce) {}
    }

    /** One client connection of a fake node: its frames decoded (each must be well formed) into its handler's calls. */
    abstract static class FakeNodeSession extends SimpleChannelInboundHandler<ByteBuf>
            implements ClientMessages.Handler {
        ChannelHandlerContext ctx;

        @Override
        protected void channelRead0(final ChannelHandlerContext c, final ByteBuf msg) {
            ctx = c;
            final byte[] bytes = new byte[msg.readableBytes()];
            msg.readBytes(bytes);
            assertThat(ClientMessages.decode(new UnsafeBuffer(bytes), 0, bytes.length, this))
                    .isNull();
        }
    }

    /** A node that lets every bot kill one creature at a time. */
    static final class FakeSession extends FakeNodeSession {
        final UnsafeBuffer out = new UnsafeBuffer(new byte[4098]);
        long self;
        long creature;
        long experience;
        long money;
        int acked;
        float x;
        float y;

        void send(final int length) {
            final int frame = Frames.prefix(out, 0, length);
            ctx.writeAndFlush(ctx.alloc().buffer(frame).writeBytes(out.byteArray(), 0, frame));
        }

        void spawn() {
            creature = IDS.incrementAndGet();
            ServerMessages.updatesHeader(out, 2, 1, 0);
            ServerMessages.Record.write(
                    out,
                    2 + ClientProtocol.UPDATES_RECORDS,
                    creature,
                    ClientProtocol.KIND_CREATURE,
                    0,
                    x + 10,
                    y,
                    0,
                    0,
                    50,
                    50);
            ServerMessages.Record.write(
                    out,
                    2 + ClientProtocol.UPDATES_RECORDS + 34,
                    1,
                    ClientProtocol.KIND_PLAYER,
                    0,
                    x + 10,
                    y,
                    0,
                    0,
                    50,
                    50);
            send(ServerMessages.updatesCount(out, 2, 2));
        }

        @Override
        public void hello(final int version, final DirectBuffer token, final int tokenOffset, final int tokenLength) {
            send(ServerMessages.welcome(out, 2, 1, new byte[16], 20));
        }

        @Override
        public void standbyHello(
                final int version, final DirectBuffer token, final int tokenOffset, final int tokenLength) {
            // This node never moves a map: nobody is told to stand by here.
        }

        @Override
        public void enterWorld(final DirectBuffer instanceId, final int offset, final int length) {
            self = IDS.incrementAndGet();
            send(ServerMessages.worldEntered(out, 2, self, 0, 0, 0, 0, 0, 100));
            spawn();
        }

        @Override
        public void move(
                final int sequence, final float mx, final float my, final float z, final float o, final int flags) {
            acked = sequence;
            x = mx;
            y = my;
            send(ServerMessages.selfState(out, 2, acked, x, y, 0, 0, 100, 100, 1, money, experience));
        }

        @Override
        public void say(final DirectBuffer text, final int offset, final int length) {
            send(ServerMessages.chat(out, 2, 1, text, offset, length));
        }

        @Override
        public void attack(final long targetId) {
            assertThat(targetId).isEqualTo(creature);
            experience += 10;
            ServerMessages.updatesHeader(out, 2, 2, 0);
            ServerMessages.Record.write(
                    out,
                    2 + ClientProtocol.UPDATES_RECORDS,
                    creature,
                    ClientProtocol.KIND_CREATURE,
                    ClientProtocol.RECORD_FLAG_DEAD | ClientProtocol.RECORD_FLAG_LOOTABLE,
                    x + 10,
                    y,
                    0,
                    0,
                    0,
                    50);
            send(ServerMessages.updatesCount(out, 2, 1));
        }

        @Override
        public void loot(final long corpseId) {
            assertThat(corpseId).isEqualTo(creature);
            money += 7;
            send(ServerMessages.looted(out, 2, corpseId, 7, money));
            send(ServerMessages.entityGone(out, 2, corpseId));
            spawn();
        }

        @Override
        public void logout() {
            final int length = ServerMessages.disconnect(out, 2, DisconnectReason.LOGOUT, "bye");
            final int frame = Frames.prefix(out, 0, length);
            ctx.writeAndFlush(ctx.alloc().buffer(frame).writeBytes(out.byteArray(), 0, frame))
                    .addListener(ChannelFutureListener.CLOSE);
        }

        @Override
        public void ping(final long nonce) {}
    }
}
