package io.realmcluster.dataplane.world;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.sun.management.ThreadMXBean;
import io.realmcluster.dataplane.pipeline.Inputs;
import io.realmcluster.dataplane.pipeline.ItemIds;
import io.realmcluster.dataplane.pipeline.Outbox;
import io.realmcluster.dataplane.pipeline.RingClaim;
import io.realmcluster.dataplane.pipeline.SaveLog;
import io.realmcluster.dataplane.pipeline.Saves;
import io.realmcluster.proto.client.ClientProtocol;
import io.realmcluster.proto.client.ServerMessages;
import io.realmcluster.proto.world.Portals;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.LongStream;
import org.agrona.concurrent.MessageHandler;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

/** The world simulation, deterministic under a seed: movement checks, combat, loot, wandering, no allocation. */
class MapWorldTest {
    private static final WorldSettings SMALL = new WorldSettings(20, 100f, 200, 400f, 50);
    private static final long PLAYER = 42;

    private final UnsafeBuffer input = new UnsafeBuffer(new byte[300]);
    private final SaveLog saves = SaveLog.allocate(1 << 20);
    private final Outbox outbox = Outbox.allocate(4 << 20, ClientProtocol.MAX_BODY);
    private final Map<Long, List<String>> received = new HashMap<>();
    private final MessageHandler discard = (type, buffer, index, length) -> {};
    private long nextItemId = 1_000;
    private final ItemIds itemIds = realm -> ++nextItemId;
    private MapWorld world = new MapWorld(SMALL, 0, 7, 0f, 0f, saves, 1, outbox, null, itemIds);
    private long tick;
    private long lastSeq;

    @Test
    void movesWithinRunSpeedAreAcceptedAndTeleportsAreNot() {
        join(PLAYER, 0f, 0f);
        runTicks(20);
        move(PLAYER, 1, 6f, 0f);
        assertThat(world.position(PLAYER)).containsExactly(6f, 0f);
        runTicks(1);
        move(PLAYER, 2, 60f, 0f);
        assertThat(world.position(PLAYER)).containsExactly(6f, 0f);
        assertThat(world.rejectedMoves()).isEqualTo(1);
        move(PLAYER, 3, Float.NaN, 0f);
        assertThat(world.rejectedMoves()).isEqualTo(2);
    }

    @Test
    void standingStillBanksNoDistanceAndHeightIsCheckedToo() {
        join(PLAYER, 0f, 0f);
        // Ten minutes without a move: still only a couple of seconds of running are credited.
        runTicks(SMALL.tickHz() * 600);
        move(PLAYER, 1, 100f, 0f);
        assertThat(world.position(PLAYER)).containsExactly(0f, 0f);
        assertThat(world.rejectedMoves()).isEqualTo(1);
        move(PLAYER, 2, 20f, 0f);
        assertThat(world.position(PLAYER)).containsExactly(20f, 0f);
        runTicks(1);
        // Up through the air is no faster than running; a fall may be faster, but not from the sky.
        moveUp(3, 20f, 30f);
        runTicks(1);
        moveUp(4, 20f, -2f);
        runTicks(1);
        moveUp(5, 20f, -60f);
        moveUp(6, 20f, Float.POSITIVE_INFINITY);
        assertThat(world.rejectedMoves()).isEqualTo(4);
        assertThat(world.position(PLAYER)).containsExactly(20f, 0f);
    }

    private void moveUp(final int sequence, final float x, final float z) {
        final int length = Inputs.encodeMove(input, 0, PLAYER, sequence, x, 0f, z, 0f, 0);
        world.onInput(Inputs.MOVE, input, 0, length);
    }

    @Test
    void killingACreatureLeavesMoneyThatOnlyItsKillerLootsOnce() {
        final long creature = world.creatureNear(0f, 0f, 400f);
        final float[] at = world.position(creature);
        join(PLAYER, at[0], at[1]);
        join(PLAYER + 1, at[0], at[1]);
        attack(PLAYER, creature);
        for (int i = 0; i < 20_000 && !world.isDead(creature); i++) {
            runTicks(1);
            final float[] now = world.position(creature);
            moveTo(PLAYER, now[0], now[1]);
        }
        assertThat(world.isDead(creature)).isTrue();
        runTicks(SMALL.tickHz());
        // Both see the corpse; only its killer is told it may loot it.
        assertThat(lastRecord(framesTo(PLAYER), creature)).endsWith(" dead lootable");
        assertThat(lastRecord(framesTo(PLAYER + 1), creature)).endsWith(" dead");
        assertThat(saved())
                .as("the experience is saved within a second")
                .anyMatch(r -> r.startsWith("snapshot " + PLAYER + " ") && !r.contains(" xp 0 "));

        final float[] corpse = world.position(creature);
        moveTo(PLAYER + 1, corpse[0], corpse[1]);
        loot(PLAYER + 1, creature);
        assertThat(world.money(PLAYER + 1)).isZero();

        moveTo(PLAYER, corpse[0], corpse[1]);
        saved();
        framesTo(PLAYER);
        loot(PLAYER, creature);
        final long looted = world.money(PLAYER);
        assertThat(looted).isPositive();
        assertThat(saved())
                .containsExactly("loot " + PLAYER + " seq " + lastSeq + " money " + looted + " corpse " + creature
                        + " copper " + looted);
        assertThat(framesTo(PLAYER))
                .as("nothing is confirmed before the saver says it is durable")
                .noneMatch(f -> f.startsWith("looted"));
        world.onInput(
                Inputs.ITEMS_CONFIRMED,
                input,
                0,
                Inputs.encodeItemsConfirmed(
                        input, 0, PLAYER, (int) PLAYER, Saves.ACTION_LOOT, creature, looted, looted));
        runTicks(1);
        assertThat(framesTo(PLAYER))
                .contains("looted " + creature + " " + looted + " " + looted)
                .anyMatch(f -> f.startsWith("self ") && f.contains(" money " + looted));
        loot(PLAYER, creature);
        assertThat(world.money(PLAYER)).isEqualTo(looted);
        assertThat(saved()).isEmpty();
    }

    @Test
    void aLootTheSaveLogCannotTakeDoesNotHappen() {
        final SaveLog tiny = SaveLog.allocate(1 << 10);
        final MapWorld small =
                new MapWorld(SMALL, 0, 7, 0f, 0f, tiny, 1, Outbox.allocate(1 << 20, ClientProtocol.MAX_BODY));
        final int length = Inputs.encodeJoin(input, 0, PLAYER, 0f, 0f, 0f, 0f, 60, 5_000, 0, 1);
        small.onInput(Inputs.PLAYER_JOIN, input, 0, length);
        final RingClaim claim = new RingClaim();
        // Fill the log with records nobody drains.
        while (tiny.claim(claim, Saves.SNAPSHOT).claimed()) {
            claim.commit();
        }
        final long before = small.droppedSaves();
        small.logoutAll();
        assertThat(small.droppedSaves()).isEqualTo(before + 1);
    }

    @Test
    void aHeldMapSavesNobodyAndACharacterRefusedMeanwhileIsToldToLogInAgain() {
        join(PLAYER, 0f, 0f);
        runTicks(1);
        framesTo(PLAYER);
        saved();
        world.onHold(true);
        moveTo(PLAYER, 3f, 0f);
        runTicks(SMALL.tickHz() * 2);
        assertThat(saved()).as("no snapshot while held").isEmpty();
        world.onInput(Inputs.CHARACTER_LOST, input, 0, Inputs.encodeCharacterLost(input, 0, PLAYER, (int) PLAYER, 0));
        assertThat(framesTo(PLAYER)).contains("disconnect MAP_CLOSED").doesNotContain("disconnect DUPLICATE_LOGIN");
        assertThat(world.players()).isZero();
    }

    @Test
    void aCharacterSavedElsewhereIsDroppedWithAReasonAndALeaveIsSavedAsLogout() {
        join(PLAYER, 0f, 0f);
        join(PLAYER + 1, 5f, 0f);
        runTicks(1);
        framesTo(PLAYER);
        saved();
        world.onInput(
                Inputs.CHARACTER_LOST, input, 0, Inputs.encodeCharacterLost(input, 0, PLAYER, (int) PLAYER + 3, 0));
        assertThat(world.players())
                .as("a loss reported for another session of the character is ignored")
                .isEqualTo(2);
        world.onInput(Inputs.CHARACTER_LOST, input, 0, Inputs.encodeCharacterLost(input, 0, PLAYER, (int) PLAYER, 0));
        assertThat(world.players()).isEqualTo(1);
        assertThat(framesTo(PLAYER)).containsExactly("disconnect DUPLICATE_LOGIN");
        assertThat(saved())
                .as("a character owned elsewhere is not saved from here")
                .isEmpty();

        world.onInput(Inputs.PLAYER_LEAVE, input, 0, Inputs.encodeLeave(input, 0, PLAYER + 1, (int) PLAYER + 1));
        assertThat(saved()).singleElement().asString().startsWith("logout " + (PLAYER + 1) + " seq 1 ");
    }

    @Test
    void aLossFoundByASaveOfAnEarlierClaimLeavesThePlayerOfTheLaterOneOnTheSameSession() {
        final int client = 9;
        world.onInput(Inputs.PLAYER_JOIN, input, 0, joinAt(PLAYER, client, 3));
        runTicks(1);
        world.onInput(Inputs.PLAYER_LEAVE, input, 0, Inputs.encodeLeave(input, 0, PLAYER, client));
        // Logged in again at once, on the session index its last session had; then a save of the first claim
        // (epoch 3) finds the character claimed since.
        world.onInput(Inputs.PLAYER_JOIN, input, 0, joinAt(PLAYER, client, 4));
        runTicks(1);
        framesTo(PLAYER);
        world.onInput(Inputs.CHARACTER_LOST, input, 0, Inputs.encodeCharacterLost(input, 0, PLAYER, client, 3));
        runTicks(1);
        assertThat(world.players()).isEqualTo(1);
        assertThat(framesTo(PLAYER)).noneMatch(f -> f.startsWith("disconnect"));
        world.onInput(Inputs.CHARACTER_LOST, input, 0, Inputs.encodeCharacterLost(input, 0, PLAYER, client, 4));
        assertThat(world.players()).isZero();
        assertThat(framesTo(PLAYER)).containsExactly("disconnect DUPLICATE_LOGIN");
    }

    @Test
    void sameSeedAndInputsGiveTheSameWorld() {
        final MapWorld other = new MapWorld(
                SMALL, 0, 7, 0f, 0f, SaveLog.allocate(1 << 20), 2, Outbox.allocate(1 << 16, ClientProtocol.MAX_BODY));
        for (long t = 1; t <= 2_000; t++) {
            world.tick(t, 0);
            other.tick(t, 0);
        }
        for (long creature = Creatures.CREATURE_ID_BASE; creature < Creatures.CREATURE_ID_BASE + 200; creature++) {
            assertThat(other.position(creature)).containsExactly(world.position(creature));
        }
    }

    @Test
    void playersSeeWhatChangesAroundThemAndHearEachOther() {
        join(PLAYER, 0f, 0f);
        join(PLAYER + 1, 10f, 0f);
        // In sight (within 100 yards) but out of earshot of a say (25 yards).
        join(PLAYER + 2, 40f, 0f);
        runTicks(1);
        final List<String> first = framesTo(PLAYER);
        assertThat(first.get(0)).startsWith("entered " + PLAYER + " map 0");
        assertThat(first)
                .anyMatch(f -> f.startsWith("self 0 "))
                .anyMatch(f -> f.startsWith("updates reset") && f.contains(" player " + (PLAYER + 1) + " at 10.0,0.0"));

        move(PLAYER + 1, 1, 10.3f, 0f);
        runTicks(2);
        final List<String> later = framesTo(PLAYER);
        assertThat(later)
                .anyMatch(f -> f.startsWith("updates ")
                        && !f.startsWith("updates reset")
                        && f.contains(" player " + (PLAYER + 1) + " at 10.3,0.0"));
        assertThat(framesTo(PLAYER + 1)).anyMatch(f -> f.startsWith("self 1 10.3 0.0"));

        final byte[] text = "hello there".getBytes(StandardCharsets.UTF_8);
        world.onInput(
                Inputs.CHAT, input, 0, Inputs.encodeChat(input, 0, PLAYER, new UnsafeBuffer(text), 0, text.length));
        assertThat(framesTo(PLAYER + 1)).containsExactly("chat " + PLAYER + " hello there");
        assertThat(framesTo(PLAYER + 2)).noneMatch(f -> f.startsWith("chat "));

        world.onInput(Inputs.PLAYER_LEAVE, input, 0, Inputs.encodeLeave(input, 0, PLAYER, (int) PLAYER + 7));
        assertThat(world.players())
                .as("a leave from another session of the character is ignored")
                .isEqualTo(3);
        world.onInput(Inputs.PLAYER_LEAVE, input, 0, Inputs.encodeLeave(input, 0, PLAYER, (int) PLAYER));
        assertThat(world.players()).isEqualTo(2);
        assertThat(framesTo(PLAYER + 1)).containsExactly("gone " + PLAYER);
    }

    @Test
    void aJoinForACharacterAlreadyInTheWorldIsRefusedWithAReason() {
        join(PLAYER, 0f, 0f);
        framesTo(PLAYER);
        final int length = Inputs.encodeJoin(input, 0, PLAYER, 0f, 0f, 0f, 0f, 1, 100, 0, 99);
        world.onInput(Inputs.PLAYER_JOIN, input, 0, length);
        final List<String> refused = new ArrayList<>();
        outbox.drain(
                (type, buffer, index, len) -> refused.add(type + " to " + buffer.getInt(index + Outbox.SESSION_OFFSET)),
                Integer.MAX_VALUE);
        assertThat(refused).containsExactly(Outbox.FRAME_THEN_CLOSE + " to 99");
    }

    @Test
    void wanderingCreaturesStayNearHome() {
        final float[][] homes = new float[200][];
        for (int i = 0; i < 200; i++) {
            homes[i] = world.position(Creatures.CREATURE_ID_BASE + i);
        }
        runTicks(5_000);
        for (int i = 0; i < 200; i++) {
            final float[] now = world.position(Creatures.CREATURE_ID_BASE + i);
            assertThat(Math.hypot(now[0] - homes[i][0], now[1] - homes[i][1]))
                    .isLessThanOrEqualTo(Creatures.WANDER_RADIUS * Math.sqrt(2) + 0.01);
        }
    }

    @Test
    void walkingIntoAPortalFreezesThePlayerForItsTransferAndTheTransferDecidesWhereItGoes() {
        final Portals.Portal stockade = Portals.entranceTo(34).orElseThrow();
        world = new MapWorld(SMALL, 0, 7, stockade.x(), stockade.y() + 30f, saves, 1, outbox);
        join(PLAYER, stockade.x(), stockade.y() + 8f);
        join(PLAYER + 1, stockade.x(), stockade.y() + 8f);
        runTicks(1);
        saved();
        framesTo(PLAYER);

        moveTo(PLAYER, stockade.x(), stockade.y() + 4.5f);
        assertThat(saved())
                .as("the save that freezes it carries where it goes")
                .filteredOn(r -> !r.startsWith("snapshot"))
                .singleElement()
                .asString()
                .startsWith("depart to 34 at " + stockade.toX() + "," + stockade.toY() + " epoch 0:");
        final float[] frozenAt = world.position(PLAYER);
        move(PLAYER, 9_001, frozenAt[0], frozenAt[1] - 1f);
        assertThat(world.position(PLAYER))
                .as("a departing player's moves wait for the transfer")
                .containsExactly(frozenAt);
        runTicks(SMALL.tickHz() * 2);
        assertThat(saved()).as("no snapshot overtakes the freeze").noneMatch(r -> r.contains(" " + PLAYER + " "));

        // Called off: the player plays on at the epoch the abort gave it back.
        world.onInput(Inputs.DEPART_FAILED, input, 0, Inputs.encodeDepartFailed(input, 0, PLAYER, (int) PLAYER, 2));
        moveTo(PLAYER, stockade.x(), stockade.y() + 8f);
        runTicks(SMALL.tickHz());
        assertThat(saved()).anyMatch(r -> r.startsWith("snapshot " + PLAYER + " "));

        // Walks in again, this time the target takes it: the client is redirected and the map lets it go unsaved.
        moveTo(PLAYER, stockade.x(), stockade.y() + 4.5f);
        assertThat(saved())
                .filteredOn(r -> !r.startsWith("snapshot"))
                .singleElement()
                .asString()
                .contains("epoch 2:");
        framesTo(PLAYER);
        final UnsafeBuffer redirect = new UnsafeBuffer(new byte[ClientProtocol.MAX_BODY]);
        final int redirectLength =
                ServerMessages.redirect(redirect, 0, "127.0.0.1", 8086, new byte[] {'t'}, "main.34.c42");
        world.onInput(
                Inputs.DEPARTED,
                input,
                0,
                Inputs.encodeDeparted(input, 0, PLAYER, (int) PLAYER, redirect, redirectLength));
        assertThat(world.players()).isEqualTo(1);
        assertThat(framesTo(PLAYER)).containsExactly("redirect 127.0.0.1:8086 main.34.c42");
        assertThat(framesTo(PLAYER + 1)).contains("gone " + PLAYER);
        world.onInput(Inputs.PLAYER_LEAVE, input, 0, Inputs.encodeLeave(input, 0, PLAYER, (int) PLAYER));
        assertThat(saved()).as("the leave of its closed session saves nothing").isEmpty();
    }

    @Test
    void aPlayerWhoseClientLeftDuringATransferThatFailsIsLoggedOutAtTheNewEpoch() {
        final Portals.Portal stockade = Portals.entranceTo(34).orElseThrow();
        world = new MapWorld(SMALL, 0, 7, stockade.x(), stockade.y() + 30f, saves, 1, outbox);
        join(PLAYER, stockade.x(), stockade.y() + 8f);
        runTicks(1);
        moveTo(PLAYER, stockade.x(), stockade.y() + 4.5f);
        saved();
        world.onInput(Inputs.PLAYER_LEAVE, input, 0, Inputs.encodeLeave(input, 0, PLAYER, (int) PLAYER));
        assertThat(world.players()).as("it stays until its transfer decides").isEqualTo(1);
        assertThat(saved()).isEmpty();
        world.logoutAll();
        assertThat(saved())
                .as("a departing player is the transfer's, not the closing map's")
                .isEmpty();
        world.onInput(Inputs.DEPART_FAILED, input, 0, Inputs.encodeDepartFailed(input, 0, PLAYER, (int) PLAYER, 2));
        assertThat(world.players()).isZero();
        assertThat(saved()).singleElement().asString().startsWith("logout " + PLAYER + " ");
    }

    @Test
    void aMovingMapHandsItsPlayersOverWhereTheyStandAFewATickAndSaysWhenItIsEmpty() {
        final int players = HandOver.HAND_OVERS_PER_TICK + 5;
        for (int p = 1; p <= players; p++) {
            join(p, p, -p);
        }
        runTicks(1);
        saved();
        assertThat(world.handedOver()).as("not moving").isZero();

        startHandOver(77);
        runTicks(1);
        List<String> frozen = saved();
        assertThat(frozen)
                .as("a tick's share, each to this instance's copy where it stands")
                .hasSize(HandOver.HAND_OVERS_PER_TICK)
                .allMatch(r -> r.startsWith("depart to " + Saves.SAME_INSTANCE + " at "));
        assertThat(frozen).anyMatch(r -> r.startsWith("depart to -1 at 1.0,-1.0 epoch 0: 1 "));
        assertThat(world.handedOver()).isZero();
        runTicks(SMALL.tickHz());
        assertThat(saved())
                .as("frozen players wait for their transfers, the others playing for them to end")
                .isEmpty();

        // Player 1's transfer is called off: it plays on, and is tried again a second later. The
        // others are gone: the last 5 freeze at the next tick.
        world.onInput(Inputs.DEPART_FAILED, input, 0, Inputs.encodeDepartFailed(input, 0, 1, 1, 2));
        for (int p = 2; p <= HandOver.HAND_OVERS_PER_TICK; p++) {
            world.onInput(Inputs.DEPARTED, input, 0, Inputs.encodeDeparted(input, 0, p, p, input, 0));
        }
        runTicks(1);
        frozen = saved();
        assertThat(frozen).hasSize(5).noneMatch(r -> r.contains(": 1 "));
        for (int p = HandOver.HAND_OVERS_PER_TICK + 1; p <= players; p++) {
            world.onInput(Inputs.DEPARTED, input, 0, Inputs.encodeDeparted(input, 0, p, p, input, 0));
        }
        assertThat(world.players()).isEqualTo(1);
        assertThat(framesTo(2))
                .as("the client was redirected by the transfer service, not the map")
                .noneMatch(f -> f.startsWith("redirect"));
        runTicks(SMALL.tickHz() - 2);
        assertThat(saved()).noneMatch(r -> r.startsWith("depart"));
        runTicks(1);
        assertThat(saved()).singleElement().asString().startsWith("depart to -1 at 1.0,-1.0 epoch 2: 1 ");
        world.onInput(Inputs.DEPARTED, input, 0, Inputs.encodeDeparted(input, 0, 1, 1, input, 0));
        assertThat(world.handedOver()).as("says so at its next tick").isZero();
        runTicks(1);
        assertThat(world.players()).isZero();
        assertThat(world.handedOver()).isEqualTo(77);

        // A player who arrives late (its login was routed here before the move) is handed over too.
        join(PLAYER, 5f, 5f);
        runTicks(1);
        assertThat(world.handedOver()).isZero();
        assertThat(saved()).singleElement().asString().startsWith("depart to -1 at 5.0,5.0 ");

        // The move called off: the map keeps its players.
        stopHandOver();
        world.onInput(Inputs.DEPART_FAILED, input, 0, Inputs.encodeDepartFailed(input, 0, PLAYER, (int) PLAYER, 1));
        runTicks(SMALL.tickHz() * 2);
        assertThat(saved()).noneMatch(r -> r.startsWith("depart"));
        assertThat(world.handedOver()).isZero();
    }

    @Test
    void aMovingMapWhoseHandOversFallBehindFreezesNoMoreThanItsCapAndTheOthersPlayOn() {
        final int cap = HandOver.MAX_FROZEN_FOR_HAND_OVER;
        final int players = cap + HandOver.HAND_OVERS_PER_TICK;
        world = new MapWorld(new WorldSettings(20, 100f, 0, 400f, players), 0, 7, 0f, 0f, saves, 1, outbox);
        for (int p = 1; p <= players; p++) {
            join(p, p % 100, -(p / 100));
        }
        runTicks(1);
        saved();

        startHandOver(77);
        runTicks(players / HandOver.HAND_OVERS_PER_TICK + 1);
        final List<Long> frozen = departed(saved());
        assertThat(frozen)
                .as("none of their transfers has ended: the map stops at its cap")
                .hasSize(cap);

        // The target stalls; the players not frozen still play.
        final long playing = LongStream.rangeClosed(1, players)
                .filter(p -> !frozen.contains(p))
                .findFirst()
                .orElseThrow();
        moveTo(playing, playing % 100 + 1f, -(playing / 100));
        assertThat(world.position(playing)[0]).as("it moved").isCloseTo(playing % 100 + 1f, within(0.5f));
        runTicks(SMALL.tickHz());
        assertThat(saved()).as("still at its cap").noneMatch(r -> r.startsWith("depart"));

        // Ten transfers end (five gone, five called off and tried again later): ten more freeze at the next tick.
        for (int i = 0; i < 5; i++) {
            final long gone = frozen.get(i);
            world.onInput(Inputs.DEPARTED, input, 0, Inputs.encodeDeparted(input, 0, gone, (int) gone, input, 0));
            final long back = frozen.get(cap - 1 - i);
            world.onInput(Inputs.DEPART_FAILED, input, 0, Inputs.encodeDepartFailed(input, 0, back, (int) back, 2));
        }
        runTicks(1);
        assertThat(departed(saved())).hasSize(10).doesNotContainAnyElementsOf(frozen);
    }

    /** The characters of the DEPART records among {@code records}. */
    private static List<Long> departed(final List<String> records) {
        return records.stream()
                .filter(r -> r.startsWith("depart"))
                .map(r -> Long.parseLong(r.substring(r.indexOf(": ") + 2).split(" ")[0]))
                .toList();
    }

    @Test
    void aWorldEnteredThatFindsTheOutboxFullGoesOutFirstOnceThereIsRoom() {
        while (outbox.send(Outbox.FRAME, 999, 999, 0)) {
            // Fill the ring as a stalled egress thread would leave it.
        }
        join(PLAYER, 1f, 1f);
        runTicks(1);
        outbox.drain(discard, Integer.MAX_VALUE);
        assertThat(framesTo(PLAYER)).as("dropped with the rest").isEmpty();
        runTicks(1);
        final List<String> frames = framesTo(PLAYER);
        assertThat(frames).isNotEmpty();
        assertThat(frames.get(0)).startsWith("entered " + PLAYER + " map 0");
    }

    @Test
    void aTickAllocatesNothingInSteadyState() {
        for (int p = 1; p <= 50; p++) {
            join(p, p * 3f, 0f);
        }
        final ThreadMXBean threads = (ThreadMXBean) ManagementFactory.getThreadMXBean();
        runWithMoves(2_000);
        // The JIT may still recompile during a window and allocate a few hundred bytes once; code that allocates
        // per tick, even one small object, allocates tens of kilobytes in every window.
        long fewest = Long.MAX_VALUE;
        for (int window = 0; window < 5 && fewest >= 1_024; window++) {
            final long before = threads.getCurrentThreadAllocatedBytes();
            runWithMoves(2_000);
            fewest = Math.min(fewest, threads.getCurrentThreadAllocatedBytes() - before);
        }
        assertThat(fewest)
                .as("bytes allocated by 2,000 ticks with 50 players moving, fewest of up to 5 windows")
                .isLessThan(1_024);
    }

    @Test
    void handOverCommandsWithoutAMoveEpochOrOfTheWrongShapeAreRefused() {
        join(PLAYER, 0f, 0f);
        startHandOver(0);
        world.onInput(Inputs.HAND_OVER_START, input, 0, 4);
        world.onInput(Inputs.HAND_OVER_STOP, input, 0, 8);
        runTicks(2);
        assertThat(world.rejectedInputs()).isEqualTo(3);
        assertThat(saved()).noneMatch(r -> r.startsWith("depart"));
        assertThat(world.handedOver()).isZero();
    }

    private void runWithMoves(final int ticks) {
        for (int i = 0; i < ticks; i++) {
            for (int p = 1; p <= 50; p++) {
                final int length = Inputs.encodeMove(input, 0, p, i, p * 3f, (i % 40) * 0.1f, 0f, 0f, 0);
                world.onInput(Inputs.MOVE, input, 0, length);
            }
            world.tick(++tick, 0);
            outbox.drain(discard, Integer.MAX_VALUE);
            saves.drain(discard, Integer.MAX_VALUE);
        }
    }

    private void runTicks(final int count) {
        for (int i = 0; i < count; i++) {
            world.tick(++tick, 0);
        }
    }

    /** A JOIN of {@code player} at the origin on session index {@code client}, claimed at {@code epoch}. */
    private int joinAt(final long player, final int client, final long epoch) {
        Inputs.encodeJoin(input, 0, player, 0f, 0f, 0f, 0f, 60, 5_000, 0, client);
        return Inputs.joinOwnership(input, 0, epoch, 0, 0);
    }

    /** What the node's applier sends through the ingress when the instance starts moving to another node. */
    private void startHandOver(final long moveEpoch) {
        world.onInput(Inputs.HAND_OVER_START, input, 0, Inputs.encodeHandOverStart(input, 0, moveEpoch));
    }

    private void stopHandOver() {
        world.onInput(Inputs.HAND_OVER_STOP, input, 0, Inputs.HAND_OVER_STOP_LENGTH);
    }

    private void join(final long player, final float x, final float y) {
        final int length = Inputs.encodeJoin(input, 0, player, x, y, 0f, 0f, 60, 5_000, 0, (int) player);
        world.onInput(Inputs.PLAYER_JOIN, input, 0, length);
    }

    private void move(final long player, final int sequence, final float x, final float y) {
        final int length = Inputs.encodeMove(input, 0, player, sequence, x, y, 0f, 0f, 0);
        world.onInput(Inputs.MOVE, input, 0, length);
    }

    /** Walk in legal steps to a point (the server checks speed). */
    private void moveTo(final long player, final float x, final float y) {
        for (int guard = 0; guard < 10_000; guard++) {
            final float[] at = world.position(player);
            final double gap = Math.hypot(x - at[0], y - at[1]);
            if (gap < 0.5) {
                return;
            }
            final double step = Math.min(gap, 0.3);
            runTicks(1);
            move(player, guard, (float) (at[0] + (x - at[0]) / gap * step), (float) (at[1] + (y - at[1]) / gap * step));
        }
    }

    private void attack(final long player, final long creature) {
        final int length = Inputs.encodeTarget(input, 0, player, creature);
        world.onInput(Inputs.ATTACK, input, 0, length);
    }

    private void loot(final long player, final long corpse) {
        final int length = Inputs.encodeTarget(input, 0, player, corpse);
        world.onInput(Inputs.LOOT, input, 0, length);
    }

    /** Records put in the save log since the last call, as text. */
    private List<String> saved() {
        final List<String> records = new ArrayList<>();
        saves.drain(
                (type, buffer, index, length) -> {
                    lastSeq = buffer.getLong(index + Saves.SEQUENCE);
                    final String kind = switch (type) {
                        case Saves.SNAPSHOT -> "snapshot";
                        case Saves.LOOT -> "loot";
                        case Saves.LOGOUT -> "logout";
                        case Saves.DEPART ->
                            "depart to " + buffer.getInt(index + Saves.TO_MAP) + " at "
                                    + buffer.getFloat(index + Saves.TO_X) + "," + buffer.getFloat(index + Saves.TO_Y)
                                    + " epoch "
                                    + buffer.getLong(index + Saves.EPOCH) + ":";
                        default -> "type " + type;
                    };
                    records.add(kind + " " + Saves.character(buffer, index) + " seq " + lastSeq
                            + (type == Saves.LOOT ? "" : " xp " + buffer.getLong(index + Saves.EXPERIENCE))
                            + " money " + buffer.getLong(index + Saves.MONEY)
                            + (type == Saves.LOOT
                                    ? " corpse " + buffer.getLong(index + Saves.CORPSE) + " copper "
                                            + buffer.getLong(index + Saves.COPPER)
                                    : ""));
                },
                Integer.MAX_VALUE);
        return records;
    }

    /** The last update record of {@code entity} in {@code frames} ("creature ID at X,Y" and its flags), or null. */
    private static String lastRecord(final List<String> frames, final long entity) {
        String last = null;
        for (final String frame : frames) {
            if (frame.startsWith("updates")) {
                for (final String record : frame.split(" (?=player |creature )")) {
                    if (record.startsWith("creature " + entity + " ") || record.startsWith("player " + entity + " ")) {
                        last = record;
                    }
                }
            }
        }
        return last;
    }

    /** Frames sent to {@code player} since the last call, decoded to text (the outbox is drained for everyone). */
    private List<String> framesTo(final long player) {
        final MessageHandler decode = (type, buffer, index, length) -> {
            final List<String> frames =
                    received.computeIfAbsent(buffer.getLong(index + Outbox.ENTITY_OFFSET), p -> new ArrayList<>());
            assertThat(ServerMessages.decode(
                            buffer, index + Outbox.BODY_OFFSET, length - Outbox.BODY_OFFSET, new FrameText(frames)))
                    .isNull();
        };
        // One read stops at the end of the ring's buffer; a second takes what wrapped around to its start.
        outbox.drain(decode, Integer.MAX_VALUE);
        outbox.drain(decode, Integer.MAX_VALUE);
        final List<String> frames = received.getOrDefault(player, List.of());
        received.remove(player);
        return frames;
    }
}
