package io.realmcluster.dataplane.net;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.channel.socket.DatagramPacket;
import io.netty.util.concurrent.MockTicker;
import io.realmcluster.dataplane.pipeline.Ingress;
import io.realmcluster.dataplane.pipeline.Inputs;
import io.realmcluster.dataplane.world.FrameText;
import io.realmcluster.proto.client.ClientMessages;
import io.realmcluster.proto.client.ClientProtocol;
import io.realmcluster.proto.client.FrameError;
import io.realmcluster.proto.client.ServerMessages;
import java.net.InetSocketAddress;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;

/**
 * Arbitrary datagrams into the UDP handler, with a player in the world whose session the fuzzer may name:
 * raw bytes, its session id with a wrong cookie, its id and cookie from another address, or its id and
 * cookie from its own address with any body (truncated frames included). The handler never throws; a
 * datagram without the session's cookie from its address puts nothing on the map's ring and gets no reply;
 * one with them puts exactly the MOVE it carries there, or answers the PING it carries with a smaller PONG;
 * every datagram's buffer is released. The map's tick thread lets go of the map once the player is in, so
 * the test reads its ring (see {@link EmbeddedPlayer}). In the normal suite this replays the seeds under src/test/resources;
 * {@code JAZZER_FUZZ=1} fuzzes.
 */
class DatagramFuzzTest {
    private static final long CHARACTER = EmbeddedPlayer.CHARACTER;
    private static final InetSocketAddress NODE_ADDRESS = new InetSocketAddress("127.0.0.1", 4000);
    private static final InetSocketAddress PLAYER_ADDRESS = new InetSocketAddress("127.0.0.1", 5000);
    private static final InetSocketAddress OTHER_ADDRESS = new InetSocketAddress("127.0.0.1", 5001);
    private static final int MODES = 4;

    private final List<String> reachedRing = new ArrayList<>();
    private EmbeddedPlayer player;
    private MockTicker ticker;
    private ClientMetrics metrics;
    private EmbeddedChannel udp;
    private Ingress ingress;
    private long sessionId;
    private byte[] cookie;
    private int lastReplyLength;

    @BeforeEach
    void playerInTheWorld() {
        player = new EmbeddedPlayer();
        ticker = player.ticker;
        metrics = player.metrics;
        ingress = player.ingress;
        sessionId = player.sessionId;
        cookie = player.cookie;
        udp = new EmbeddedChannel(new DatagramHandler(player.sessions, metrics));
        // The player's first datagram binds its session to its address.
        final UnsafeBuffer ping = new UnsafeBuffer(new byte[ClientProtocol.DATAGRAM_BODY + 16]);
        final int length = header(ping, sessionId, cookie) + ClientMessages.ping(ping, ClientProtocol.DATAGRAM_BODY, 1);
        udp.writeInbound(datagram(Arrays.copyOf(ping.byteArray(), length), PLAYER_ADDRESS));
        assertThat(replies()).containsExactly("pong 1");
    }

    @AfterEach
    void close() {
        if (udp != null) {
            udp.finishAndReleaseAll();
        }
        if (player != null) {
            player.close();
        }
    }

    @FuzzTest(maxDuration = "60s")
    void aDatagramReachesTheMapOnlyWithItsSessionsCookieFromItsAddress(final FuzzedDataProvider data) {
        // Twice the time the session's datagram rate takes to refill one: every datagram is within its rate.
        ticker.advance(2 * (long) (1_000 / ClientSession.FRAMES_PER_SECOND), TimeUnit.MILLISECONDS);
        final int mode = data.consumeInt(0, MODES - 1);
        final InetSocketAddress from = mode == 3 ? OTHER_ADDRESS : PLAYER_ADDRESS;
        final byte[] bytes;
        if (mode == 0) {
            bytes = data.consumeRemainingAsBytes();
        } else {
            final byte[] shown = mode == 1 ? data.consumeBytes(ClientProtocol.COOKIE_BYTES) : cookie;
            final byte[] body = data.consumeRemainingAsBytes();
            final UnsafeBuffer buffer = new UnsafeBuffer(new byte[ClientProtocol.DATAGRAM_BODY + body.length]);
            header(buffer, sessionId, shown);
            buffer.putBytes(ClientProtocol.DATAGRAM_BODY, body);
            bytes = buffer.byteArray();
        }
        final double rejectedBefore = metrics.rejectedCount(FrameError.UNBOUND_DATAGRAM);
        final double floodBefore = metrics.rejectedCount(FrameError.DATAGRAM_FLOOD);
        final DatagramPacket packet = datagram(bytes, from);

        udp.writeInbound(packet);

        assertThat(packet.refCnt()).as("the datagram's buffer, released").isZero();
        assertThat(metrics.rejectedCount(FrameError.DATAGRAM_FLOOD)).isEqualTo(floodBefore);
        final List<String> replies = replies();
        readRing();
        final List<String> expected = new ArrayList<>();
        if (authentic(bytes, from)) {
            expectedOf(bytes, expected);
        } else {
            assertThat(metrics.rejectedCount(FrameError.UNBOUND_DATAGRAM)).isEqualTo(rejectedBefore + 1);
        }
        final List<String> reached = new ArrayList<>(reachedRing);
        reached.addAll(replies);
        assertThat(reached).isEqualTo(expected);
        if (!replies.isEmpty()) {
            assertThat(lastReplyLength).as("the PONG, smaller than its PING").isLessThan(bytes.length);
        }
    }

    /** Whether the datagram shows the session's id and cookie from the address it is bound to. */
    private boolean authentic(final byte[] bytes, final InetSocketAddress from) {
        if (bytes.length <= ClientProtocol.DATAGRAM_BODY || bytes.length > DatagramHandler.LARGEST) {
            return false;
        }
        final UnsafeBuffer buffer = new UnsafeBuffer(bytes);
        return buffer.getLong(ClientProtocol.DATAGRAM_SESSION, ByteOrder.LITTLE_ENDIAN) == sessionId
                && Arrays.equals(
                        bytes,
                        ClientProtocol.DATAGRAM_COOKIE,
                        ClientProtocol.DATAGRAM_BODY,
                        cookie,
                        0,
                        ClientProtocol.COOKIE_BYTES)
                && from.equals(PLAYER_ADDRESS);
    }

    /** What an authentic datagram's body leads to, decoded here on its own: its MOVE on the ring, or a PONG. */
    private void expectedOf(final byte[] bytes, final List<String> expected) {
        final UnsafeBuffer body = new UnsafeBuffer(bytes);
        final ExpectedInputs handler = new ExpectedInputs(expected);
        if (ClientMessages.decode(
                                body,
                                ClientProtocol.DATAGRAM_BODY,
                                bytes.length - ClientProtocol.DATAGRAM_BODY,
                                handler)
                        != null
                || handler.tcpOnly) {
            expected.clear();
        }
    }

    private static int header(final UnsafeBuffer buffer, final long session, final byte[] shown) {
        buffer.putLong(ClientProtocol.DATAGRAM_SESSION, session, ByteOrder.LITTLE_ENDIAN);
        buffer.putBytes(ClientProtocol.DATAGRAM_COOKIE, Arrays.copyOf(shown, ClientProtocol.COOKIE_BYTES));
        return ClientProtocol.DATAGRAM_BODY;
    }

    private static DatagramPacket datagram(final byte[] bytes, final InetSocketAddress from) {
        final ByteBuf content = Unpooled.directBuffer(Math.max(1, bytes.length));
        content.writeBytes(bytes);
        return new DatagramPacket(content, NODE_ADDRESS, from);
    }

    /**
     * The datagrams the handler sent since the last call (each for the player's address, with its session id, and
     * smaller than the largest datagram a PING can be), as text lines ("pong NONCE"), released.
     */
    private List<String> replies() {
        final List<String> lines = new ArrayList<>();
        for (DatagramPacket out = udp.readOutbound(); out != null; out = udp.readOutbound()) {
            try {
                final ByteBuf content = out.content();
                assertThat(out.recipient()).isEqualTo(PLAYER_ADDRESS);
                assertThat(content.getLongLE(0)).isEqualTo(sessionId);
                final byte[] body = new byte[content.readableBytes() - ClientProtocol.REPLY_BODY];
                content.getBytes(ClientProtocol.REPLY_BODY, body);
                assertThat(ServerMessages.decode(new UnsafeBuffer(body), 0, body.length, new FrameText(lines)))
                        .isNull();
                lastReplyLength = content.readableBytes();
            } finally {
                out.release();
            }
        }
        return lines;
    }

    /** Move what reached the map's ring into {@link #reachedRing}, one line each. */
    private void readRing() {
        reachedRing.clear();
        // A drain reads to the ring's end; what wrapped around is read by the next.
        while (ingress.depth() > 0) {
            drainRing();
        }
    }

    private void drainRing() {
        ingress.drain(
                (type, buffer, index, length) -> {
                    assertThat(type).isEqualTo(Inputs.MOVE);
                    assertThat(length).isEqualTo(Inputs.MOVE_LENGTH);
                    reachedRing.add(move(
                            Inputs.entity(buffer, index),
                            buffer.getInt(index + Inputs.MOVE_SEQUENCE),
                            buffer.getFloat(index + Inputs.MOVE_X),
                            buffer.getFloat(index + Inputs.MOVE_Y),
                            buffer.getFloat(index + Inputs.MOVE_Z),
                            buffer.getFloat(index + Inputs.MOVE_O),
                            buffer.getInt(index + Inputs.MOVE_FLAGS)));
                },
                Integer.MAX_VALUE);
    }

    private static String move(
            final long entity,
            final int sequence,
            final float x,
            final float y,
            final float z,
            final float o,
            final int flags) {
        // Bits, not values: a NaN the client sent is a NaN on the ring.
        return "move " + entity + " " + sequence + " " + Float.floatToRawIntBits(x) + " "
                + Float.floatToRawIntBits(y) + " " + Float.floatToRawIntBits(z) + " " + Float.floatToRawIntBits(o)
                + " " + flags;
    }

    /** The one input or reply an authentic datagram's body asks for; a frame that belongs on TCP asks nothing. */
    private static final class ExpectedInputs implements ClientMessages.Handler {
        private final List<String> expected;
        boolean tcpOnly;

        ExpectedInputs(final List<String> expected) {
            this.expected = expected;
        }

        @Override
        public void move(
                final int sequence, final float x, final float y, final float z, final float o, final int flags) {
            expected.add(DatagramFuzzTest.move(CHARACTER, sequence, x, y, z, o, flags));
        }

        @Override
        public void ping(final long nonce) {
            expected.add("pong " + nonce);
        }

        @Override
        public void hello(final int version, final DirectBuffer token, final int offset, final int length) {
            tcpOnly = true;
        }

        @Override
        public void standbyHello(final int version, final DirectBuffer token, final int offset, final int length) {
            tcpOnly = true;
        }

        @Override
        public void enterWorld(final DirectBuffer instanceId, final int offset, final int length) {
            tcpOnly = true;
        }

        @Override
        public void say(final DirectBuffer text, final int offset, final int length) {
            tcpOnly = true;
        }

        @Override
        public void attack(final long targetId) {
            tcpOnly = true;
        }

        @Override
        public void loot(final long corpseId) {
            tcpOnly = true;
        }

        @Override
        public void logout() {
            tcpOnly = true;
        }
    }
}
