package io.realmcluster.dataplane.world;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.management.ThreadMXBean;
import io.realmcluster.common.items.CharacterClasses;
import io.realmcluster.common.items.InventorySlots;
import io.realmcluster.dataplane.pipeline.Inputs;
import io.realmcluster.dataplane.pipeline.ItemIds;
import io.realmcluster.dataplane.pipeline.Outbox;
import io.realmcluster.dataplane.pipeline.RingClaim;
import io.realmcluster.dataplane.pipeline.SaveLog;
import io.realmcluster.dataplane.pipeline.Saves;
import io.realmcluster.dataplane.store.CharacterKey;
import io.realmcluster.proto.client.ClientProtocol;
import io.realmcluster.proto.client.ServerMessages;
import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.MessageHandler;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

/** Items and trades in a map (docs/architecture.md, "Items"): each action, each refusal, durable before shown. */
class ItemsWorldTest {
    private static final WorldSettings SMALL = new WorldSettings(20, 100f, 200, 400f, 50);
    private static final long WARRIOR = 42;
    private static final long MAGE = 43;
    private static final int BACKPACK = InventorySlots.BACKPACK_START;
    private static final int LEGGUARDS = 12935;
    private static final int SHOES = 1374;
    private static final int FELSTRIKER = 12590;
    private static final int LINEN = 2589;
    private static final int SILK_PACK = 4245;

    private final UnsafeBuffer input = new UnsafeBuffer(new byte[4096]);
    private final UnsafeBuffer confirmation = new UnsafeBuffer(new byte[256]);
    private SaveLog saves = SaveLog.allocate(1 << 20);
    private final Outbox outbox = Outbox.allocate(4 << 20, ClientProtocol.MAX_BODY);
    private final Map<Long, List<String>> received = new HashMap<>();
    private long nextItemId = 1_000;
    private boolean idsReady = true;
    private final ItemIds itemIds = realm -> idsReady ? ++nextItemId : 0;
    private MapWorld world = new MapWorld(SMALL, 0, 7, 0f, 0f, saves, 1, outbox, null, itemIds);
    private long tick;
    private static final long FIGHTER = 100;
    private float fighterX;
    private float fighterY;
    private int round;

    @Test
    void aJoinBringsTheItemsShownAfterWorldEnteredAndEquipmentAddsHealthAndAttack() {
        join(
                WARRIOR,
                CharacterClasses.WARRIOR,
                0f,
                0f,
                0,
                item(1, LEGGUARDS, InventorySlots.LEGS, 1),
                item(2, LINEN, BACKPACK, 7));
        runTicks(1);
        final List<String> frames = framesTo(WARRIOR);
        assertThat(frames.get(0)).startsWith("entered ");
        assertThat(frames).contains("inventory 6:1/12935/1 23:2/2589/7");
        assertThat(world.maxHealth(WARRIOR)).as("5,000 and the legguards' 60").isEqualTo(5_060);
        assertThat(frames).anyMatch(f -> f.startsWith("self ") && f.contains(" hp 5060 "));
    }

    @Test
    void equippingChecksTheSlotAndTheClassAndEachChangeIsSavedThenShownOnceDurable() {
        join(MAGE, CharacterClasses.MAGE, 0f, 0f, 0, item(1, LEGGUARDS, BACKPACK, 1), item(2, SHOES, BACKPACK + 1, 1));
        runTicks(1);
        framesTo(MAGE);
        request(MAGE, ClientProtocol.ITEM_MOVE, BACKPACK, InventorySlots.LEGS, 0, 0);
        request(MAGE, ClientProtocol.ITEM_MOVE, BACKPACK + 1, InventorySlots.HEAD, 0, 0);
        request(MAGE, ClientProtocol.ITEM_MOVE, BACKPACK + 5, InventorySlots.FEET, 0, 0);
        request(MAGE, ClientProtocol.ITEM_MOVE, BACKPACK, 200, 0, 0);
        assertThat(framesTo(MAGE))
                .containsExactly(
                        "refused 10 CLASS_CANNOT",
                        "refused 10 WRONG_SLOT",
                        "refused 10 NO_SUCH_ITEM",
                        "refused 10 WRONG_SLOT");
        assertThat(confirmAll()).as("nothing changed, nothing saved").isEmpty();

        request(MAGE, ClientProtocol.ITEM_MOVE, BACKPACK + 1, InventorySlots.FEET, 0, 0);
        assertThat(world.item(MAGE, InventorySlots.FEET)).containsExactly(2, SHOES, 1);
        assertThat(world.maxHealth(MAGE)).isEqualTo(5_005);
        runTicks(1);
        assertThat(framesTo(MAGE)).noneMatch(f -> f.startsWith("slots"));
        assertThat(confirmAll())
                .containsExactly(
                        "items " + MAGE + " action 2 created 0 destroyed 0 slots 24,7 held 7:2/1374/1 23:1/12935/1");
        runTicks(1);
        assertThat(framesTo(MAGE)).contains("slots 24:0/0/0 7:2/1374/1");
    }

    @Test
    void bagsAddSlotsAndABagHoldingItemsDoesNotMove() {
        join(
                WARRIOR,
                CharacterClasses.WARRIOR,
                0f,
                0f,
                0,
                item(1, SILK_PACK, BACKPACK, 1),
                item(2, LINEN, BACKPACK + 1, 3));
        final int inBag = InventorySlots.inBag(0, 0);
        request(WARRIOR, ClientProtocol.ITEM_MOVE, BACKPACK + 1, inBag, 0, 0);
        request(WARRIOR, ClientProtocol.ITEM_MOVE, BACKPACK, InventorySlots.BAG_SLOTS_START, 0, 0);
        request(WARRIOR, ClientProtocol.ITEM_MOVE, BACKPACK + 1, InventorySlots.inBag(0, 9), 0, 0);
        request(WARRIOR, ClientProtocol.ITEM_MOVE, BACKPACK + 1, InventorySlots.inBag(0, 10), 0, 0);
        assertThat(world.item(WARRIOR, InventorySlots.inBag(0, 9))).containsExactly(2, LINEN, 3);
        request(WARRIOR, ClientProtocol.ITEM_MOVE, InventorySlots.BAG_SLOTS_START, BACKPACK + 3, 0, 0);
        request(WARRIOR, ClientProtocol.ITEM_DESTROY, InventorySlots.BAG_SLOTS_START, 0, 0, 0);
        runTicks(1);
        assertThat(framesTo(WARRIOR))
                .containsSubsequence(
                        "refused 10 WRONG_SLOT",
                        "refused 10 WRONG_SLOT",
                        "refused 10 BAG_NOT_EMPTY",
                        "refused 12 BAG_NOT_EMPTY");
        assertThat(confirmAll()).hasSize(2);
    }

    @Test
    void stacksSplitUnderANewIdAndMergeUpToTheirLargestAndDestroyTakesTheWholeStack() {
        join(
                WARRIOR,
                CharacterClasses.WARRIOR,
                0f,
                0f,
                0,
                item(1, LINEN, BACKPACK, 15),
                item(2, LINEN, BACKPACK + 1, 10));
        request(WARRIOR, ClientProtocol.ITEM_SPLIT, BACKPACK, BACKPACK + 2, 15, 0);
        request(WARRIOR, ClientProtocol.ITEM_SPLIT, BACKPACK, BACKPACK + 1, 5, 0);
        request(WARRIOR, ClientProtocol.ITEM_SPLIT, BACKPACK, InventorySlots.HEAD, 5, 0);
        idsReady = false;
        request(WARRIOR, ClientProtocol.ITEM_SPLIT, BACKPACK, BACKPACK + 2, 5, 0);
        idsReady = true;
        runTicks(1);
        assertThat(framesTo(WARRIOR))
                .containsSubsequence(
                        "refused 11 TOO_MANY", "refused 11 WRONG_SLOT", "refused 11 WRONG_SLOT", "refused 11 BUSY");
        assertThat(confirmAll()).isEmpty();

        request(WARRIOR, ClientProtocol.ITEM_SPLIT, BACKPACK, BACKPACK + 2, 4, 0);
        assertThat(world.item(WARRIOR, BACKPACK + 2)).containsExactly(nextItemId, LINEN, 4);
        assertThat(world.item(WARRIOR, BACKPACK)).containsExactly(1, LINEN, 11);
        // 11 onto 10: 20 at most, so 1 stays where it was; onto a full stack, nothing moves.
        request(WARRIOR, ClientProtocol.ITEM_MOVE, BACKPACK, BACKPACK + 1, 0, 0);
        assertThat(world.item(WARRIOR, BACKPACK + 1)).containsExactly(2, LINEN, 20);
        assertThat(world.item(WARRIOR, BACKPACK)).containsExactly(1, LINEN, 1);
        request(WARRIOR, ClientProtocol.ITEM_MOVE, BACKPACK, BACKPACK + 1, 0, 0);
        // The whole stack merges: the emptied one is destroyed.
        request(WARRIOR, ClientProtocol.ITEM_MOVE, BACKPACK, BACKPACK + 2, 0, 0);
        assertThat(world.item(WARRIOR, BACKPACK)).containsExactly(0, 0, 0);
        assertThat(world.item(WARRIOR, BACKPACK + 2)).containsExactly(nextItemId, LINEN, 5);
        request(WARRIOR, ClientProtocol.ITEM_DESTROY, BACKPACK + 2, 0, 0, 0);
        runTicks(1);
        assertThat(framesTo(WARRIOR)).containsExactly("refused 10 TOO_MANY");
        assertThat(confirmAll())
                .containsExactly(
                        "items " + WARRIOR + " action 3 created " + nextItemId
                                + " destroyed 0 slots 23,25 held 23:1/2589/11" + " 24:2/2589/10 25:" + nextItemId
                                + "/2589/4",
                        "items " + WARRIOR
                                + " action 2 created 0 destroyed 0 slots 23,24 held 23:1/2589/1 24:2/2589/20 25:"
                                + nextItemId + "/2589/4",
                        "items " + WARRIOR + " action 2 created 0 destroyed 1 slots 23,25 held 24:2/2589/20 25:"
                                + nextItemId + "/2589/5",
                        "items " + WARRIOR + " action 4 created 0 destroyed " + nextItemId + " slots 25,-1 held"
                                + " 24:2/2589/20");
    }

    @Test
    void aFullSaveLogUndoesAnItemChange() {
        saves = SaveLog.allocate(1 << 15);
        world = new MapWorld(SMALL, 0, 7, 0f, 0f, saves, 1, outbox, null, itemIds);
        join(
                WARRIOR,
                CharacterClasses.WARRIOR,
                0f,
                0f,
                0,
                item(1, SHOES, BACKPACK, 1),
                item(2, LINEN, BACKPACK + 1, 9));
        final RingClaim claim = new RingClaim();
        while (saves.claim(claim, Saves.SNAPSHOT).claimed()) {
            claim.commit();
        }
        request(WARRIOR, ClientProtocol.ITEM_MOVE, BACKPACK, InventorySlots.FEET, 0, 0);
        request(WARRIOR, ClientProtocol.ITEM_SPLIT, BACKPACK + 1, BACKPACK + 2, 3, 0);
        request(WARRIOR, ClientProtocol.ITEM_DESTROY, BACKPACK + 1, 0, 0, 0);
        assertThat(world.item(WARRIOR, BACKPACK)).containsExactly(1, SHOES, 1);
        assertThat(world.item(WARRIOR, InventorySlots.FEET)).containsExactly(0, 0, 0);
        assertThat(world.item(WARRIOR, BACKPACK + 1)).containsExactly(2, LINEN, 9);
        assertThat(world.item(WARRIOR, BACKPACK + 2)).containsExactly(0, 0, 0);
        assertThat(world.maxHealth(WARRIOR)).isEqualTo(5_000);
        runTicks(1);
        assertThat(framesTo(WARRIOR)).containsSubsequence("refused 10 BUSY", "refused 11 BUSY", "refused 12 BUSY");
    }

    @Test
    void whileTheDatabaseTakesNoSavesAndPastSixteenUnconfirmedChangesNothingDurableIsDone() {
        join(
                WARRIOR,
                CharacterClasses.WARRIOR,
                0f,
                0f,
                0,
                item(1, SHOES, BACKPACK, 1),
                item(2, LINEN, BACKPACK + 1, 9));
        saves.unavailable(true);
        request(WARRIOR, ClientProtocol.ITEM_MOVE, BACKPACK, InventorySlots.FEET, 0, 0);
        request(WARRIOR, ClientProtocol.ITEM_DESTROY, BACKPACK + 1, 0, 0, 0);
        request(WARRIOR, ClientProtocol.TRADE_OPEN, 0, 0, 0, MAGE);
        runTicks(1);
        assertThat(world.item(WARRIOR, BACKPACK)).containsExactly(1, SHOES, 1);
        assertThat(world.item(WARRIOR, BACKPACK + 1)).containsExactly(2, LINEN, 9);
        assertThat(framesTo(WARRIOR))
                .filteredOn(f -> f.startsWith("refused"))
                .containsExactly(
                        "refused 10 SAVES_UNAVAILABLE", "refused 12 SAVES_UNAVAILABLE", "refused 13 SAVES_UNAVAILABLE");

        saves.unavailable(false);
        // Moves back and forth, none confirmed: the seventeenth waits for the saver.
        for (int change = 0; change < ItemActions.MAX_UNCONFIRMED + 1; change++) {
            final int from = change % 2 == 0 ? BACKPACK : BACKPACK + 2;
            request(WARRIOR, ClientProtocol.ITEM_MOVE, from, from == BACKPACK ? BACKPACK + 2 : BACKPACK, 0, 0);
        }
        runTicks(1);
        assertThat(framesTo(WARRIOR)).filteredOn(f -> f.startsWith("refused")).containsExactly("refused 10 BUSY");
    }

    @Test
    void aKillerLootsTheCorpsesMoneyAndStackIntoItsFirstFreeSlotOnlyOnceAndSeesItOnceDurable() {
        final long creature = world.creatureNear(0f, 0f, 400f);
        final float[] at = world.position(creature);
        join(WARRIOR, CharacterClasses.WARRIOR, at[0], at[1], 0, item(1, LINEN, BACKPACK, 1));
        join(MAGE, CharacterClasses.MAGE, at[0], at[1], 0);
        kill(WARRIOR, creature);
        world.dropOn(creature, SHOES, 1);
        final float[] corpse = world.position(creature);
        moveTo(MAGE, corpse[0], corpse[1]);
        loot(MAGE, creature);
        loot(WARRIOR, Creatures.CREATURE_ID_BASE + 10_000);
        moveTo(WARRIOR, corpse[0] + 20f, corpse[1]);
        loot(WARRIOR, creature);
        runTicks(1);
        assertThat(framesTo(MAGE)).contains("refused 6 NOT_YOURS");
        assertThat(framesTo(WARRIOR)).containsSubsequence("refused 6 NOTHING_TO_LOOT", "refused 6 OUT_OF_RANGE");
        confirmAll();

        moveTo(WARRIOR, corpse[0], corpse[1]);
        idsReady = false;
        loot(WARRIOR, creature);
        assertThat(world.money(WARRIOR)).as("no id ready: nothing happened").isZero();
        idsReady = true;
        loot(WARRIOR, creature);
        final long copper = world.money(WARRIOR);
        assertThat(copper).isPositive();
        assertThat(world.item(WARRIOR, BACKPACK + 1)).containsExactly(nextItemId, SHOES, 1);
        assertThat(world.corpseLoot(creature)).containsExactly(0, 0);
        runTicks(1);
        assertThat(framesTo(WARRIOR)).contains("refused 6 BUSY").noneMatch(f -> f.startsWith("looted"));
        assertThat(confirmAll())
                .containsExactly("loot " + WARRIOR + " action 1 created " + nextItemId + " destroyed 0 slots 24,-1 held"
                        + " 23:1/2589/1 24:" + nextItemId + "/1374/1 corpse " + creature + " copper " + copper);
        runTicks(1);
        assertThat(framesTo(WARRIOR))
                .contains("slots 24:" + nextItemId + "/1374/1", "looted " + creature + " " + copper + " " + copper)
                .anyMatch(f -> f.startsWith("self ") && f.contains(" money " + copper));
        loot(WARRIOR, creature);
        runTicks(1);
        assertThat(framesTo(WARRIOR)).contains("refused 6 NOTHING_TO_LOOT");
    }

    @Test
    void withFullBagsALootTakesTheMoneyAndTheStackStaysOnTheCorpse() {
        final long creature = world.creatureNear(0f, 0f, 400f);
        final float[] at = world.position(creature);
        final long[][] full = new long[16][];
        for (int i = 0; i < 16; i++) {
            full[i] = item(i + 1, LINEN, BACKPACK + i, 1);
        }
        join(WARRIOR, CharacterClasses.WARRIOR, at[0], at[1], 0, full);
        kill(WARRIOR, creature);
        world.dropOn(creature, SHOES, 1);
        final float[] corpse = world.position(creature);
        moveTo(WARRIOR, corpse[0], corpse[1]);
        confirmAll();
        loot(WARRIOR, creature);
        assertThat(world.money(WARRIOR)).isPositive();
        assertThat(world.corpseLoot(creature)).containsExactly(SHOES, 1);
        assertThat(confirmAll())
                .singleElement()
                .asString()
                .contains(" created 0 ")
                .contains(" slots -1,-1 ");
        loot(WARRIOR, creature);
        runTicks(1);
        assertThat(framesTo(WARRIOR)).contains("refused 6 BAGS_FULL");
    }

    @Test
    void twoPlayersTradeItemsAndMoneyThatMoveOnlyOnceBothAcceptedTheVersionTheySaw() {
        join(
                WARRIOR,
                CharacterClasses.WARRIOR,
                0f,
                0f,
                500,
                item(1, LINEN, BACKPACK, 5),
                item(2, SHOES, BACKPACK + 1, 1));
        join(MAGE, CharacterClasses.MAGE, 3f, 0f, 100, item(3, FELSTRIKER, BACKPACK, 1));
        request(WARRIOR, ClientProtocol.TRADE_OPEN, 0, 0, 0, MAGE);
        request(WARRIOR, ClientProtocol.TRADE_PUT, 0, BACKPACK, 0, 0);
        request(WARRIOR, ClientProtocol.TRADE_MONEY, 0, 0, 0, 200);
        request(MAGE, ClientProtocol.TRADE_PUT, 3, BACKPACK, 0, 0);
        runTicks(1);
        assertThat(framesTo(MAGE))
                .contains("trade v4 with " + WARRIOR + " phase 1 you- they- money 0/200 mine 3 theirs 1");
        request(MAGE, ClientProtocol.TRADE_ACCEPT, 0, 0, 3, 0);
        request(MAGE, ClientProtocol.TRADE_ACCEPT, 0, 0, 4, 0);
        request(WARRIOR, ClientProtocol.ITEM_DESTROY, BACKPACK, 0, 0, 0);
        runTicks(1);
        assertThat(framesTo(MAGE)).contains("refused 16 TRADE_CHANGED");
        assertThat(framesTo(WARRIOR))
                .contains(
                        "refused 12 BUSY", "trade v4 with " + MAGE + " phase 1 you- they+ money 200/0 mine 1 theirs 3");
        request(WARRIOR, ClientProtocol.TRADE_ACCEPT, 0, 0, 4, 0);
        runTicks(1);
        assertThat(world.item(MAGE, BACKPACK)).containsExactly(1, LINEN, 5);
        assertThat(world.item(WARRIOR, BACKPACK)).containsExactly(3, FELSTRIKER, 1);
        assertThat(world.money(WARRIOR)).isEqualTo(300);
        assertThat(world.money(MAGE)).isEqualTo(300);
        assertThat(framesTo(WARRIOR)).anyMatch(f -> f.startsWith("trade v4 with " + MAGE + " phase 2"));
        // Committing: both are locked until the saver settles it.
        request(WARRIOR, ClientProtocol.ITEM_MOVE, BACKPACK, InventorySlots.MAIN_HAND, 0, 0);
        request(MAGE, ClientProtocol.TRADE_CANCEL, 0, 0, 0, 0);
        runTicks(1);
        assertThat(framesTo(WARRIOR)).contains("refused 10 BUSY");
        assertThat(framesTo(MAGE)).contains("refused 17 BUSY");

        final List<String> halves = confirmAll();
        assertThat(halves).hasSize(2);
        assertThat(halves.get(0))
                .startsWith("trade " + WARRIOR + " with " + MAGE
                        + " copper -200 gave [1] received [3] held 23:3/12590/1" + " 24:2/1374/1");
        assertThat(halves.get(1))
                .startsWith(
                        "trade " + MAGE + " with " + WARRIOR + " copper 200 gave [3] received [1] held 23:1/2589/5");
        runTicks(1);
        assertThat(framesTo(WARRIOR))
                .contains(
                        "trade v4 with " + MAGE + " phase 3 you+ they+ money 200/0 mine 1 theirs 3",
                        "slots 23:3/12590/1")
                .anyMatch(f -> f.startsWith("self ") && f.contains(" money 300 "));
        assertThat(framesTo(MAGE)).contains("slots 23:1/2589/5");
        request(WARRIOR, ClientProtocol.ITEM_MOVE, BACKPACK, InventorySlots.MAIN_HAND, 0, 0);
        assertThat(world.item(WARRIOR, InventorySlots.MAIN_HAND)).containsExactly(3, FELSTRIKER, 1);
        assertThat(world.tradesSettled()).isEqualTo(2);
    }

    @Test
    void tradesAreRefusedWithAReasonAndEndWhenThePlayersWalkApartOrOneLeaves() {
        final long stranger = CharacterKey.of(1, WARRIOR);
        join(WARRIOR, CharacterClasses.WARRIOR, 0f, 0f, 50, item(1, LINEN, BACKPACK, 5));
        join(MAGE, CharacterClasses.MAGE, 3f, 0f, 0);
        join(MAGE + 1, CharacterClasses.MAGE, 12f, 0f, 0);
        join(stranger, CharacterClasses.MAGE, 1f, 0f, 0);
        request(WARRIOR, ClientProtocol.TRADE_PUT, 0, BACKPACK, 0, 0);
        request(WARRIOR, ClientProtocol.TRADE_OPEN, 0, 0, 0, 999);
        request(WARRIOR, ClientProtocol.TRADE_OPEN, 0, 0, 0, stranger);
        request(WARRIOR, ClientProtocol.TRADE_OPEN, 0, 0, 0, MAGE + 1);
        request(WARRIOR, ClientProtocol.TRADE_OPEN, 0, 0, 0, MAGE);
        request(MAGE + 1, ClientProtocol.TRADE_OPEN, 0, 0, 0, MAGE);
        request(WARRIOR, ClientProtocol.TRADE_OPEN, 0, 0, 0, MAGE);
        request(WARRIOR, ClientProtocol.TRADE_PUT, 0, BACKPACK + 4, 0, 0);
        request(WARRIOR, ClientProtocol.TRADE_PUT, 6, BACKPACK, 0, 0);
        request(WARRIOR, ClientProtocol.TRADE_PUT, 0, InventorySlots.HEAD, 0, 0);
        request(WARRIOR, ClientProtocol.TRADE_MONEY, 0, 0, 0, 51);
        request(WARRIOR, ClientProtocol.TRADE_MONEY, 0, 0, 0, -1);
        runTicks(1);
        assertThat(framesTo(WARRIOR))
                .filteredOn(f -> f.startsWith("refused"))
                .containsExactly(
                        "refused 14 NOT_TRADING",
                        "refused 13 NOT_HERE",
                        "refused 13 OTHER_REALM",
                        "refused 13 OUT_OF_RANGE",
                        "refused 13 ALREADY_TRADING",
                        "refused 14 NO_SUCH_ITEM",
                        "refused 14 WRONG_SLOT",
                        "refused 14 WRONG_SLOT",
                        "refused 15 NOT_ENOUGH_MONEY",
                        "refused 15 NOT_ENOUGH_MONEY");
        assertThat(framesTo(MAGE + 1)).contains("refused 13 ALREADY_TRADING");

        moveTo(MAGE, 12f, 0f);
        runTicks(1);
        assertThat(framesTo(WARRIOR)).anyMatch(f -> f.contains(" phase 4") && f.endsWith("because OUT_OF_RANGE"));
        moveTo(MAGE, 3f, 0f);
        request(WARRIOR, ClientProtocol.TRADE_OPEN, 0, 0, 0, MAGE);
        world.onInput(Inputs.PLAYER_LEAVE, input, 0, Inputs.encodeLeave(input, 0, MAGE, (int) MAGE));
        runTicks(1);
        assertThat(framesTo(WARRIOR)).anyMatch(f -> f.contains(" phase 4") && f.endsWith("because NOT_HERE"));
        request(WARRIOR, ClientProtocol.TRADE_OPEN, 0, 0, 0, stranger);
        runTicks(1);
        assertThat(framesTo(WARRIOR)).contains("refused 13 OTHER_REALM");
        assertThat(confirmAll()).noneMatch(r -> r.startsWith("trade"));
    }

    @Test
    void aCommittingTradeHoldsItsPlayersBackFromAHandOverUntilItSettledAndAnOpenOneEndsWhenTheyDepart() {
        join(WARRIOR, CharacterClasses.WARRIOR, 0f, 0f, 10, item(1, LINEN, BACKPACK, 5));
        join(MAGE, CharacterClasses.MAGE, 3f, 0f, 0);
        join(MAGE + 1, CharacterClasses.MAGE, 6f, 0f, 0);
        request(WARRIOR, ClientProtocol.TRADE_OPEN, 0, 0, 0, MAGE);
        request(WARRIOR, ClientProtocol.TRADE_PUT, 0, BACKPACK, 0, 0);
        request(WARRIOR, ClientProtocol.TRADE_ACCEPT, 0, 0, 2, 0);
        request(MAGE, ClientProtocol.TRADE_ACCEPT, 0, 0, 2, 0);
        runTicks(1);
        final List<String> halves = new ArrayList<>();
        final List<String> departures = new ArrayList<>();
        final List<byte[]> held = new ArrayList<>();
        saves.drain(
                (type, buffer, index, length) -> {
                    if (type == Saves.TRADE) {
                        final byte[] copy = new byte[length];
                        buffer.getBytes(index, copy);
                        held.add(copy);
                        halves.add("half " + Saves.character(buffer, index));
                    }
                },
                Integer.MAX_VALUE);
        assertThat(halves).containsExactly("half " + WARRIOR, "half " + MAGE);

        world.onInput(Inputs.HAND_OVER_START, input, 0, Inputs.encodeHandOverStart(input, 0, 77));
        runTicks(1);
        saves.drain(
                (type, buffer, index, length) -> departures.add(
                        type == Saves.DEPART ? "depart " + Saves.character(buffer, index) : "type " + type),
                Integer.MAX_VALUE);
        assertThat(departures).as("the traders wait for their trade").containsExactly("depart " + (MAGE + 1));
        for (final byte[] half : held) {
            confirm(Saves.TRADE, new UnsafeBuffer(half), 0);
        }
        departures.clear();
        runTicks(1);
        saves.drain(
                (type, buffer, index, length) -> departures.add("depart " + Saves.character(buffer, index)),
                Integer.MAX_VALUE);
        assertThat(departures).containsExactlyInAnyOrder("depart " + WARRIOR, "depart " + MAGE);
        assertThat(world.item(MAGE, BACKPACK)).containsExactly(1, LINEN, 5);

        // An open trade ends when one of its players is frozen for its transfer.
        world.onInput(Inputs.DEPART_FAILED, input, 0, Inputs.encodeDepartFailed(input, 0, WARRIOR, (int) WARRIOR, 2));
        world.onInput(Inputs.DEPART_FAILED, input, 0, Inputs.encodeDepartFailed(input, 0, MAGE + 1, (int) MAGE + 1, 2));
        world.onInput(Inputs.HAND_OVER_STOP, input, 0, Inputs.HAND_OVER_STOP_LENGTH);
        framesTo(WARRIOR);
        request(WARRIOR, ClientProtocol.TRADE_OPEN, 0, 0, 0, MAGE + 1);
        world.onInput(Inputs.HAND_OVER_START, input, 0, Inputs.encodeHandOverStart(input, 0, 78));
        runTicks(SMALL.tickHz() + 1);
        assertThat(framesTo(WARRIOR)).anyMatch(f -> f.contains(" phase 4") && f.endsWith("because NOT_HERE"));
    }

    @Test
    void aTradeTheSaveLogCannotTakeMovesNothingAndOneWhoseTakerHasNoRoomEnds() {
        saves = SaveLog.allocate(1 << 15);
        world = new MapWorld(SMALL, 0, 7, 0f, 0f, saves, 1, outbox, null, itemIds);
        final long[][] full = new long[16][];
        for (int i = 0; i < 16; i++) {
            full[i] = item(100 + i, LINEN, BACKPACK + i, 1);
        }
        join(WARRIOR, CharacterClasses.WARRIOR, 0f, 0f, 0, item(1, SHOES, BACKPACK, 1));
        join(MAGE, CharacterClasses.MAGE, 3f, 0f, 0, full);
        request(WARRIOR, ClientProtocol.TRADE_OPEN, 0, 0, 0, MAGE);
        request(WARRIOR, ClientProtocol.TRADE_PUT, 0, BACKPACK, 0, 0);
        request(MAGE, ClientProtocol.TRADE_PUT, 0, BACKPACK, 0, 0);
        final RingClaim claim = new RingClaim();
        while (saves.claim(claim, Saves.SNAPSHOT).claimed()) {
            claim.commit();
        }
        request(WARRIOR, ClientProtocol.TRADE_ACCEPT, 0, 0, 3, 0);
        request(MAGE, ClientProtocol.TRADE_ACCEPT, 0, 0, 3, 0);
        runTicks(3);
        // Each received into the slot it gave from, and each got its own back when the log refused the halves.
        assertThat(world.item(WARRIOR, BACKPACK)).containsExactly(1, SHOES, 1);
        assertThat(world.item(MAGE, BACKPACK)).containsExactly(100, LINEN, 1);
        saves.drain((type, buffer, index, length) -> {}, Integer.MAX_VALUE);
        saves.drain((type, buffer, index, length) -> {}, Integer.MAX_VALUE);

        request(MAGE, ClientProtocol.TRADE_PUT, 0, ClientProtocol.TRADE_PUT_EMPTY, 0, 0);
        request(WARRIOR, ClientProtocol.TRADE_ACCEPT, 0, 0, 4, 0);
        request(MAGE, ClientProtocol.TRADE_ACCEPT, 0, 0, 4, 0);
        runTicks(1);
        assertThat(framesTo(MAGE)).anyMatch(f -> f.contains(" phase 4") && f.endsWith("because BAGS_FULL"));
        assertThat(world.item(WARRIOR, BACKPACK)).containsExactly(1, SHOES, 1);
        assertThat(world.item(MAGE, BACKPACK)).containsExactly(100, LINEN, 1);
        assertThat(confirmAll()).isEmpty();
    }

    @Test
    void anAcceptedTradeWaitsForUnconfirmedItemSavesAndForRoomInTheSaveLog() {
        saves = SaveLog.allocate(1 << 14);
        world = new MapWorld(SMALL, 0, 7, 0f, 0f, saves, 1, outbox, null, itemIds);
        join(
                WARRIOR,
                CharacterClasses.WARRIOR,
                0f,
                0f,
                0,
                item(1, LINEN, BACKPACK, 5),
                item(2, SHOES, BACKPACK + 1, 1));
        join(MAGE, CharacterClasses.MAGE, 3f, 0f, 0);
        request(WARRIOR, ClientProtocol.ITEM_MOVE, BACKPACK + 1, InventorySlots.FEET, 0, 0);
        request(WARRIOR, ClientProtocol.TRADE_OPEN, 0, 0, 0, MAGE);
        request(WARRIOR, ClientProtocol.TRADE_PUT, 0, BACKPACK, 0, 0);
        request(WARRIOR, ClientProtocol.TRADE_ACCEPT, 0, 0, 2, 0);
        request(MAGE, ClientProtocol.TRADE_ACCEPT, 0, 0, 2, 0);
        runTicks(2);
        assertThat(world.item(MAGE, BACKPACK))
                .as("the equip is not durable yet")
                .containsExactly(0, 0, 0);
        final List<String> records = new ArrayList<>();
        saves.drain((type, buffer, index, length) -> records.add("type " + type), Integer.MAX_VALUE);
        assertThat(records).containsExactly("type " + Saves.ITEMS);
        // The save log fills up before the saver confirms: the trade waits for room.
        final RingClaim claim = new RingClaim();
        while (saves.claim(claim, Saves.SNAPSHOT).claimed()) {
            claim.commit();
        }
        confirmItems(WARRIOR, Saves.ACTION_MOVE);
        runTicks(2);
        assertThat(world.item(MAGE, BACKPACK)).containsExactly(0, 0, 0);
        assertThat(world.item(WARRIOR, BACKPACK)).containsExactly(1, LINEN, 5);
        saves.drain((type, buffer, index, length) -> {}, Integer.MAX_VALUE);
        saves.drain((type, buffer, index, length) -> {}, Integer.MAX_VALUE);
        runTicks(1);
        assertThat(world.item(MAGE, BACKPACK)).containsExactly(1, LINEN, 5);
        assertThat(confirmAll()).hasSize(2).allMatch(r -> r.startsWith("trade "));
    }

    @Test
    void aTickAllocatesNothingWithLootAndTradesGoingOn() {
        for (int p = 1; p <= 20; p++) {
            join(p, CharacterClasses.WARRIOR, p * 3f, 0f, 1_000, item(p * 100, LINEN, BACKPACK, 3));
        }
        // A fighter stands at a creature's home: it fights what comes near and loots it.
        final float[] home = world.position(world.creatureNear(-150f, -150f, 400f));
        fighterX = home[0];
        fighterY = home[1];
        join(FIGHTER, CharacterClasses.WARRIOR, fighterX, fighterY, 0);
        final ThreadMXBean threads = (ThreadMXBean) ManagementFactory.getThreadMXBean();
        runWithTrades(2_000);
        long fewest = Long.MAX_VALUE;
        for (int window = 0; window < 5 && fewest >= 1_024; window++) {
            final long before = threads.getCurrentThreadAllocatedBytes();
            runWithTrades(2_000);
            fewest = Math.min(fewest, threads.getCurrentThreadAllocatedBytes() - before);
        }
        assertThat(world.tradesSettled()).as("trades went on").isPositive();
        assertThat(world.money(FIGHTER)).as("loots went on").isPositive();
        assertThat(world.itemsLooted()).as("items were looted").isPositive();
        assertThat(fewest)
                .as("bytes allocated by 2,000 ticks of trades, moves and splits, fewest of up to 5 windows")
                .isLessThan(1_024);
    }

    /** Pairs of players trade a stack back and forth, others split and merge, and the saver confirms everything. */
    private void runWithTrades(final int ticks) {
        for (int i = 0; i < ticks; i++, round++) {
            // Every 8 ticks a trade: the giver puts its first backpack slot up, which the other takes into its first
            // free one (the same slot, emptied by the last trade the other way); then a split and a merge back.
            final int phase = round % 8;
            final boolean forth = round / 8 % 2 == 0;
            for (int p = 1; p <= 20; p += 2) {
                final long giver = forth ? p : p + 1;
                final long taker = forth ? p + 1 : p;
                switch (phase) {
                    case 0 -> request(giver, ClientProtocol.TRADE_OPEN, 0, 0, 0, taker);
                    case 1 -> request(giver, ClientProtocol.TRADE_PUT, 0, BACKPACK, 0, 0);
                    case 2 -> request(giver, ClientProtocol.TRADE_MONEY, 0, 0, 0, 1);
                    case 3 -> {
                        request(giver, ClientProtocol.TRADE_ACCEPT, 0, 0, 3, 0);
                        request(taker, ClientProtocol.TRADE_ACCEPT, 0, 0, 3, 0);
                    }
                    case 5 -> request(taker, ClientProtocol.ITEM_SPLIT, BACKPACK, BACKPACK + 5, 1, 0);
                    case 6 -> request(taker, ClientProtocol.ITEM_MOVE, BACKPACK + 5, BACKPACK, 0, 0);
                    default -> request(taker, ClientProtocol.TRADE_CANCEL, 0, 0, 0, 0);
                }
            }
            if (i % 20 == 0) {
                final long creature = world.creatureNear(fighterX, fighterY, 30f);
                if (creature >= 0) {
                    world.onInput(Inputs.ATTACK, input, 0, Inputs.encodeTarget(input, 0, FIGHTER, creature));
                    world.onInput(Inputs.LOOT, input, 0, Inputs.encodeTarget(input, 0, FIGHTER, creature));
                }
            }
            world.tick(++tick, 0);
            settleQuietly();
            outbox.drain((type, buffer, index, length) -> {}, Integer.MAX_VALUE);
        }
    }

    /** The saver's part without text: every item record confirmed, every trade half settled. */
    private final MessageHandler quietSaver = (type, buffer, index, length) -> confirm(type, buffer, index);

    private void settleQuietly() {
        saves.drain(quietSaver, Integer.MAX_VALUE);
    }

    private void confirm(final int type, final DirectBuffer buffer, final int index) {
        final long character = Saves.character(buffer, index);
        final int session = buffer.getInt(index + Saves.SESSION);
        if (type == Saves.TRADE) {
            world.onInput(
                    Inputs.TRADE_SETTLED,
                    confirmation,
                    0,
                    Inputs.encodeTradeSettled(
                            confirmation, 0, character, session, buffer.getLong(index + Saves.TRADE_SEQ)));
        } else if (type == Saves.LOOT || type == Saves.ITEMS) {
            final int length = Inputs.encodeItemsConfirmed(
                    confirmation,
                    0,
                    character,
                    session,
                    buffer.getInt(index + Saves.ACTION),
                    buffer.getLong(index + Saves.CORPSE),
                    buffer.getLong(index + Saves.COPPER),
                    buffer.getLong(index + Saves.MONEY));
            slotState(buffer, index, buffer.getInt(index + Saves.SLOT_A), Inputs.ITEMS_SLOT_A);
            slotState(buffer, index, buffer.getInt(index + Saves.SLOT_B), Inputs.ITEMS_SLOT_B);
            world.onInput(Inputs.ITEMS_CONFIRMED, confirmation, 0, length);
        }
    }

    /** The state of {@code slot} as the record holds it, into the confirmation at {@code field}. */
    private void slotState(final DirectBuffer buffer, final int index, final int slot, final int field) {
        if (slot < 0) {
            return;
        }
        final int items = buffer.getInt(index + Saves.ITEM_COUNT);
        for (int i = 0; i < items; i++) {
            final int at = index + Saves.ITEMS_START + i * Saves.ITEM_ENTRY;
            if (buffer.getShort(at + Saves.ITEM_SLOT) == slot) {
                Inputs.itemsConfirmedSlot(
                        confirmation,
                        field,
                        slot,
                        buffer.getLong(at + Saves.ITEM_ID),
                        buffer.getInt(at + Saves.ITEM_TEMPLATE),
                        buffer.getShort(at + Saves.ITEM_STACK));
                return;
            }
        }
        Inputs.itemsConfirmedSlot(confirmation, field, slot, 0, 0, 0);
    }

    /** An ITEMS_CONFIRMED of {@code action} with no slots, as the saver would send for a record of the player's. */
    private void confirmItems(final long player, final int action) {
        world.onInput(
                Inputs.ITEMS_CONFIRMED,
                confirmation,
                0,
                Inputs.encodeItemsConfirmed(confirmation, 0, player, (int) player, action, 0, 0, world.money(player)));
    }

    /** Item records put in the save log since the last call, as text, each confirmed (or settled) as the saver would. */
    private List<String> confirmAll() {
        final List<String> records = new ArrayList<>();
        final MessageHandler saver = (type, buffer, index, length) -> {
            if (type == Saves.LOOT || type == Saves.ITEMS || type == Saves.TRADE) {
                records.add(text(type, buffer, index));
            }
            confirm(type, buffer, index);
        };
        saves.drain(saver, Integer.MAX_VALUE);
        saves.drain(saver, Integer.MAX_VALUE);
        return records;
    }

    private static String text(final int type, final DirectBuffer buffer, final int index) {
        final StringBuilder line = new StringBuilder();
        final long character = Saves.character(buffer, index);
        if (type == Saves.TRADE) {
            line.append("trade ")
                    .append(character)
                    .append(" with ")
                    .append(buffer.getLong(index + Saves.PARTNER))
                    .append(" copper ")
                    .append(buffer.getLong(index + Saves.COPPER))
                    .append(" gave ")
                    .append(ids(buffer, index + Saves.GIVEN, buffer.getInt(index + Saves.GIVEN_COUNT)))
                    .append(" received ")
                    .append(ids(buffer, index + Saves.RECEIVED, buffer.getInt(index + Saves.RECEIVED_COUNT)));
        } else {
            line.append(type == Saves.LOOT ? "loot " : "items ")
                    .append(character)
                    .append(" action ")
                    .append(buffer.getInt(index + Saves.ACTION))
                    .append(" created ")
                    .append(buffer.getLong(index + Saves.CREATED))
                    .append(" destroyed ")
                    .append(buffer.getLong(index + Saves.DESTROYED))
                    .append(" slots ")
                    .append(buffer.getInt(index + Saves.SLOT_A))
                    .append(',')
                    .append(buffer.getInt(index + Saves.SLOT_B));
        }
        line.append(" held");
        final int items = buffer.getInt(index + Saves.ITEM_COUNT);
        for (int i = 0; i < items; i++) {
            final int at = index + Saves.ITEMS_START + i * Saves.ITEM_ENTRY;
            line.append(' ')
                    .append(buffer.getShort(at + Saves.ITEM_SLOT))
                    .append(':')
                    .append(buffer.getLong(at + Saves.ITEM_ID))
                    .append('/')
                    .append(buffer.getInt(at + Saves.ITEM_TEMPLATE))
                    .append('/')
                    .append(buffer.getShort(at + Saves.ITEM_STACK));
        }
        if (type == Saves.LOOT) {
            line.append(" corpse ")
                    .append(buffer.getLong(index + Saves.CORPSE))
                    .append(" copper ")
                    .append(buffer.getLong(index + Saves.COPPER));
        }
        return line.toString();
    }

    private static List<Long> ids(final DirectBuffer buffer, final int at, final int count) {
        final List<Long> ids = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            ids.add(buffer.getLong(at + 8 * i));
        }
        return ids;
    }

    private static long[] item(final long id, final int template, final int slot, final int count) {
        return new long[] {id, template, slot, count};
    }

    private void join(
            final long player,
            final int characterClass,
            final float x,
            final float y,
            final long money,
            final long[]... items) {
        Inputs.encodeJoin(input, 0, player, x, y, 0f, 0f, 60, 5_000, money, (int) player);
        Inputs.joinOwnership(input, 0, 1, 0, 0);
        Inputs.joinClass(input, 0, characterClass);
        int length = Inputs.JOIN_LENGTH;
        for (int i = 0; i < items.length; i++) {
            length = Inputs.joinItem(input, 0, i, items[i][0], (int) items[i][1], (int) items[i][2], (int) items[i][3]);
        }
        world.onInput(Inputs.PLAYER_JOIN, input, 0, length);
    }

    private void request(
            final long player, final byte opcode, final int a, final int b, final int count, final long value) {
        world.onInput(
                Inputs.ITEM_REQUEST, input, 0, Inputs.encodeItemRequest(input, 0, player, opcode, a, b, count, value));
    }

    private void loot(final long player, final long corpse) {
        world.onInput(Inputs.LOOT, input, 0, Inputs.encodeTarget(input, 0, player, corpse));
    }

    private void kill(final long player, final long creature) {
        world.onInput(Inputs.ATTACK, input, 0, Inputs.encodeTarget(input, 0, player, creature));
        for (int i = 0; i < 20_000 && !world.isDead(creature); i++) {
            runTicks(1);
            final float[] now = world.position(creature);
            moveTo(player, now[0], now[1]);
        }
        assertThat(world.isDead(creature)).isTrue();
    }

    private void runTicks(final int count) {
        for (int i = 0; i < count; i++) {
            world.tick(++tick, 0);
        }
    }

    private void move(final long player, final int sequence, final float x, final float y) {
        world.onInput(Inputs.MOVE, input, 0, Inputs.encodeMove(input, 0, player, sequence, x, y, 0f, 0f, 0));
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

    /** Frames sent to {@code player} since the last call, decoded to text, items and trades included. */
    private List<String> framesTo(final long player) {
        final MessageHandler decode = (type, buffer, index, length) -> {
            final List<String> frames =
                    received.computeIfAbsent(buffer.getLong(index + Outbox.ENTITY_OFFSET), p -> new ArrayList<>());
            assertThat(ServerMessages.decode(
                            buffer,
                            index + Outbox.BODY_OFFSET,
                            length - Outbox.BODY_OFFSET,
                            new FrameText(frames, true)))
                    .isNull();
        };
        outbox.drain(decode, Integer.MAX_VALUE);
        outbox.drain(decode, Integer.MAX_VALUE);
        final List<String> frames = received.getOrDefault(player, List.of());
        received.remove(player);
        return frames;
    }
}
