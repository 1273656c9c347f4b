package io.realmcluster.dataplane.net;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.socket.DatagramPacket;
import io.netty.util.ReferenceCountUtil;
import io.realmcluster.dataplane.world.InstanceHost;
import io.realmcluster.proto.client.ClientMessages;
import io.realmcluster.proto.client.ClientProtocol;
import io.realmcluster.proto.client.FrameError;
import io.realmcluster.proto.client.ServerMessages;
import java.net.InetSocketAddress;
import java.nio.ByteOrder;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * UDP on the client port: a datagram counts only with a session id and that session's cookie,
 * from the one address the session bound first, carrying MOVE or PING; anything else is dropped
 * without a reply. The only reply, PONG, is smaller than the PING that asked for it. A session's
 * datagrams past its rate (the frames per second TCP allows) are dropped and counted.
 */
final class DatagramHandler extends ChannelInboundHandlerAdapter implements ClientMessages.Handler {
    private final ClientSessions sessions;
    private final ClientMetrics metrics;
    /** The longest datagram taken: a longer one is dropped as unbound. */
    static final int LARGEST = ClientProtocol.DATAGRAM_BODY + ClientProtocol.MAX_BODY;

    private final byte[] bytes = new byte[LARGEST];
    private final UnsafeBuffer datagram = new UnsafeBuffer(bytes);
    private final UnsafeBuffer reply = new UnsafeBuffer(new byte[ClientProtocol.REPLY_BODY + ClientProtocol.ID_LENGTH]);
    private final byte[] presented = new byte[ClientProtocol.COOKIE_BYTES];
    /** The moves it forwards, through a claim on the maps' rings of the UDP thread's own. */
    private final PlayerInputs inputs;

    private ChannelHandlerContext ctx;
    private ClientSession current;
    private InetSocketAddress sender;
    private boolean refused;

    DatagramHandler(final ClientSessions sessions, final ClientMetrics metrics) {
        this.sessions = sessions;
        this.metrics = metrics;
        this.inputs = new PlayerInputs(metrics);
    }

    @Override
    public void channelRead(final ChannelHandlerContext context, final Object msg) {
        if (!(msg instanceof DatagramPacket packet)) {
            context.fireChannelRead(msg);
            return;
        }
        try {
            ctx = context;
            final ByteBuf content = packet.content();
            final int length = content.readableBytes();
            metrics.received(length);
            if (length <= ClientProtocol.DATAGRAM_BODY || length > bytes.length) {
                metrics.rejected(FrameError.UNBOUND_DATAGRAM);
                return;
            }
            content.getBytes(content.readerIndex(), bytes, 0, length);
            final long sessionId = datagram.getLong(ClientProtocol.DATAGRAM_SESSION, ByteOrder.LITTLE_ENDIAN);
            final ClientSession session = sessions.byId(sessionId);
            datagram.getBytes(ClientProtocol.DATAGRAM_COOKIE, presented);
            if (session == null || !session.inWorld() || !session.datagrams().admits(presented, packet.sender())) {
                metrics.rejected(FrameError.UNBOUND_DATAGRAM);
                return;
            }
            if (!session.datagrams().tryAcquire()) {
                metrics.rejected(FrameError.DATAGRAM_FLOOD);
                return;
            }
            metrics.datagramTaken();
            current = session;
            sender = packet.sender();
            refused = false;
            final FrameError error = ClientMessages.decode(
                    datagram, ClientProtocol.DATAGRAM_BODY, length - ClientProtocol.DATAGRAM_BODY, this);
            if (error != null) {
                metrics.rejected(error);
            } else if (refused) {
                metrics.rejected(FrameError.UNBOUND_DATAGRAM);
            }
        } finally {
            current = null;
            ReferenceCountUtil.release(msg);
        }
    }

    @Override
    public void move(final int sequence, final float x, final float y, final float z, final float o, final int flags) {
        final InstanceHost.Running map = current.map();
        if (map != null) {
            inputs.move(map.agent().ingress(), current.characterId(), sequence, x, y, z, o, flags);
        }
    }

    @Override
    public void ping(final long nonce) {
        reply.putLong(0, current.id(), ByteOrder.LITTLE_ENDIAN);
        final int length = ClientProtocol.REPLY_BODY + ServerMessages.pong(reply, ClientProtocol.REPLY_BODY, nonce);
        final ByteBuf out = ctx.alloc().buffer(length);
        out.writeBytes(reply.byteArray(), 0, length);
        metrics.sent(length);
        ctx.writeAndFlush(new DatagramPacket(out, sender));
    }

    // Everything else belongs on TCP.
    @Override
    public void hello(final int version, final DirectBuffer token, final int tokenOffset, final int tokenLength) {
        refused = true;
    }

    @Override
    public void standbyHello(
            final int version, final DirectBuffer token, final int tokenOffset, final int tokenLength) {
        refused = true;
    }

    @Override
    public void enterWorld(final DirectBuffer instanceId, final int offset, final int length) {
        refused = true;
    }

    @Override
    public void say(final DirectBuffer text, final int offset, final int length) {
        refused = true;
    }

    @Override
    public void attack(final long targetId) {
        refused = true;
    }

    @Override
    public void loot(final long corpseId) {
        refused = true;
    }

    @Override
    public void logout() {
        refused = true;
    }
}
