package io.realmcluster.tools.bots;

import static io.realmcluster.common.items.InventorySlots.BACKPACK_START;
import static io.realmcluster.common.items.InventorySlots.BAG_SLOTS_START;
import static io.realmcluster.common.items.InventorySlots.CHEST;
import static io.realmcluster.common.items.InventorySlots.FINGER_1;
import static io.realmcluster.common.items.InventorySlots.FINGER_2;
import static io.realmcluster.common.items.InventorySlots.MAIN_HAND;
import static org.assertj.core.api.Assertions.assertThat;

import io.realmcluster.common.items.CharacterClasses;
import io.realmcluster.common.items.InventorySlots;
import io.realmcluster.proto.client.ClientProtocol;
import io.realmcluster.proto.client.ItemRefusal;
import io.realmcluster.proto.client.ServerMessages;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.random.RandomGenerator;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

/** A bot's choices with its items, without a node: upgrades, bags, destroys, stacks, and trades step by step. */
class BotItemsTest {
    private static final int WORN_SHORTSWORD = 25; // swords, attack 4
    private static final int GLADIUS = 2488; // swords, attack 10
    private static final int HEARTSEEKER = 12783; // daggers, attack 18: not for a paladin
    private static final int LOOSE_CHAIN_VEST = 2653; // mail chest, health 18
    private static final int TATTERED_CLOTH_VEST = 193; // cloth chest, health 10
    private static final int MINDBENDER_LOOP = 5009; // ring, attack 2, health 10
    private static final int LINEN_CLOTH = 2589; // stacks of 20
    private static final int COPPER_ORE = 2770; // stacks of 10
    private static final int LINEN_BAG = 4238; // 6 slots
    private static final int WARSONG_MARK = 20558;
    private static final long SECOND = TimeUnit.SECONDS.toNanos(1);

    private final List<String> sent = new ArrayList<>();
    private final BotItems.Actions actions = new BotItems.Actions() {
        @Override
        public void move(final int fromSlot, final int toSlot) {
            sent.add("move " + fromSlot + " " + toSlot);
        }

        @Override
        public void split(final int fromSlot, final int toSlot, final int count) {
            sent.add("split " + fromSlot + " " + toSlot + " " + count);
        }

        @Override
        public void destroy(final int slot) {
            sent.add("destroy " + slot);
        }

        @Override
        public void tradeOpen(final long partner) {
            sent.add("open " + partner);
        }

        @Override
        public void tradePut(final int place, final int bagSlot) {
            sent.add("put " + place + " " + bagSlot);
        }

        @Override
        public void tradeMoney(final long copper) {
            sent.add("money " + copper);
        }

        @Override
        public void tradeAccept(final int version) {
            sent.add("accept " + version);
        }

        @Override
        public void tradeCancel() {
            sent.add("cancel");
        }
    };
    private final UnsafeBuffer buffer = new UnsafeBuffer(new byte[ClientProtocol.MAX_BODY]);
    private long nextItemId = 100;

    @Test
    void aBetterWeaponTheClassCanWieldIsEquippedAndOneItCannotIsNot() {
        final BotItems items = items(CharacterClasses.PALADIN, 0.99);
        inventory(
                items,
                slot(MAIN_HAND, WORN_SHORTSWORD, 1),
                slot(BACKPACK_START, HEARTSEEKER, 1),
                slot(BACKPACK_START + 1, GLADIUS, 1));

        assertThat(items.upgrade()).as("a paladin cannot wield daggers").containsExactly(BACKPACK_START + 1, MAIN_HAND);
        items.decide(0);
        assertThat(sent).containsExactly("move " + (BACKPACK_START + 1) + " " + MAIN_HAND);
    }

    @Test
    void armourIsAnUpgradeOnlyWithMoreHealthAndARingTakesTheFreeFinger() {
        final BotItems items = items(CharacterClasses.WARRIOR, 0.99);
        inventory(
                items,
                slot(CHEST, LOOSE_CHAIN_VEST, 1),
                slot(FINGER_1, MINDBENDER_LOOP, 1),
                slot(BACKPACK_START, TATTERED_CLOTH_VEST, 1),
                slot(BACKPACK_START + 1, MINDBENDER_LOOP, 1));

        assertThat(items.upgrade()).containsExactly(BACKPACK_START + 1, FINGER_2);
        clear(items, FINGER_1);
        clear(items, BACKPACK_START + 1);
        assertThat(items.upgrade())
                .as("a cloth vest is worse than the chain one worn")
                .isNull();
    }

    @Test
    void aBagGoesIntoAnEmptyBagSlotFirstAndAddsItsPlaces() {
        final BotItems items = items(CharacterClasses.WARRIOR, 0.99);
        inventory(items, slotWithId(BACKPACK_START + 3, 500, LINEN_BAG, 1), slot(BACKPACK_START, GLADIUS, 1));
        assertThat(items.freeBagSlots()).isEqualTo(InventorySlots.BACKPACK_SIZE - 2);

        items.decide(0);

        assertThat(sent).containsExactly("move " + (BACKPACK_START + 3) + " " + BAG_SLOTS_START);
        slots(items, slot(BACKPACK_START + 3, 0, 0), slotWithId(BAG_SLOTS_START, 500, LINEN_BAG, 1));
        assertThat(items.equipped).isEqualTo(1);
        assertThat(items.looted).as("the bag moved: no new item").isZero();
        assertThat(items.freeBagSlots()).isEqualTo(InventorySlots.BACKPACK_SIZE - 1 + 6);
    }

    @Test
    void nearlyFullBagsLoseTheLeastUsefulItemButNeverAMark() {
        final BotItems items = items(CharacterClasses.WARRIOR, 0.99);
        final List<int[]> full = new ArrayList<>();
        for (int place = 0; place < InventorySlots.BACKPACK_SIZE - 1; place++) {
            full.add(slot(BACKPACK_START + place, WARSONG_MARK, 3));
        }
        full.set(5, slot(BACKPACK_START + 5, COPPER_ORE, 2));
        full.set(9, slot(BACKPACK_START + 9, LINEN_CLOTH, 7));
        full.set(11, slot(BACKPACK_START + 11, GLADIUS, 1)); // worn already: not an upgrade
        full.add(slot(MAIN_HAND, GLADIUS, 1));
        inventory(items, full.toArray(int[][]::new));

        items.decide(0);

        assertThat(sent).containsExactly("destroy " + (BACKPACK_START + 5));
        slots(items, slot(BACKPACK_START + 5, 0, 0));
        assertThat(items.destroyed).isEqualTo(1);
    }

    @Test
    void twoStacksOfOneTemplateMergeOntoTheLargerAndABigStackSplitsIntoAFreePlace() {
        final BotItems merging = items(CharacterClasses.WARRIOR, 0.0);
        inventory(merging, slot(BACKPACK_START, LINEN_CLOTH, 12), slot(BACKPACK_START + 4, LINEN_CLOTH, 3));
        assertThat(merging.merge()).containsExactly(BACKPACK_START + 4, BACKPACK_START);
        assertThat(merging.splittable()).isEqualTo(BACKPACK_START);
        assertThat(merging.emptyBagPlace()).isEqualTo(BACKPACK_START + 1);

        final BotItems full = items(CharacterClasses.WARRIOR, 0.0);
        inventory(full, slot(BACKPACK_START, LINEN_CLOTH, 20), slot(BACKPACK_START + 4, LINEN_CLOTH, 3));
        assertThat(full.merge()).as("a full stack takes no more").isNull();
    }

    @Test
    void oneRequestAtATimeAndARefusalIsCountedAndWaitedOut() {
        final BotItems items = items(CharacterClasses.WARRIOR, 0.99);
        inventory(items, slot(MAIN_HAND, WORN_SHORTSWORD, 1), slot(BACKPACK_START, GLADIUS, 1));
        long now = 10 * SECOND;
        items.act(now, 0, 0, false);
        assertThat(sent).containsExactly("move " + BACKPACK_START + " " + MAIN_HAND);

        for (int i = 0; i < 100; i++) {
            now += SECOND / 20;
            items.act(now, 0, 0, false);
        }
        assertThat(sent).as("waiting for the answer").hasSize(1);

        items.refused(ClientProtocol.ITEM_MOVE, ItemRefusal.BUSY, now);
        for (int i = 0; i < 150; i++) {
            now += SECOND / 20;
            items.act(now, 0, 0, false);
        }
        assertThat(sent).as("resting after the refusal").hasSize(1);
        assertThat(items.refusals).isEqualTo(Map.of(ItemRefusal.BUSY, 1L));

        now += BotItems.REFUSED_BACKOFF_NANOS;
        items.act(now, 0, 0, false);
        assertThat(sent).hasSize(2).last().isEqualTo("move " + BACKPACK_START + " " + MAIN_HAND);
    }

    @Test
    void aTradeOpensPutsOneItemAndCopperThenAcceptsTheVersionThatShowsThem() {
        final BotItems items = items(CharacterClasses.WARRIOR, 0.0);
        inventory(items, slot(BACKPACK_START, LINEN_CLOTH, 4), slot(BACKPACK_START + 1, GLADIUS, 1));
        final long now = 10 * SECOND;

        items.act(now, 77, 500, false);
        assertThat(sent).containsExactly("open 77");
        assertThat(items.trading()).isTrue();

        tradeState(items, 1, ClientProtocol.TRADE_PHASE_OPEN, false, 0, new long[0], new long[0], now);
        assertThat(sent).containsExactly("open 77", "put 0 " + BACKPACK_START, "money 1");
        tradeState(items, 2, ClientProtocol.TRADE_PHASE_OPEN, false, 0, new long[] {900}, new long[0], now);
        assertThat(sent).as("its money is not shown yet").hasSize(3);
        tradeState(items, 3, ClientProtocol.TRADE_PHASE_OPEN, false, 1, new long[] {900}, new long[0], now);
        assertThat(sent).last().isEqualTo("accept 3");
        tradeState(items, 3, ClientProtocol.TRADE_PHASE_OPEN, true, 1, new long[] {900}, new long[0], now);
        assertThat(sent).as("one accept per version").hasSize(4);
        tradeState(items, 3, ClientProtocol.TRADE_PHASE_COMMITTING, true, 1, new long[] {900}, new long[0], now);
        tradeState(items, 3, ClientProtocol.TRADE_PHASE_DONE, true, 1, new long[] {900}, new long[0], now);

        assertThat(items.trading()).isFalse();
        assertThat(items.tradesOpened).isEqualTo(1);
        assertThat(items.tradesCompleted).isEqualTo(1);
        assertThat(items.itemsGiven).isEqualTo(1);
    }

    @Test
    void aPlayerInReachIsATradeNowAndThenButOneWalkedUpToIsOneNow() {
        final BotItems items = items(CharacterClasses.WARRIOR, 0.99);
        inventory(items, slot(BACKPACK_START, LINEN_CLOTH, 4));
        final long now = 10 * SECOND;

        items.act(now, 77, 500, false);
        assertThat(items.trading())
                .as("the coin said no: it tidies its bags instead")
                .isFalse();
        items.act(now + BotItems.ACT_MIN_NANOS + BotItems.ACT_SPREAD_NANOS, 77, 500, true);
        assertThat(sent).containsExactly("open 77");
    }

    @Test
    void aBotAskedToTradeAcceptsWhatItSeesAndCountsWhatItReceives() {
        final BotItems items = items(CharacterClasses.WARRIOR, 0.99);
        inventory(items, slot(BACKPACK_START, LINEN_CLOTH, 4));
        final long now = 10 * SECOND;

        tradeState(items, 1, ClientProtocol.TRADE_PHASE_OPEN, false, 0, new long[0], new long[0], now);
        assertThat(sent)
                .as("nothing offered yet, nothing put back (random 0.99)")
                .containsExactly("accept 1");
        tradeState(items, 2, ClientProtocol.TRADE_PHASE_OPEN, false, 0, new long[0], new long[] {555}, now);
        assertThat(sent).last().isEqualTo("accept 2");
        tradeState(items, 2, ClientProtocol.TRADE_PHASE_DONE, true, 0, new long[0], new long[] {555}, now);
        slots(items, slotWithId(BACKPACK_START + 1, 555, GLADIUS, 1));

        assertThat(items.tradesCompleted).isEqualTo(1);
        assertThat(items.itemsReceived).isEqualTo(1);
        assertThat(items.looted).as("a traded item is not loot").isZero();
        assertThat(items.held()).isEqualTo(2);
    }

    @Test
    void aTradeWithoutProgressIsCancelledAndARefusedOpenIsCounted() {
        final BotItems items = items(CharacterClasses.WARRIOR, 0.0);
        inventory(items, slot(BACKPACK_START, LINEN_CLOTH, 4));
        long now = 10 * SECOND;
        items.act(now, 77, 0, false);
        tradeState(items, 1, ClientProtocol.TRADE_PHASE_OPEN, false, 0, new long[0], new long[0], now);

        now += BotItems.TRADE_STALL_NANOS + SECOND;
        items.act(now, 0, 0, false);
        assertThat(sent).last().isEqualTo("cancel");
        tradeState(items, 1, ClientProtocol.TRADE_PHASE_CANCELLED, false, 0, new long[0], new long[0], now);
        assertThat(items.tradesCancelled).isEqualTo(1);
        assertThat(items.trading()).isFalse();

        now += BotItems.ACT_MIN_NANOS + BotItems.ACT_SPREAD_NANOS;
        items.act(now, 78, 0, false);
        assertThat(sent).last().isEqualTo("open 78");
        items.refused(ClientProtocol.TRADE_OPEN, ItemRefusal.ALREADY_TRADING, now);
        assertThat(items.tradesRefused).isEqualTo(1);
        assertThat(items.trading()).isFalse();
        items.act(now + SECOND, 78, 0, false);
        assertThat(sent).as("no new try before the rest is over").last().isEqualTo("open 78");
        assertThat(sent).filteredOn(s -> s.startsWith("open")).hasSize(2);
    }

    @Test
    void aTradeCommittingWithoutAnEndIsGivenUpAfterAWhileSoThatTheBotWalksAgain() {
        final BotItems items = items(CharacterClasses.WARRIOR, 0.99);
        inventory(items, slot(BACKPACK_START, LINEN_CLOTH, 4));
        long now = 10 * SECOND;
        tradeState(items, 1, ClientProtocol.TRADE_PHASE_OPEN, false, 0, new long[0], new long[0], now);
        now += SECOND;
        tradeState(items, 1, ClientProtocol.TRADE_PHASE_COMMITTING, true, 0, new long[0], new long[0], now);

        now += BotItems.TRADE_STALL_NANOS + SECOND;
        items.act(now, 0, 0, false);
        assertThat(items.trading())
                .as("committing: nothing to cancel, it waits")
                .isTrue();
        assertThat(sent).doesNotContain("cancel");

        now += BotItems.COMMIT_WAIT_NANOS;
        items.act(now, 0, 0, false);
        assertThat(items.trading()).isFalse();
        assertThat(items.unanswered).isEqualTo(1);
    }

    @Test
    void theReportSumsTheBotsItemsIntoOneLine() {
        final BotItems items = items(CharacterClasses.WARRIOR, 0.99);
        inventory(items, slot(BACKPACK_START, LINEN_CLOTH, 4));
        slots(items, slot(BACKPACK_START + 1, COPPER_ORE, 2));
        items.refused(ClientProtocol.ITEM_DESTROY, ItemRefusal.BUSY, 0);
        final BotReport.Items sum = BotReport.Items.NONE.plus(items).plus(items);

        assertThat(sum.looted()).isEqualTo(2);
        assertThat(sum.held()).isEqualTo(4);
        assertThat(sum.holders()).isEqualTo(2);
        assertThat(sum.line())
                .startsWith("bots: items: 2 looted, 0 equipped")
                .contains("4 items held at the end by 2 bots; refused: busy 2");
        assertThat(BotReport.Items.NONE.line()).isNull();
    }

    private BotItems items(final int characterClass, final double randomValue) {
        return new BotItems(characterClass, new FixedRandom(randomValue), actions);
    }

    private int[] slot(final int slot, final int template, final int count) {
        return new int[] {slot, template, count};
    }

    private int[] slotWithId(final int slot, final long id, final int template, final int count) {
        return new int[] {slot, template, count, (int) id};
    }

    private void inventory(final BotItems items, final int[]... slots) {
        final int at = write(slots);
        items.inventory(slots.length, buffer, at, 0);
    }

    private void slots(final BotItems items, final int[]... slots) {
        final int at = write(slots);
        items.itemSlots(slots.length, buffer, at, 0);
    }

    private void clear(final BotItems items, final int slot) {
        slots(items, slot(slot, 0, 0));
    }

    private int write(final int[][] slots) {
        for (int i = 0; i < slots.length; i++) {
            final int[] s = slots[i];
            final long id = s[1] == 0 ? 0 : s.length > 3 ? s[3] : nextItemId++;
            ServerMessages.ItemEntry.write(buffer, i * ClientProtocol.ITEM_ENTRY_LENGTH, s[0], id, s[1], s[2]);
        }
        return 0;
    }

    private void tradeState(
            final BotItems items,
            final int version,
            final int phase,
            final boolean youAccepted,
            final long yourMoney,
            final long[] yours,
            final long[] theirs,
            final long now) {
        final int o = 0;
        ServerMessages.tradeState(
                buffer, o, version, 77, phase, youAccepted, false, yourMoney, 0, yours.length, theirs.length, null);
        int i = 0;
        for (int place = 0; place < yours.length; place++) {
            ServerMessages.TradeEntry.write(
                    buffer,
                    ServerMessages.Trade.entry(o, i++),
                    ClientProtocol.TRADE_SIDE_YOURS,
                    place,
                    yours[place],
                    LINEN_CLOTH,
                    1);
        }
        for (int place = 0; place < theirs.length; place++) {
            ServerMessages.TradeEntry.write(
                    buffer,
                    ServerMessages.Trade.entry(o, i++),
                    ClientProtocol.TRADE_SIDE_THEIRS,
                    place,
                    theirs[place],
                    GLADIUS,
                    1);
        }
        items.tradeState(buffer, o, 500, now);
    }

    /** Random numbers that are always the same: a bot's coin always lands one way. */
    private static final class FixedRandom implements RandomGenerator {
        private final double value;

        FixedRandom(final double value) {
            this.value = value;
        }

        @Override
        public long nextLong() {
            return (long) (value * Long.MAX_VALUE);
        }

        @Override
        public double nextDouble() {
            return value;
        }

        @Override
        public int nextInt(final int bound) {
            return (int) (value * bound);
        }

        @Override
        public long nextLong(final long bound) {
            return (long) (value * bound);
        }
    }
}
