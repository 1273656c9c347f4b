package io.realmcluster.tools.bots;

import static io.realmcluster.proto.client.ClientProtocol.LENGTH_PREFIX;

import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.codec.LengthFieldBasedFrameDecoder;
import io.realmcluster.proto.client.ClientMessages;
import io.realmcluster.proto.client.ClientProtocol;
import io.realmcluster.proto.client.Frames;
import java.net.InetSocketAddress;
import java.nio.ByteOrder;
import java.util.concurrent.TimeUnit;
import org.agrona.DirectBuffer;

/**
 * A bot's connections to nodes, on its loop's thread: its own, the UDP socket its moves may go out
 * on, a standby connection to the node its map moves to (STANDBY), and the old node's connection
 * after a standby took over, until that node closes it. Which of them an event comes from says what
 * it means; the bot decides what to do about it.
 */
final class BotConnections {
    /** How long the old node's connection may stay open after a standby took over. */
    private static final long RETIRING_NANOS = TimeUnit.SECONDS.toNanos(10);

    private static final ByteOrder LE = ByteOrder.LITTLE_ENDIAN;

    private final Bot bot;
    private final BotLoop loop;

    /** Where the bot's own connection goes, the token it says HELLO with, and the instance it enters. */
    private InetSocketAddress address;

    private byte[] token;
    private String instanceId;
    private Channel channel;
    /** This session's id and UDP cookie (from WELCOME), and the socket its moves go out on when they go as datagrams. */
    private long sessionId;

    private final byte[] cookie = new byte[ClientProtocol.COOKIE_BYTES];
    private Channel datagrams;
    /** A second connection to the node this bot's map moves to (STANDBY), until it takes over or ends. */
    private Channel standby;

    private InetSocketAddress standbyAddress;
    private byte[] standbyToken;
    private String standbyInstance;
    /** The old node's connection after a standby took over, until that node closes it (after its REDIRECT). */
    private Channel retiring;

    private long retiringSinceNanos;

    BotConnections(final Bot bot, final BotLoop loop) {
        this.bot = bot;
        this.loop = loop;
    }

    /** Where the bot's own connection goes next. */
    /** The node the game connection is (or was last) aimed at; null before the first. */
    InetSocketAddress address() {
        return address;
    }

    /** The instance the bot's own connection enters (or is in), or null before the first. */
    String instanceId() {
        return instanceId;
    }

    void aim(final InetSocketAddress nodeAddress, final byte[] sessionToken, final String instance) {
        address = nodeAddress;
        token = sessionToken;
        instanceId = instance;
    }

    /** Connect the bot's own connection to where it aims; the bot fails when it cannot. */
    void open() {
        connectTo(address, false);
    }

    /** Stand by at {@code to} (a second connection, for the hand-over of the bot's moving map). */
    /** The instance the standby connection enters, or null when the bot stands by nowhere. */
    String standbyInstance() {
        return standby == null ? null : standbyInstance;
    }

    /** The standby connection already open waits for the character to enter {@code instance}, with a fresh token. */
    void standByFor(final byte[] standbyTokenBytes, final String instance) {
        standbyToken = standbyTokenBytes;
        standbyInstance = instance;
    }

    void standBy(final InetSocketAddress to, final byte[] standbyTokenBytes, final String instance) {
        standbyToken = standbyTokenBytes;
        standbyAddress = to;
        standbyInstance = instance;
        connectTo(to, true);
    }

    /**
     * A new connection to {@code to}, the bot's own or ({@code asStandby}) its standby; the bot's
     * handler hears of it. The bot fails when its own cannot connect.
     */
    private void connectTo(final InetSocketAddress to, final boolean asStandby) {
        final ChannelFuture connect = loop.bootstrap
                .clone()
                .handler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(final SocketChannel ch) {
                        if (loop.tls != null) {
                            // Verified against the address as dialed: the node's certificate must name it.
                            ch.pipeline().addLast(loop.tls.newHandler(ch.alloc(), to.getHostString(), to.getPort()));
                        }
                        ch.pipeline()
                                .addLast(
                                        new LengthFieldBasedFrameDecoder(
                                                ByteOrder.LITTLE_ENDIAN,
                                                LENGTH_PREFIX + ClientProtocol.MAX_BODY,
                                                0,
                                                LENGTH_PREFIX,
                                                0,
                                                LENGTH_PREFIX,
                                                true),
                                        new BotChannelHandler(bot));
                    }
                })
                .connect(to);
        if (asStandby) {
            standby = connect.channel();
        } else {
            channel = connect.channel();
        }
        connect.addListener((ChannelFutureListener) done -> {
            if (done.isSuccess()) {
                return;
            }
            if (done.channel() == standby) {
                // Standing by is an optimization: without it, the REDIRECT is followed as a reconnect.
                bot.standbyClosed();
            } else if (done.channel() == channel) {
                channel = null;
                bot.connectFailed("cannot connect to " + to + ": " + describe(done.cause()));
            }
        });
    }

    private static String describe(final Throwable cause) {
        return cause == null ? "cancelled" : cause.getMessage() == null ? cause.toString() : cause.getMessage();
    }

    boolean isOwn(final Channel ch) {
        return ch == channel;
    }

    boolean isStandby(final Channel ch) {
        return ch == standby;
    }

    boolean isRetiring(final Channel ch) {
        return ch == retiring;
    }

    boolean hasOwn() {
        return channel != null;
    }

    boolean hasStandby() {
        return standby != null;
    }

    boolean ownActive() {
        return channel != null && channel.isActive();
    }

    /** Whether a move can go now: the bot's own connection is there and not backed up. */
    boolean writable() {
        return channel != null && channel.isWritable();
    }

    boolean standingByAt(final InetSocketAddress to) {
        return standby != null && to.equals(standbyAddress);
    }

    /** HELLO with the bot's token and ENTER_WORLD right behind it, on its own connection, now active. */
    void hello() {
        send(ClientMessages.hello(loop.out, LENGTH_PREFIX, ClientProtocol.VERSION, token), false);
        // Right behind HELLO: the node enters it once the login's claim is done, a round trip sooner than after
        // WELCOME.
        send(ClientMessages.enterWorld(loop.out, LENGTH_PREFIX, instanceId), true);
    }

    /** STANDBY_HELLO and ENTER_WORLD on the standby connection, now active. */
    void standbyHello(final Channel ch) {
        send(ch, ClientMessages.standbyHello(loop.out, LENGTH_PREFIX, ClientProtocol.VERSION, standbyToken), false);
        send(ch, ClientMessages.enterWorld(loop.out, LENGTH_PREFIX, standbyInstance), true);
    }

    /** WELCOME: the session's id and the cookie its datagrams carry. */
    void welcome(final long session, final DirectBuffer cookieBuffer, final int cookieOffset) {
        sessionId = session;
        cookieBuffer.getBytes(cookieOffset, cookie);
    }

    /**
     * The standby connection was let in: it is the bot's own from now on, aimed where it stood by.
     * The old one, if {@code retireOwn}, retires: it is closed when the old node sends its REDIRECT.
     */
    void takeOverStandby(final boolean retireOwn, final long now) {
        if (retireOwn) {
            retiring = channel;
            retiringSinceNanos = now;
        }
        channel = standby;
        standby = null;
        aim(standbyAddress, standbyToken, standbyInstance);
    }

    /** Close the old node's connection if it outstayed its welcome after a takeover. */
    void retireIfDue(final long now) {
        if (retiring != null && now - retiringSinceNanos > RETIRING_NANOS) {
            retiring.close();
        }
    }

    /** The own connection closed: it and the UDP socket that went with it are gone. */
    void ownClosed() {
        channel = null;
        closeDatagrams();
    }

    void standbyGone() {
        standby = null;
    }

    void retiringClosed() {
        retiring = null;
    }

    void closeOwn() {
        if (channel != null) {
            channel.close();
        }
    }

    /** Close the standby connection; forgotten first, so that its close does not count as the standby's end. */
    void closeStandby() {
        if (standby != null) {
            final Channel closing = standby;
            standby = null;
            closing.close();
        }
    }

    /** Close the standby connection without forgetting it: its close reports as the standby's end. */
    void dropStandby() {
        if (standby != null) {
            standby.close();
        }
    }

    /** Close the standby and the retiring connections: a standby left open would hold a session on its node. */
    void closeSide() {
        closeStandby();
        if (retiring != null) {
            retiring.close();
        }
    }

    /**
     * A UDP socket to the node, from a port of its own: the node binds a session's datagrams to the
     * first address they come from. Moves go over TCP until it is connected.
     */
    void openDatagrams() {
        closeDatagrams();
        final ChannelFuture connect = loop.datagrams.connect(address);
        final Channel opened = connect.channel();
        datagrams = opened;
        connect.addListener((ChannelFutureListener) done -> {
            if (!done.isSuccess() && datagrams == opened) {
                datagrams = null;
                bot.fail("udp", "cannot open a UDP socket to " + address + ": " + describe(done.cause()));
            }
        });
    }

    void closeDatagrams() {
        if (datagrams != null) {
            datagrams.close();
            datagrams = null;
        }
    }

    boolean datagramsActive() {
        return datagrams != null && datagrams.isActive();
    }

    /** The datagram whose body (at {@link ClientProtocol#DATAGRAM_BODY} of the loop's buffer) is {@code bodyLength} long. */
    void sendDatagram(final int bodyLength) {
        loop.out.putLong(ClientProtocol.DATAGRAM_SESSION, sessionId, LE);
        loop.out.putBytes(ClientProtocol.DATAGRAM_COOKIE, cookie);
        final int length = ClientProtocol.DATAGRAM_BODY + bodyLength;
        final ByteBuf buf = datagrams.alloc().directBuffer(length);
        buf.writeBytes(loop.out.byteArray(), 0, length);
        datagrams.writeAndFlush(buf, datagrams.voidPromise());
    }

    /** The frame whose body (after the length prefix in the loop's buffer) is {@code bodyLength} long, on the own connection. */
    void send(final int bodyLength, final boolean flush) {
        send(channel, bodyLength, flush);
    }

    private void send(final Channel to, final int bodyLength, final boolean flush) {
        final int frameLength = Frames.prefix(loop.out, 0, bodyLength);
        final ByteBuf buf = to.alloc().directBuffer(frameLength);
        buf.writeBytes(loop.out.byteArray(), 0, frameLength);
        if (flush) {
            to.writeAndFlush(buf, to.voidPromise());
        } else {
            to.write(buf, to.voidPromise());
        }
    }

    void flush() {
        channel.flush();
    }
}
