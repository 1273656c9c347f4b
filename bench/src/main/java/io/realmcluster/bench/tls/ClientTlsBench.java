package io.realmcluster.bench.tls;

import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.ssl.OpenSsl;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.ssl.SslHandshakeCompletionEvent;
import io.netty.handler.ssl.SslProvider;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.DefaultThreadFactory;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.realmcluster.bench.Conditions;
import io.realmcluster.common.tls.Pki;
import io.realmcluster.common.tls.Role;
import io.realmcluster.common.tls.TlsFiles;
import io.realmcluster.dataplane.net.ClientTls;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.LongAdder;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code bin/bench tls}: the node's game-client TLS ({@link ClientTls}, the node's own handlers)
 * with OpenSSL (BoringSSL, netty-tcnative) against the JDK's provider, in turns in one run:
 * full handshakes a second (a player's connect; P-256 certificate, TLS 1.3, no resumption) and
 * game frames a second from node to players (the egress's batched writes), with plaintext as the
 * reference. Clients are Netty over loopback in this JVM, always on OpenSSL, so the two runs
 * differ only in the node's provider; both share the machine's cores with the node's side.
 */
@Command(
        name = "tls",
        mixinStandardHelpOptions = true,
        description =
                "Game-client TLS on the node: handshakes/s and frames/s, OpenSSL (BoringSSL) vs the JDK provider.")
public final class ClientTlsBench implements Callable<Integer> {
    @Option(
            names = "--seconds",
            defaultValue = "10",
            description = "Measured seconds per provider and round (default: ${DEFAULT-VALUE}).")
    int seconds;

    @Option(
            names = "--warmup",
            defaultValue = "5",
            description = "Warm-up seconds per provider and round (default: ${DEFAULT-VALUE}).")
    int warmupSeconds;

    @Option(
            names = "--rounds",
            defaultValue = "2",
            description = "Rounds, each running every provider in turn (default: ${DEFAULT-VALUE}).")
    int rounds;

    @Option(
            names = "--handshakers",
            defaultValue = "16",
            description = "Clients connecting, handshaking and closing at once (default: ${DEFAULT-VALUE}).")
    int handshakers;

    @Option(
            names = "--players",
            defaultValue = "200",
            description = "Connections the node sends frames to (default: ${DEFAULT-VALUE}).")
    int players;

    @Option(
            names = "--frame-bytes",
            defaultValue = "40",
            description = "Bytes of one game frame, length prefix included (default: ${DEFAULT-VALUE}).")
    int frameBytes;

    @Option(
            names = "--frames-per-write",
            defaultValue = "20",
            description = "Frames gathered into one write, as the egress gathers a tick's frames for a session "
                    + "(default: ${DEFAULT-VALUE}).")
    int framesPerWrite;

    /** What is measured: the node with each provider, and plaintext for reference (frames only). */
    enum Mode {
        OPENSSL,
        JDK,
        PLAINTEXT
    }

    private static final int IO_THREADS = 1;

    @Override
    public Integer call() throws Exception {
        if (!OpenSsl.isAvailable()) {
            System.err.println("OpenSSL (netty-tcnative) does not load here: " + OpenSsl.unavailabilityCause());
            return 1;
        }
        final Path directory = Files.createTempDirectory("tls-bench");
        final Pki pki = Pki.at(directory);
        pki.init("bench", Pki.CA_VALIDITY);
        final TlsFiles node = pki.issue(Role.NODE, "node-1", List.of("127.0.0.1"), Pki.VALIDITY);
        final SslContext clients = SslContextBuilder.forClient()
                .sslProvider(SslProvider.OPENSSL)
                .trustManager(pki.caCertificate().toFile())
                .endpointIdentificationAlgorithm("HTTPS")
                .protocols("TLSv1.3")
                .build();
        System.out.println(Conditions.describe());
        System.out.println("openssl:    " + OpenSsl.versionString() + " (netty-tcnative)");
        System.out.printf(
                "scenario:   node side: ClientTls with each provider on %d event loop (%s), clients: Netty over loopback,"
                        + " OpenSSL, %d event loop, in this JVM;%n"
                        + "            handshakes: %d clients connecting, handshaking (TLS 1.3, ECDSA P-256, no resumption)"
                        + " and closing in a loop;%n"
                        + "            frames: %d connections, each sent writes of %d frames of %d bytes as fast as it"
                        + " reads them;%n"
                        + "            %d round(s) of every provider in turn, %d s warm-up + %d s measured each%n",
                IO_THREADS,
                Epoll.isAvailable() ? "epoll" : "nio",
                IO_THREADS,
                handshakers,
                players,
                framesPerWrite,
                frameBytes,
                rounds,
                warmupSeconds,
                seconds);
        final List<Mode> providers = List.of(Mode.OPENSSL, Mode.JDK);
        final double[] handshakesPerSecond = new double[Mode.values().length];
        final Histogram[] handshakeMicros = new Histogram[Mode.values().length];
        final double[] framesPerSecond = new double[Mode.values().length];
        for (final Mode mode : Mode.values()) {
            handshakeMicros[mode.ordinal()] = new Histogram(3);
        }
        for (int round = 0; round < rounds; round++) {
            for (final Mode mode : providers) {
                // A node that sends nothing: the clients hang up as soon as their handshake is done.
                try (Node server = Node.start(mode, node, 0, frameBytes)) {
                    final HandshakeResult result = handshakes(server.port(), clients);
                    handshakesPerSecond[mode.ordinal()] += result.perSecond() / rounds;
                    handshakeMicros[mode.ordinal()].add(result.micros());
                }
            }
            for (final Mode mode : Mode.values()) {
                try (Node server = Node.start(mode, node, framesPerWrite, frameBytes)) {
                    framesPerSecond[mode.ordinal()] += frames(server, mode == Mode.PLAINTEXT ? null : clients) / rounds;
                }
            }
        }
        System.out.println();
        System.out.println(
                "handshakes a second (full, TLS 1.3) and their time from connect to done (ms); frames a second"
                        + " to players (and MB/s of frames)");
        System.out.printf(
                "%-10s %13s %8s %8s %8s %14s %10s%n",
                "node", "handshakes/s", "hs p50", "hs p99", "hs max", "frames/s", "MB/s");
        for (final Mode mode : Mode.values()) {
            final int i = mode.ordinal();
            final Histogram micros = handshakeMicros[i];
            if (mode == Mode.PLAINTEXT) {
                System.out.printf(
                        "%-10s %13s %8s %8s %8s %14.0f %10.1f%n",
                        "plaintext", "-", "-", "-", "-", framesPerSecond[i], framesPerSecond[i] * frameBytes / 1e6);
            } else {
                System.out.printf(
                        "%-10s %13.0f %8.2f %8.2f %8.2f %14.0f %10.1f%n",
                        mode.name().toLowerCase(Locale.ROOT),
                        handshakesPerSecond[i],
                        micros.getValueAtPercentile(50) / 1000.0,
                        micros.getValueAtPercentile(99) / 1000.0,
                        micros.getMaxValue() / 1000.0,
                        framesPerSecond[i],
                        framesPerSecond[i] * frameBytes / 1e6);
            }
        }
        final int openssl = Mode.OPENSSL.ordinal();
        final int jdk = Mode.JDK.ordinal();
        System.out.printf(
                Locale.ROOT,
                "ratio openssl/jdk: handshakes/s %.2fx, handshake p99 %.2fx (lower is better), frames/s %.2fx;"
                        + " frames/s against plaintext: openssl %.2fx, jdk %.2fx%n",
                handshakesPerSecond[openssl] / handshakesPerSecond[jdk],
                (double) handshakeMicros[openssl].getValueAtPercentile(99)
                        / handshakeMicros[jdk].getValueAtPercentile(99),
                framesPerSecond[openssl] / framesPerSecond[jdk],
                framesPerSecond[openssl] / framesPerSecond[Mode.PLAINTEXT.ordinal()],
                framesPerSecond[jdk] / framesPerSecond[Mode.PLAINTEXT.ordinal()]);
        return 0;
    }

    private record HandshakeResult(double perSecond, Histogram micros) {}

    /** {@link #handshakers} clients in a loop: connect, handshake, close; handshakes done a second while measured. */
    private HandshakeResult handshakes(final int port, final SslContext tls) throws InterruptedException {
        final EventLoopGroup group = group("bench-handshakers");
        final AtomicBoolean running = new AtomicBoolean(true);
        final AtomicBoolean measuring = new AtomicBoolean(false);
        final LongAdder done = new LongAdder();
        final Recorder micros = new Recorder(3);
        final Bootstrap bootstrap = new Bootstrap()
                .group(group)
                .channel(Epoll.isAvailable() ? EpollSocketChannel.class : NioSocketChannel.class)
                .option(ChannelOption.TCP_NODELAY, true)
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, 10_000);
        final Runnable[] next = new Runnable[1];
        next[0] = () -> {
            if (!running.get()) {
                return;
            }
            final long started = System.nanoTime();
            bootstrap
                    .clone()
                    .handler(new ChannelInitializer<Channel>() {
                        @Override
                        protected void initChannel(final Channel ch) {
                            final SslHandler handler = tls.newHandler(ch.alloc(), "127.0.0.1", port);
                            handler.handshakeFuture().addListener(handshake -> {
                                if (handshake.isSuccess() && measuring.get()) {
                                    done.increment();
                                    micros.recordValue((System.nanoTime() - started) / 1000);
                                }
                                ch.close().addListener(closed -> next[0].run());
                            });
                            ch.pipeline().addLast(handler);
                        }
                    })
                    .connect(new InetSocketAddress("127.0.0.1", port))
                    .addListener((ChannelFutureListener) connect -> {
                        if (!connect.isSuccess()) {
                            next[0].run();
                        }
                    });
        };
        for (int i = 0; i < handshakers; i++) {
            next[0].run();
        }
        TimeUnit.SECONDS.sleep(warmupSeconds);
        micros.reset();
        measuring.set(true);
        final long start = System.nanoTime();
        TimeUnit.SECONDS.sleep(seconds);
        measuring.set(false);
        final double elapsed = (System.nanoTime() - start) / 1e9;
        final double perSecond = done.sum() / elapsed;
        final Histogram measured = micros.getIntervalHistogram();
        running.set(false);
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
        return new HandshakeResult(perSecond, measured);
    }

    /** {@link #players} connections that read everything the node sends them as fast as it can; frames a second. */
    private double frames(final Node server, final SslContext tls) throws InterruptedException {
        final EventLoopGroup group = group("bench-players");
        final LongAdder bytes = new LongAdder();
        final Bootstrap bootstrap = new Bootstrap()
                .group(group)
                .channel(Epoll.isAvailable() ? EpollSocketChannel.class : NioSocketChannel.class)
                .option(ChannelOption.TCP_NODELAY, true)
                .handler(new ChannelInitializer<Channel>() {
                    @Override
                    protected void initChannel(final Channel ch) {
                        if (tls != null) {
                            ch.pipeline().addLast(tls.newHandler(ch.alloc(), "127.0.0.1", server.port()));
                        }
                        ch.pipeline().addLast(new ChannelInboundHandlerAdapter() {
                            @Override
                            public void channelRead(final ChannelHandlerContext ctx, final Object msg) {
                                bytes.add(((ByteBuf) msg).readableBytes());
                                ReferenceCountUtil.release(msg);
                            }
                        });
                    }
                });
        final List<Channel> connections = new ArrayList<>();
        for (int i = 0; i < players; i++) {
            connections.add(bootstrap
                    .connect(new InetSocketAddress("127.0.0.1", server.port()))
                    .sync()
                    .channel());
        }
        TimeUnit.SECONDS.sleep(warmupSeconds);
        final long before = bytes.sum();
        final long start = System.nanoTime();
        TimeUnit.SECONDS.sleep(seconds);
        final double elapsed = (System.nanoTime() - start) / 1e9;
        final double perSecond = (bytes.sum() - before) / (double) frameBytes / elapsed;
        connections.forEach(Channel::close);
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
        return perSecond;
    }

    private static EventLoopGroup group(final String name) {
        return new MultiThreadIoEventLoopGroup(
                IO_THREADS,
                new DefaultThreadFactory(name, true),
                Epoll.isAvailable() ? EpollIoHandler.newFactory() : NioIoHandler.newFactory());
    }

    /**
     * The node's side: a listener whose connections start with {@link ClientTls}'s handler (none
     * in plaintext) and, once the handshake is done, are sent writes of frames whenever writable.
     */
    private static final class Node implements AutoCloseable {
        /** Writes queued on a connection before it is flushed and the loop goes to the next. */
        private static final int WRITES_PER_TURN = 16;

        private final EventLoopGroup group;
        private final Channel channel;
        private final ClientTls tls;

        private Node(final EventLoopGroup group, final Channel channel, final ClientTls tls) {
            this.group = group;
            this.channel = channel;
            this.tls = tls;
        }

        static Node start(final Mode mode, final TlsFiles files, final int framesPerWrite, final int frameBytes) {
            final ClientTls tls = mode == Mode.PLAINTEXT
                    ? null
                    : ClientTls.start(
                            files.certificate(),
                            files.privateKey(),
                            mode == Mode.OPENSSL ? SslProvider.OPENSSL : SslProvider.JDK,
                            new PrometheusRegistry(),
                            Duration.ZERO);
            // No frames (framesPerWrite 0): a node that only handshakes.
            final byte[] batch = new byte[framesPerWrite * frameBytes];
            final SplittableRandom random = new SplittableRandom(7);
            for (int i = 0; i < batch.length; i++) {
                batch[i] = (byte) random.nextInt(256);
            }
            for (int frame = 0; frame < framesPerWrite; frame++) {
                final int at = frame * frameBytes;
                batch[at] = (byte) (frameBytes - 2);
                batch[at + 1] = (byte) ((frameBytes - 2) >> 8);
            }
            final EventLoopGroup group = group("bench-node");
            final Channel channel = new ServerBootstrap()
                    .group(group)
                    .channel(Epoll.isAvailable() ? EpollServerSocketChannel.class : NioServerSocketChannel.class)
                    .childOption(ChannelOption.TCP_NODELAY, true)
                    .childOption(ChannelOption.WRITE_BUFFER_WATER_MARK, new WriteBufferWaterMark(64 << 10, 256 << 10))
                    .childHandler(new ChannelInitializer<Channel>() {
                        @Override
                        protected void initChannel(final Channel ch) {
                            if (tls != null) {
                                ch.pipeline().addLast(tls.newHandler(ch));
                            }
                            ch.pipeline().addLast(framesPerWrite > 0 ? new Sender(batch, tls == null) : new Silent());
                        }
                    })
                    .bind("127.0.0.1", 0)
                    .syncUninterruptibly()
                    .channel();
            return new Node(group, channel, tls);
        }

        int port() {
            return ((InetSocketAddress) channel.localAddress()).getPort();
        }

        @Override
        public void close() {
            channel.close().syncUninterruptibly();
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
            if (tls != null) {
                tls.close();
            }
        }
    }

    /** The end of a connection that only handshakes: a client hanging up (a reset) is not news. */
    private static final class Silent extends ChannelInboundHandlerAdapter {
        @Override
        public void channelRead(final ChannelHandlerContext ctx, final Object msg) {
            ReferenceCountUtil.release(msg);
        }

        @Override
        public void exceptionCaught(final ChannelHandlerContext ctx, final Throwable cause) {
            ctx.close();
        }
    }

    /** Sends a connection writes of frames (each copied into a pooled buffer, as the egress does) while it is writable. */
    private static final class Sender extends ChannelInboundHandlerAdapter {
        private final byte[] batch;
        private final boolean plaintext;
        private ChannelHandlerContext context;
        private boolean ready;
        private final Runnable pump = this::pump;

        Sender(final byte[] batch, final boolean plaintext) {
            this.batch = batch;
            this.plaintext = plaintext;
        }

        @Override
        public void channelActive(final ChannelHandlerContext ctx) {
            context = ctx;
            if (plaintext) {
                ready = true;
                pump();
            }
            ctx.fireChannelActive();
        }

        @Override
        public void userEventTriggered(final ChannelHandlerContext ctx, final Object event) {
            if (event instanceof SslHandshakeCompletionEvent done && done.isSuccess()) {
                ready = true;
                pump();
            }
            ctx.fireUserEventTriggered(event);
        }

        @Override
        public void channelWritabilityChanged(final ChannelHandlerContext ctx) {
            if (ready && ctx.channel().isWritable()) {
                pump();
            }
            ctx.fireChannelWritabilityChanged();
        }

        @Override
        public void channelRead(final ChannelHandlerContext ctx, final Object msg) {
            ReferenceCountUtil.release(msg);
        }

        @Override
        public void exceptionCaught(final ChannelHandlerContext ctx, final Throwable cause) {
            // A player that hung up at the end of a run (a broken pipe): nothing to report.
            ctx.close();
        }

        private void pump() {
            final Channel ch = context.channel();
            if (!ch.isActive() || ch.eventLoop().isShuttingDown()) {
                return;
            }
            for (int i = 0; i < Node.WRITES_PER_TURN && ch.isWritable(); i++) {
                context.write(context.alloc().directBuffer(batch.length).writeBytes(batch), context.voidPromise());
            }
            context.flush();
            if (ch.isWritable()) {
                // The next turn after the other connections' work: no connection starves the rest.
                ch.eventLoop().execute(pump);
            }
        }
    }
}
