package io.realmcluster.dataplane.net;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.Channel;
import io.realmcluster.dataplane.pipeline.Outbox;
import io.realmcluster.dataplane.world.InstanceHost;
import io.realmcluster.proto.client.ClientProtocol;
import io.realmcluster.proto.client.DisconnectReason;
import java.util.Arrays;
import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;
import org.agrona.concurrent.Agent;
import org.agrona.concurrent.MessageHandler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The node's egress thread: drains every map's {@link Outbox}, gathers each session's frames of
 * the round into one buffer, and hands each buffer to its session's thread to write and flush. A
 * session whose previous write still waits for its thread keeps gathering, so a thread that falls
 * behind sends fewer, larger writes. A client whose socket stays unwritable (it does not read) is
 * closed as a slow consumer.
 */
final class EgressAgent implements Agent {
    private static final Logger LOG = LoggerFactory.getLogger(EgressAgent.class);
    private static final int DRAIN_LIMIT = 16_384;

    private final InstanceHost instances;
    private final ClientSessions sessions;
    private final ClientMetrics metrics;
    private final ByteBufAllocator allocator;
    private final MessageHandler handler = this::onFrame;
    private final byte[] copy = new byte[ClientProtocol.MAX_BODY];
    private ClientSession[] touched = new ClientSession[1024];
    private int touchedCount;
    private long malformed;

    EgressAgent(
            final InstanceHost instances,
            final ClientSessions sessions,
            final ClientMetrics metrics,
            final ByteBufAllocator allocator) {
        this.instances = instances;
        this.sessions = sessions;
        this.metrics = metrics;
        this.allocator = allocator;
    }

    @Override
    public int doWork() {
        int work = 0;
        for (final InstanceHost.Running running : instances.snapshot()) {
            work += running.world().outbox().drain(handler, DRAIN_LIMIT);
        }
        if (touchedCount > 0) {
            flush();
        }
        return work;
    }

    private void onFrame(final int type, final MutableDirectBuffer buffer, final int index, final int length) {
        if (type == Outbox.STAND_BY_CELL && length == Outbox.BODY_OFFSET + 1) {
            final ClientSession session = sessions.at(buffer.getInt(index + Outbox.SESSION_OFFSET));
            if (session != null && session.characterId() == buffer.getLong(index + Outbox.ENTITY_OFFSET)) {
                session.standByCell(buffer.getByte(index + Outbox.BODY_OFFSET));
            }
            return;
        }
        if ((type != Outbox.FRAME && type != Outbox.FRAME_THEN_CLOSE)
                || length <= Outbox.BODY_OFFSET
                || length - Outbox.BODY_OFFSET > ClientProtocol.MAX_BODY) {
            malformed(type, length);
            return;
        }
        final ClientSession session = sessions.at(buffer.getInt(index + Outbox.SESSION_OFFSET));
        if (session == null
                || session.characterId() != buffer.getLong(index + Outbox.ENTITY_OFFSET)
                // A standby connection of the same character may hold the slot of its session that just left a map
                // here (it crossed to a neighbour cell and is coming back): that map's last frames are not its.
                || session.state() == SessionState.STANDBY) {
            return;
        }
        final int bodyLength = length - Outbox.BODY_OFFSET;
        final SessionEgress egress = session.egress();
        if (egress.pending() == null) {
            egress.gather(allocator.directBuffer(Math.max(256, bodyLength + ClientProtocol.LENGTH_PREFIX)));
            if (touchedCount == touched.length) {
                touched = Arrays.copyOf(touched, touchedCount * 2);
            }
            touched[touchedCount++] = session;
        }
        append(egress.pending(), buffer, index + Outbox.BODY_OFFSET, bodyLength);
        metrics.frameSent();
        if (type == Outbox.FRAME_THEN_CLOSE) {
            egress.closeAfterPending();
        }
    }

    /** Drop a message no map writes: counted, and the first logged (the egress thread must not log a flood). */
    private void malformed(final int type, final int length) {
        if (malformed++ == 0) {
            LOG.warn(
                    "dropped an outbox message of type {} and {} bytes, which no map writes (a map of this node is "
                            + "at fault); later ones are only counted",
                    type,
                    length);
        }
    }

    /** Outbox messages of an unknown type or length, dropped. The egress thread (tests). */
    long malformed() {
        return malformed;
    }

    private void append(final ByteBuf out, final DirectBuffer body, final int offset, final int length) {
        body.getBytes(offset, copy, 0, length);
        out.writeShortLE(length);
        out.writeBytes(copy, 0, length);
    }

    private void flush() {
        int waiting = 0;
        for (int i = 0; i < touchedCount; i++) {
            final ClientSession session = touched[i];
            touched[i] = null;
            final SessionEgress egress = session.egress();
            final Channel channel = session.channel();
            if (!channel.isActive()) {
                egress.dropPending();
                continue;
            }
            final int bytes = egress.pending().readableBytes();
            if (!channel.isWritable() || bytes > ClientListener.WATER_MARK.high()) {
                egress.dropPending();
                session.kick(DisconnectReason.SLOW_CONSUMER, "the client does not read what the node sends");
                continue;
            }
            if (!egress.handOffPending()) {
                // Its last write still waits for the session's thread: the frames go with the next one.
                touched[waiting++] = session;
                continue;
            }
            metrics.sent(bytes);
        }
        touchedCount = waiting;
    }

    @Override
    public String roleName() {
        return "client-egress";
    }
}
