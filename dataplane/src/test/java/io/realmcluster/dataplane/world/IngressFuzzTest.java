package io.realmcluster.dataplane.world;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import io.realmcluster.dataplane.pipeline.Ingress;
import io.realmcluster.dataplane.pipeline.Inputs;
import io.realmcluster.dataplane.pipeline.Outbox;
import io.realmcluster.dataplane.pipeline.SaveLog;
import io.realmcluster.dataplane.pipeline.Saves;
import io.realmcluster.dataplane.tick.MapAgent;
import io.realmcluster.proto.client.ClientProtocol;
import java.util.HashSet;
import java.util.Set;
import org.agrona.concurrent.CachedNanoClock;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/**
 * Arbitrary records of every input type (and unknown ones) on a map's ingress ring, in a few rounds with a
 * tick after each, then a well-formed JOIN: the map's tick never throws, a record of an unknown type is
 * counted as rejected, what the map sends and saves keeps its bounds, and the JOIN behind the garbage still
 * puts its player where it says. A record may be aimed at the player already on the map (its entity and
 * session) and have its inner length field agree with its size, so the fuzzer reaches the decoders behind
 * the shape check. In the normal suite this replays the seeds under src/test/resources; {@code JAZZER_FUZZ=1}
 * fuzzes.
 */
class IngressFuzzTest {
    private static final WorldSettings SMALL = new WorldSettings(20, 100f, 200, 400f, 50);
    private static final int TICK_HZ = SMALL.tickHz();
    private static final long PLAYER = 42;
    private static final int PLAYER_SESSION = 5;
    private static final int MAX_BODY = 6_000;
    private static final Set<Integer> KNOWN = Set.of(
            Inputs.PLAYER_JOIN,
            Inputs.PLAYER_LEAVE,
            Inputs.MOVE,
            Inputs.ATTACK,
            Inputs.LOOT,
            Inputs.CHAT,
            Inputs.ITEMS_CONFIRMED,
            Inputs.TRADE_SETTLED,
            Inputs.ITEM_REQUEST,
            Inputs.CHARACTER_LOST,
            Inputs.DEPARTED,
            Inputs.DEPART_FAILED,
            Inputs.TRANSFER_LOST,
            Inputs.HAND_OVER_START,
            Inputs.HAND_OVER_STOP);

    // Rings are large direct buffers: one set per test instance, drained after every execution.
    private final Ingress ingress = Ingress.allocate(1 << 16);
    private final SaveLog saves = SaveLog.allocate(1 << 20);
    private final Outbox outbox = Outbox.allocate(1 << 20, ClientProtocol.MAX_BODY);
    private final UnsafeBuffer record = new UnsafeBuffer(new byte[MAX_BODY]);
    private final CachedNanoClock clock = new CachedNanoClock();

    private final Logger worldLog = (Logger) LoggerFactory.getLogger(MapWorld.class);
    private final Level worldLevel = worldLog.getLevel();

    @BeforeEach
    void quietWorld() {
        // Each execution's map logs its first malformed input: writing those was most of the fuzzer's time.
        worldLog.setLevel(Level.ERROR);
    }

    @AfterEach
    void loudWorld() {
        worldLog.setLevel(worldLevel);
    }

    @FuzzTest(maxDuration = "60s")
    void anyRecordsOnTheIngressRingLeaveTheTickRunningAndTheNextJoinApplied(final FuzzedDataProvider data) {
        final MapWorld world = new MapWorld(SMALL, 0, 7, 0f, 0f, saves, 1, outbox);
        final MapAgent agent = new MapAgent("fuzz", ingress, world, clock, () -> -1, TICK_HZ);
        agent.onStart();
        join(PLAYER, PLAYER_SESSION, 0f, 0f);
        final Set<Long> fuzzedEntities = new HashSet<>();
        int unknown = 0;
        final int rounds = data.consumeInt(1, 3);
        for (int round = 0; round < rounds; round++) {
            final int records = data.consumeInt(0, 8);
            for (int i = 0; i < records && data.remainingBytes() > 0; i++) {
                final int type = data.consumeBoolean()
                        ? data.consumeInt(1, Inputs.ITEM_REQUEST)
                        : data.consumeInt(1, Integer.MAX_VALUE);
                final int length = fuzzedRecord(data, type);
                if (length >= Inputs.ENTITY_OFFSET + 8) {
                    fuzzedEntities.add(Inputs.entity(record, 0));
                }
                unknown += KNOWN.contains(type) ? 0 : 1;
                assertThat(ingress.offer(type, record, 0, length)).isTrue();
            }
            tick(agent);
        }
        long newcomer = 1_000;
        while (fuzzedEntities.contains(newcomer)) {
            newcomer++;
        }
        join(newcomer, PLAYER_SESSION + 1, 3f, 4f);
        tick(agent);

        assertThat(world.position(newcomer))
                .as("the JOIN behind the fuzzed records")
                .containsExactly(3f, 4f);
        assertThat(world.rejectedInputs()).isGreaterThanOrEqualTo(unknown);
    }

    @Test
    void aDepartedWhoseFrameIsLongerThanAClientFrameIsRejectedAndTheTickGoesOn() {
        final MapWorld world = new MapWorld(SMALL, 0, 7, 0f, 0f, saves, 1, outbox);
        final MapAgent agent = new MapAgent("departed", ingress, world, clock, () -> -1, TICK_HZ);
        agent.onStart();
        join(PLAYER, PLAYER_SESSION, 0f, 0f);
        ingress.offer(Inputs.HAND_OVER_START, record, 0, Inputs.encodeHandOverStart(record, 0, 3));
        tick(agent);
        final long rejected = world.rejectedInputs();
        // The player is frozen for its hand-over; a DEPARTED for it carries a frame no client may be sent.
        final int frame = ClientProtocol.MAX_BODY + 1;
        record.setMemory(0, Inputs.DEPARTED_FRAME + frame, (byte) 1);
        ingress.offer(
                Inputs.DEPARTED,
                record,
                0,
                Inputs.encodeDeparted(record, 0, PLAYER, PLAYER_SESSION, new UnsafeBuffer(new byte[frame]), frame));
        join(1_000, PLAYER_SESSION + 1, 3f, 4f);
        tick(agent);

        assertThat(world.rejectedInputs()).isEqualTo(rejected + 1);
        assertThat(world.position(PLAYER)).as("still frozen here").isNotNull();
        assertThat(world.position(1_000)).containsExactly(3f, 4f);
    }

    /** A record of {@code type} in {@link #record}, from the fuzzer; its length. */
    private int fuzzedRecord(final FuzzedDataProvider data, final int type) {
        final boolean aimed = data.consumeBoolean();
        final boolean consistent = data.consumeBoolean();
        final byte[] body = data.consumeBytes(data.consumeInt(0, MAX_BODY));
        // Zeros after the fuzzer's bytes, to a length of its choice: long records from short inputs.
        final int length = data.consumeInt(body.length, MAX_BODY);
        record.setMemory(0, length, (byte) 0);
        record.putBytes(0, body);
        if (aimed && length >= 12 && type != Inputs.HAND_OVER_START) {
            // At the player on the map, with its session where the types that carry one have it.
            record.putLong(Inputs.ENTITY_OFFSET, PLAYER);
            record.putInt(Inputs.LEAVE_SESSION, PLAYER_SESSION);
        }
        if (consistent && type == Inputs.CHAT && length > Inputs.CHAT_TEXT) {
            record.putByte(Inputs.CHAT_TEXT_LENGTH, (byte) (length - Inputs.CHAT_TEXT));
        }
        if (consistent
                && type == Inputs.PLAYER_JOIN
                && length >= Inputs.JOIN_LENGTH
                && (length - Inputs.JOIN_LENGTH) % Inputs.JOIN_ITEM_ENTRY == 0
                && (length - Inputs.JOIN_LENGTH) / Inputs.JOIN_ITEM_ENTRY <= Inputs.MAX_JOIN_ITEMS) {
            record.putByte(Inputs.JOIN_ITEM_COUNT, (byte) ((length - Inputs.JOIN_LENGTH) / Inputs.JOIN_ITEM_ENTRY));
        }
        if (consistent && type == Inputs.DEPARTED && length >= Inputs.DEPARTED_FRAME) {
            record.putShort(Inputs.DEPARTED_FRAME_LENGTH, (short) (length - Inputs.DEPARTED_FRAME));
        }
        return length;
    }

    private void join(final long entity, final int session, final float x, final float y) {
        final UnsafeBuffer join = new UnsafeBuffer(new byte[Inputs.JOIN_LENGTH]);
        Inputs.encodeJoin(join, 0, entity, x, y, 0f, 0f, 1, 100, 0, session);
        Inputs.joinOwnership(join, 0, 1, 0, 0);
        assertThat(ingress.offer(Inputs.PLAYER_JOIN, join, 0, Inputs.JOIN_LENGTH))
                .isTrue();
    }

    /**
     * One tick, and another while the ring holds more (a tick reads to the ring's end, what wrapped around waits
     * for the next), then what the map sent and saved checked and drained.
     */
    private void tick(final MapAgent agent) {
        for (int ticks = 0; ticks == 0 || ingress.depth() > 0; ticks++) {
            assertThat(ticks).as("ticks to drain the ring").isLessThan(3);
            clock.advance(1_000_000_000L / TICK_HZ);
            agent.doWork();
        }
        outbox.drain(
                (type, buffer, index, length) -> {
                    assertThat(type).isIn(Outbox.FRAME, Outbox.FRAME_THEN_CLOSE);
                    assertThat(length - Outbox.BODY_OFFSET).isBetween(1, ClientProtocol.MAX_BODY);
                },
                Integer.MAX_VALUE);
        saves.drain(
                (type, buffer, index, length) -> {
                    assertThat(type).isBetween(Saves.SNAPSHOT, Saves.DEPART);
                    assertThat(length).isEqualTo(Saves.LENGTH);
                },
                Integer.MAX_VALUE);
    }
}
