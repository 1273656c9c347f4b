package io.realmcluster.dataplane.net;

import java.net.InetSocketAddress;

import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollDatagramChannel;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.DatagramPacket;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioDatagramChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.util.ReferenceCountUtil;
import io.realmcluster.common.cli.StartupException;
import io.realmcluster.common.grpc.GrpcServers;
import io.realmcluster.common.net.HostPort;

/**
 * Listens for game clients on one port, TCP and UDP (epoll where available). The client protocol
 * handlers plug in here; until a session is authenticated, nothing reaches a map's tick loop.
 */
public final class ClientListener implements AutoCloseable {
    private final EventLoopGroup boss;
    private final EventLoopGroup workers;
    private final Channel tcp;
    private final Channel udp;
    private final HostPort address;

    private ClientListener(final EventLoopGroup boss, final EventLoopGroup workers, final Channel tcp,
                           final Channel udp, final HostPort address) {
        this.boss = boss;
        this.workers = workers;
        this.tcp = tcp;
        this.udp = udp;
        this.address = address;
    }

    /** Bind TCP, then UDP on the same port (port 0: the port TCP got). */
    public static ClientListener bind(final HostPort listen, final int ioThreads) {
        final boolean epoll = Epoll.isAvailable();
        final EventLoopGroup boss = new MultiThreadIoEventLoopGroup(1,
            epoll ? EpollIoHandler.newFactory() : NioIoHandler.newFactory());
        final EventLoopGroup workers = new MultiThreadIoEventLoopGroup(ioThreads,
            epoll ? EpollIoHandler.newFactory() : NioIoHandler.newFactory());
        Channel tcp = null;
        try {
            tcp = new ServerBootstrap()
                .group(boss, workers)
                .channel(epoll ? EpollServerSocketChannel.class : NioServerSocketChannel.class)
                .childOption(ChannelOption.TCP_NODELAY, true)
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(final SocketChannel ch) {
                        ch.pipeline().addLast(new NotYetServing());
                    }
                })
                .bind(listen.toSocketAddress()).syncUninterruptibly().channel();
            final int port = ((InetSocketAddress) tcp.localAddress()).getPort();
            final HostPort bound = listen.withPort(port);
            final Channel udp = new Bootstrap()
                .group(workers)
                .channel(epoll ? EpollDatagramChannel.class : NioDatagramChannel.class)
                .handler(new DropDatagrams())
                .bind(bound.toSocketAddress()).syncUninterruptibly().channel();
            return new ClientListener(boss, workers, tcp, udp, bound);
        } catch (final Exception e) {
            // Netty rethrows the bind's IOException unchecked, hence Exception rather than RuntimeException.
            if (tcp != null) {
                tcp.close().syncUninterruptibly();
            }
            boss.shutdownGracefully(0, 0, java.util.concurrent.TimeUnit.MILLISECONDS);
            workers.shutdownGracefully(0, 0, java.util.concurrent.TimeUnit.MILLISECONDS);
            throw new StartupException("cannot listen for game clients on " + listen + ": "
                + GrpcServers.bindFailure(e), e);
        }
    }

    public HostPort address() {
        return address;
    }

    @Override
    public void close() {
        tcp.close().syncUninterruptibly();
        udp.close().syncUninterruptibly();
        boss.shutdownGracefully(0, 200, java.util.concurrent.TimeUnit.MILLISECONDS).syncUninterruptibly();
        workers.shutdownGracefully(0, 200, java.util.concurrent.TimeUnit.MILLISECONDS).syncUninterruptibly();
    }

    /** Placeholder until the client protocol is wired: a connection is accepted and closed. */
    private static final class NotYetServing extends ChannelInboundHandlerAdapter {
        @Override
        public void channelActive(final ChannelHandlerContext ctx) {
            ctx.close();
        }
    }

    /** Unauthenticated datagrams are dropped without a reply: no amplification, no tick work. */
    private static final class DropDatagrams extends ChannelInboundHandlerAdapter {
        @Override
        public void channelRead(final ChannelHandlerContext ctx, final Object msg) {
            if (msg instanceof DatagramPacket) {
                ReferenceCountUtil.release(msg);
            } else {
                ctx.fireChannelRead(msg);
            }
        }
    }
}
