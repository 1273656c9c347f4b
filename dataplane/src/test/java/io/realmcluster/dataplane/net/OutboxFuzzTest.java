package io.realmcluster.dataplane.net;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.UnpooledByteBufAllocator;
import io.realmcluster.dataplane.pipeline.Outbox;
import io.realmcluster.proto.client.ClientProtocol;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Arbitrary messages of every type (and unknown ones) in a map's outbox, for the player's session or any
 * other: the egress thread never throws, drops and counts a message of an unknown type, and the player's
 * client receives exactly the frames addressed to its session and character, in order, and nothing else.
 * (A FRAME_THEN_CLOSE for the player is sent as a FRAME, to keep its session for the next execution.) In
 * the normal suite this replays the seeds under src/test/resources; {@code JAZZER_FUZZ=1} fuzzes.
 */
class OutboxFuzzTest {
    private EmbeddedPlayer player;
    private Outbox outbox;
    private EgressAgent egress;
    private int index;

    @BeforeEach
    void playerInTheWorld() {
        player = new EmbeddedPlayer();
        outbox = player.map.world().outbox();
        egress = new EgressAgent(player.host, player.sessions, player.metrics, UnpooledByteBufAllocator.DEFAULT);
        index = ClientSessions.index(player.sessionId);
        deliver();
        received();
    }

    @AfterEach
    void close() {
        if (player != null) {
            player.close();
        }
    }

    @FuzzTest(maxDuration = "60s")
    void theClientReceivesExactlyTheFramesForItsSessionAndCharacter(final FuzzedDataProvider data) {
        final List<String> expected = new ArrayList<>();
        final long malformedBefore = egress.malformed();
        int unknown = 0;
        final int messages = data.consumeInt(0, 8);
        for (int i = 0; i < messages && data.remainingBytes() > 0; i++) {
            int type = data.consumeBoolean() ? data.consumeInt(1, 4) : data.consumeInt(1, Integer.MAX_VALUE);
            final boolean aimed = data.consumeBoolean();
            final int session = aimed ? index : data.consumeInt();
            final long entity = aimed ? EmbeddedPlayer.CHARACTER : data.consumeLong();
            final byte[] body = data.consumeBytes(data.consumeInt(0, ClientProtocol.MAX_BODY));
            final boolean known = type == Outbox.FRAME || type == Outbox.FRAME_THEN_CLOSE;
            final boolean forThePlayer = session == index && entity == EmbeddedPlayer.CHARACTER;
            if (forThePlayer && type == Outbox.FRAME_THEN_CLOSE) {
                type = Outbox.FRAME;
            }
            // A player near a cell's boundary: told to its session, which (on a map not split) has nowhere to send.
            final boolean standByCell = type == Outbox.STAND_BY_CELL && body.length == 1;
            if (standByCell) {
                // Neither a frame nor malformed.
            } else if (!known || body.length == 0) {
                unknown++;
            } else if (forThePlayer) {
                expected.add(ByteBufUtil.hexDump(body));
            }
            outbox.scratch().putBytes(Outbox.BODY_OFFSET, body);
            assertThat(outbox.send(type, session, entity, body.length)).isTrue();
        }

        deliver();

        assertThat(received()).isEqualTo(expected);
        assertThat(egress.malformed() - malformedBefore).isEqualTo(unknown);
        assertThat(player.tcp.isOpen()).isTrue();
    }

    @Test
    void aMessageOfAnUnknownTypeIsDroppedAndTheFrameBehindItDelivered() {
        outbox.scratch().putByte(Outbox.BODY_OFFSET, (byte) 1);
        outbox.send(Outbox.STAND_BY_CELL + 1, index, EmbeddedPlayer.CHARACTER, 1);
        outbox.scratch().putByte(Outbox.BODY_OFFSET, (byte) 2);
        outbox.send(Outbox.FRAME, index, EmbeddedPlayer.CHARACTER, 1);

        deliver();

        assertThat(received()).containsExactly("02");
        assertThat(egress.malformed()).isEqualTo(1);
    }

    @Test
    void aStandbyConnectionInTheSlotOfItsCharactersSessionGetsNoMapFrames() {
        // The character's session left the map for a neighbour cell, and its client stands by here again in the
        // same slot: the map's last frames for the session that left are not the standby's.
        player.sessions.at(index).transition(SessionState.STANDBY, "stands by in the slot of the one that left");
        outbox.scratch().putByte(Outbox.BODY_OFFSET, (byte) 3);
        outbox.send(Outbox.FRAME, index, EmbeddedPlayer.CHARACTER, 1);

        deliver();

        assertThat(received()).isEmpty();
        assertThat(egress.malformed()).isZero();
    }

    /** Egress rounds, each followed by the session's writes, until the outbox is drained (it may wrap once). */
    private void deliver() {
        for (int round = 0; round < 3; round++) {
            egress.doWork();
            player.tcp.runPendingTasks();
        }
    }

    /** The frame bodies the client received since the last call, in hex, released. */
    private List<String> received() {
        final List<String> frames = new ArrayList<>();
        for (ByteBuf out = player.tcp.readOutbound(); out != null; out = player.tcp.readOutbound()) {
            try {
                while (out.isReadable()) {
                    final int length = out.readUnsignedShortLE();
                    frames.add(ByteBufUtil.hexDump(out.readSlice(length)));
                }
            } finally {
                out.release();
            }
        }
        return frames;
    }
}
