package io.realmcluster.tools.bots;

import static org.assertj.core.api.Assertions.assertThat;

import io.realmcluster.proto.client.ClientProtocol;
import io.realmcluster.proto.client.ServerMessages;
import java.nio.ByteOrder;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.stream.IntStream;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

/** The parts of a bot that need no server: names, the visible-entity table and target choice, the latency ring. */
class BotLogicTest {
    private static final byte CREATURE = ClientProtocol.KIND_CREATURE;
    private static final byte PLAYER = ClientProtocol.KIND_PLAYER;

    @Test
    void theShareOfBotsThatGoThroughPortalsIsSpreadOverBothRaces() {
        final List<Integer> going = IntStream.range(0, 200)
                .filter(i -> BotFleet.goesThroughPortals(i, 0.1))
                .boxed()
                .toList();
        assertThat(going).hasSize(20);
        assertThat(going.stream().filter(i -> i % 2 == 0))
                .as("humans (even bots) and orcs (odd) alike")
                .hasSize(10);
        assertThat(IntStream.range(0, 7).filter(i -> BotFleet.goesThroughPortals(i, 1.0)))
                .hasSize(7);
        assertThat(IntStream.range(0, 50).filter(i -> BotFleet.goesThroughPortals(i, 0)))
                .isEmpty();
    }

    @Test
    void namesAreValidAndDistinctIgnoringCase() {
        assertThat(BotNames.letters(0)).isEqualTo("a");
        assertThat(BotNames.letters(25)).isEqualTo("z");
        assertThat(BotNames.letters(26)).isEqualTo("aa");
        assertThat(BotNames.letters(27)).isEqualTo("ab");
        final String prefix = BotNames.randomPrefix(new Random(7));
        assertThat(prefix).matches("[a-z]{4}");
        final Set<String> characters = new HashSet<>();
        for (int i = 0; i < 20_000; i++) {
            final String character = BotNames.character(prefix, i);
            assertThat(character).matches(BotNames.CHARACTER);
            assertThat(BotNames.account(prefix, i)).matches(BotNames.ACCOUNT);
            assertThat(characters.add(character.toLowerCase(Locale.ROOT))).isTrue();
        }
        assertThat(BotNames.checkPrefix(prefix, 5000)).isNull();
        assertThat(BotNames.checkPrefix("ab1", 10)).contains("letters");
        assertThat(BotNames.checkPrefix("abcdefghij", 5000)).contains("too long");
    }

    @Test
    void targetIsTheWeakestAliveCreatureInRange() {
        final VisibleEntities entities = new VisibleEntities();
        entities.put(1, CREATURE, 0, 10, 0, 0, 100, 100);
        entities.put(2, CREATURE, 0, 20, 0, 0, 40, 40);
        entities.put(3, CREATURE, ClientProtocol.RECORD_FLAG_DEAD, 5, 0, 0, 0, 10); // dead
        entities.put(4, CREATURE, 0, 50, 0, 0, 5, 5); // out of range
        entities.put(5, PLAYER, 0, 1, 0, 0, 1, 1); // not a creature
        entities.put(6, CREATURE, 0, 25, 0, 0, 40, 40); // same health, farther
        assertThat(entities.pickTarget(0, 0, 30).id).isEqualTo(2);

        entities.remove(2);
        assertThat(entities.pickTarget(0, 0, 30).id).isEqualTo(6);
        entities.forgetFartherThan(0, 0, 22);
        assertThat(entities.get(6)).isNull();
        assertThat(entities.get(4)).isNull();
        assertThat(entities.pickTarget(0, 0, 30).id).isEqualTo(1);
        entities.clear();
        assertThat(entities.size()).isZero();
        assertThat(entities.pickTarget(0, 0, 30)).isNull();
    }

    @Test
    void inABattlegroundAnEnemyPlayerIsATargetAndAnAllyOrADeadEnemyIsNot() {
        final VisibleEntities entities = new VisibleEntities();
        entities.put(1, PLAYER, 0, 5, 0, 0, 10, 10); // an ally: no hostile flag
        entities.put(2, PLAYER, ClientProtocol.RECORD_FLAG_HOSTILE | ClientProtocol.RECORD_FLAG_DEAD, 6, 0, 0, 0, 10);
        assertThat(entities.pickTarget(0, 0, 30)).isNull();
        entities.put(3, PLAYER, ClientProtocol.RECORD_FLAG_HOSTILE, 20, 0, 0, 4_000, 4_000);
        assertThat(entities.pickTarget(0, 0, 30).id).isEqualTo(3);
        entities.put(4, PLAYER, ClientProtocol.RECORD_FLAG_HOSTILE, 40, 0, 0, 4_000, 4_000); // out of range
        assertThat(entities.pickTarget(0, 0, 30).id).isEqualTo(3);
        assertThat(entities.hostileWithin(0, 0, 30)).isTrue();
        assertThat(entities.hostileWithin(0, 0, 10))
                .as("only the ally and the dead enemy that near")
                .isFalse();
    }

    @Test
    void recordsFromTheWireUpdateTheTable() {
        final UnsafeBuffer buffer = new UnsafeBuffer(new byte[2 * ClientProtocol.RECORD_LENGTH]);
        ServerMessages.Record.write(buffer, 0, 42, CREATURE, 0, 3, 4, 5, 0, 50, 60);
        ServerMessages.Record.write(
                buffer,
                ClientProtocol.RECORD_LENGTH,
                42,
                CREATURE,
                ClientProtocol.RECORD_FLAG_DEAD | ClientProtocol.RECORD_FLAG_LOOTABLE,
                3,
                4,
                5,
                0,
                0,
                60);
        final VisibleEntities entities = new VisibleEntities();
        final VisibleEntities.Entity alive = entities.put(buffer, 0);
        assertThat(alive.maxHealth).isEqualTo(60);
        assertThat(alive.z).isEqualTo(5f);
        assertThat(VisibleEntities.distance(alive, 0, 0)).isEqualTo(5f);
        assertThat(alive.aliveCreature()).isTrue();
        final VisibleEntities.Entity corpse = entities.put(buffer, ClientProtocol.RECORD_LENGTH);
        assertThat(corpse).isSameAs(alive);
        assertThat(corpse.dead()).isTrue();
        assertThat(corpse.lootable()).isTrue();
        assertThat(entities.pickTarget(0, 0, 30)).isNull();
        assertThat(buffer.getInt(ClientProtocol.RECORD_MAX_HEALTH, ByteOrder.LITTLE_ENDIAN))
                .isEqualTo(60);
    }

    @Test
    void latencyRingMeasuresOnlyNewerAcknowledgements() {
        final LatencyRing ring = new LatencyRing();
        for (int sequence = 1; sequence <= 300; sequence++) {
            ring.sent(sequence, sequence * 1_000L, sequence, -sequence);
        }
        assertThat(ring.acked(0, 500_000)).isEqualTo(-1);
        assertThat(ring.acked(10, 500_000)).isEqualTo(-1); // overwritten by 266
        assertThat(ring.acked(290, 295_500)).isEqualTo(5_500);
        assertThat(ring.sentX(290)).isEqualTo(290f);
        assertThat(ring.sentY(290)).isEqualTo(-290f);
        assertThat(ring.acked(290, 400_000)).isEqualTo(-1); // not newer
        assertThat(ring.acked(280, 400_000)).isEqualTo(-1); // older
        assertThat(ring.acked(300, 301_000)).isEqualTo(1_000);
        assertThat(ring.lastAcked()).isEqualTo(300);
        ring.reset();
        assertThat(ring.holds(300)).isFalse();
        ring.sent(301, 1_000_000, 0, 0);
        assertThat(ring.acked(301, 1_002_000)).isEqualTo(2_000);
    }

    @Test
    void reportSaysOkOnlyWhenNothingWentWrong() {
        final BotReport good = report(2, Map.of(), Map.of());
        assertThat(good.ok()).isTrue();
        assertThat(good.summaryLines())
                .as("no items line when the bots did nothing with items")
                .hasSize(5)
                .allMatch(line -> line.startsWith("bots: "));
        assertThat(good.summaryLines().get(0))
                .contains("login p50 12 ms, p99 80 ms; login to world p50 30 ms, p99 95 ms");
        assertThat(good.summaryLines().get(3)).isEqualTo("bots: disconnects: none unexpected (by reason: logout 2)");
        assertThat(good.summaryLines().get(4)).isEqualTo("bots: errors: none");
        assertThat(good.toJson())
                .startsWith("{\"ok\":true,")
                .contains("\"disconnects\":{\"logout\":2}")
                .contains("\"failures\":{}")
                .contains("\"login_to_world_p99_micros\":95000")
                .contains("\"items_looted\":0", "\"trades_completed\":0", "\"item_refusals\":{}")
                .endsWith("}");

        final BotReport lost = report(1, Map.of("connection_lost", 1L), Map.of());
        assertThat(lost.ok()).isFalse();
        assertThat(lost.summaryLines().get(3)).contains("1 unexpected: connection_lost 1");
        final BotReport failed = report(2, Map.of(), Map.of("register ALREADY_EXISTS", 1L));
        assertThat(failed.ok()).isFalse();
        assertThat(failed.summaryLines().get(4)).contains("register ALREADY_EXISTS failed for 1 bot, e.g. \"taken\"");
    }

    private static BotReport report(
            final int entered, final Map<String, Long> unexpected, final Map<String, Long> failures) {
        return report(entered, unexpected, failures, BotReport.Reconnects.NONE);
    }

    static BotReport report(
            final int entered,
            final Map<String, Long> unexpected,
            final Map<String, Long> failures,
            final BotReport.Reconnects reconnects) {
        final Map<String, String> examples = new HashMap<>();
        failures.keySet().forEach(key -> examples.put(key, "\"taken\""));
        return new BotReport(
                2,
                2,
                entered,
                12_000,
                80_000,
                30_000,
                95_000,
                2_100,
                9_800,
                21_000,
                58_000,
                60_000,
                3,
                0,
                0,
                0,
                0,
                0,
                0,
                0,
                2,
                2,
                4,
                3,
                120,
                2,
                10,
                Map.of("logout", 2L),
                unexpected,
                0,
                Map.of(),
                failures,
                examples,
                1.5,
                30,
                Map.of(),
                BotReport.Battlegrounds.none(0),
                BotReport.EntryPhases.NONE,
                BotReport.Items.NONE,
                reconnects,
                BotReport.Crossings.NONE);
    }
}
