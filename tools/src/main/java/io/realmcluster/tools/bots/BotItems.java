package io.realmcluster.tools.bots;

import static io.realmcluster.common.items.InventorySlots.BACKPACK_SIZE;
import static io.realmcluster.common.items.InventorySlots.BACKPACK_START;
import static io.realmcluster.common.items.InventorySlots.BAGS;
import static io.realmcluster.common.items.InventorySlots.BAG_SLOTS_START;
import static io.realmcluster.common.items.InventorySlots.COUNT;
import static io.realmcluster.common.items.InventorySlots.EQUIPMENT_END;

import io.realmcluster.common.items.InventorySlots;
import io.realmcluster.common.items.ItemKind;
import io.realmcluster.common.items.ItemTemplate;
import io.realmcluster.common.items.ItemTemplates;
import io.realmcluster.proto.client.ClientProtocol;
import io.realmcluster.proto.client.ItemRefusal;
import io.realmcluster.proto.client.ServerMessages.ItemEntry;
import io.realmcluster.proto.client.ServerMessages.Trade;
import io.realmcluster.proto.client.ServerMessages.TradeEntry;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.random.RandomGenerator;
import org.agrona.DirectBuffer;

/**
 * A bot's items, on its loop's thread: it keeps its slots from INVENTORY and ITEM_SLOTS, and every
 * few seconds does one thing with them, as a player tidying its bags would: puts a bag into an
 * empty bag slot, wears an upgrade its class can wear, merges two stacks of one template now and
 * then, splits one rarely, destroys its least useful item when the bags are nearly full (and one
 * time in {@link #DESTROY_ANYWAY_ONE_IN} anyway), and now and then trades with another player in
 * reach: it opens, puts up one item and some copper, and accepts the version it sees; a bot asked
 * to trade accepts what it sees, sometimes putting up an item of its own. One request at a time:
 * the next waits for the node's answer (ITEM_SLOTS, ITEM_REFUSED, TRADE_STATE) or a timeout, and a
 * refusal holds the bot's items still for {@link #REFUSED_BACKOFF_NANOS}.
 *
 * <p>What it sends goes through {@link Actions}, so that the choices are tested without a node.
 */
final class BotItems {
    /** The shortest wait between two item actions of one bot. */
    static final long ACT_MIN_NANOS = TimeUnit.SECONDS.toNanos(3);
    /** The wait is up to this much longer, uniformly. */
    static final long ACT_SPREAD_NANOS = TimeUnit.SECONDS.toNanos(4);
    /** After a refusal the bot leaves its items alone this long: never a retry in a tight loop. */
    static final long REFUSED_BACKOFF_NANOS = TimeUnit.SECONDS.toNanos(10);
    /** A request unanswered this long is given up (the answer was lost with a redirect, say). */
    static final long ANSWER_TIMEOUT_NANOS = TimeUnit.SECONDS.toNanos(10);
    /** A trade that has not changed this long is cancelled. */
    static final long TRADE_STALL_NANOS = TimeUnit.SECONDS.toNanos(15);
    /**
     * A trade committing this long without TRADE_STATE done is given up by the bot (counted unanswered),
     * so that it walks again; the node settles it, or drops both players, on its own.
     */
    static final long COMMIT_WAIT_NANOS = TimeUnit.SECONDS.toNanos(60);
    /** Bags with this few free slots or fewer are nearly full: the least useful item goes. */
    static final int NEARLY_FULL = 2;
    /** A bot destroys its least useful item one action in this many even with room to spare. */
    static final int DESTROY_ANYWAY_ONE_IN = 25;
    /** The shares of actions that merge two stacks, split one, and start a trade (when there is one to do). */
    static final double MERGE_SHARE = 0.3;

    static final double SPLIT_SHARE = 0.05;
    static final double TRADE_SHARE = 0.2;
    /** The share of trades offered to a bot in which it puts up an item of its own. */
    static final double PUT_BACK_SHARE = 0.3;
    /** What a trade's opener gives at most: this share of its money. */
    static final double MONEY_SHARE = 0.1;
    /** Attack counts this many times health in an item's worth to a bot (a hit lands every two seconds). */
    static final int ATTACK_WORTH = 5;

    /** What a bot sends about its items. */
    interface Actions {
        void move(int fromSlot, int toSlot);

        void split(int fromSlot, int toSlot, int count);

        void destroy(int slot);

        void tradeOpen(long partner);

        void tradePut(int place, int bagSlot);

        void tradeMoney(long copper);

        void tradeAccept(int version);

        void tradeCancel();
    }

    /** The request waiting for the node's answer. */
    enum Pending {
        NONE,
        EQUIP,
        BAG,
        MERGE,
        SPLIT,
        DESTROY
    }

    /** Where the bot's trade is. */
    enum TradeStep {
        NONE,
        /** TRADE_OPEN sent, no TRADE_STATE yet. */
        OPENING,
        OPEN,
        COMMITTING
    }

    private final int characterClass;
    private final RandomGenerator random;
    private final Actions actions;

    private final long[] itemIds = new long[COUNT];
    private final int[] templates = new int[COUNT];
    private final int[] counts = new int[COUNT];
    private boolean known;

    private Pending pending = Pending.NONE;
    private int pendingSlot = -1;
    private long pendingSinceNanos;
    private long nextActionNanos;

    private TradeStep trade = TradeStep.NONE;
    private boolean tradeOpener;
    private long tradePartner;
    private int tradeVersion = -1;
    private int acceptedVersion = -1;
    private long tradeChangedNanos;
    /** The puts this bot means to make in the trade, and what it put so far. */
    private int plannedItems;

    private long plannedMoney;
    private boolean putsSent;
    private boolean cancelSent;
    /** The item ids the partner put up, as the last TRADE_STATE showed them; they arrive with ITEM_SLOTS after done. */
    private final long[] theirItems = new long[ClientProtocol.TRADE_PLACES];

    private int theirCount;
    private int yourCount;
    private boolean expectingTradeItems;

    long looted;
    long equipped;
    long destroyed;
    long merged;
    long split;
    long tradesOpened;
    long tradesCompleted;
    long tradesCancelled;
    long tradesRefused;
    long itemsGiven;
    long itemsReceived;
    long unanswered;
    final Map<ItemRefusal, Long> refusals = new EnumMap<>(ItemRefusal.class);

    BotItems(final int characterClass, final RandomGenerator random, final Actions actions) {
        this.characterClass = characterClass;
        this.random = random;
        this.actions = actions;
    }

    // ---- what the node says ----

    /** INVENTORY: every item the bot holds (on entering each map); an answer in flight is lost with the old map. */
    void inventory(final int count, final DirectBuffer buffer, final int offset, final long now) {
        Arrays.fill(itemIds, 0);
        Arrays.fill(templates, 0);
        Arrays.fill(counts, 0);
        for (int i = 0; i < count; i++) {
            put(buffer, offset + i * ClientProtocol.ITEM_ENTRY_LENGTH);
        }
        known = true;
        pending = Pending.NONE;
        resetTrade();
        nextActionNanos = now + delay();
    }

    /** ITEM_SLOTS: slots changed once durable; new item ids are loot, a split's part, or a trade's. */
    void itemSlots(final int count, final DirectBuffer buffer, final int offset, final long now) {
        boolean answered = false;
        for (int i = 0; i < count; i++) {
            answered |= ItemEntry.slot(buffer, offset + i * ClientProtocol.ITEM_ENTRY_LENGTH) == pendingSlot;
        }
        final boolean splitAnswered = answered && pending == Pending.SPLIT;
        // New ids against what the bot held before this frame: a move lists its slots in any order.
        for (int i = 0; i < count; i++) {
            final long id = ItemEntry.itemId(buffer, offset + i * ClientProtocol.ITEM_ENTRY_LENGTH);
            if (id != 0 && !holds(id)) {
                if (expectingTradeItems && theirs(id)) {
                    itemsReceived++;
                } else if (!splitAnswered) {
                    looted++;
                }
            }
        }
        for (int i = 0; i < count; i++) {
            put(buffer, offset + i * ClientProtocol.ITEM_ENTRY_LENGTH);
        }
        expectingTradeItems = false;
        if (answered && pending != Pending.NONE) {
            switch (pending) {
                case EQUIP, BAG -> equipped++;
                case MERGE -> merged++;
                case SPLIT -> split++;
                case DESTROY -> destroyed++;
                default -> {}
            }
            pending = Pending.NONE;
            pendingSlot = -1;
        }
    }

    /** ITEM_REFUSED: counted by reason; the request is over and the bot's items rest a while. */
    void refused(final int requestOpcode, final ItemRefusal reason, final long now) {
        refusals.merge(reason, 1L, Long::sum);
        switch (requestOpcode) {
            case ClientProtocol.ITEM_MOVE, ClientProtocol.ITEM_SPLIT, ClientProtocol.ITEM_DESTROY -> {
                pending = Pending.NONE;
                pendingSlot = -1;
                nextActionNanos = now + REFUSED_BACKOFF_NANOS;
            }
            case ClientProtocol.TRADE_OPEN -> {
                if (trade == TradeStep.OPENING) {
                    tradesRefused++;
                    resetTrade();
                }
                nextActionNanos = now + REFUSED_BACKOFF_NANOS;
            }
            case ClientProtocol.TRADE_PUT, ClientProtocol.TRADE_MONEY -> {
                // What it could not put is not waited for: it accepts what the trade shows.
                plannedItems = Math.min(plannedItems, yourCount);
                plannedMoney = 0;
            }
            default -> {
                // A LOOT refused (bags full, busy), a TRADE_ACCEPT of a version gone: the next state decides.
            }
        }
    }

    /** TRADE_STATE: the trade as it is now; the bot puts what it means to, then accepts what it sees. */
    void tradeState(final DirectBuffer buffer, final int o, final long money, final long now) {
        final int phase = Trade.phase(buffer, o);
        if (phase == ClientProtocol.TRADE_PHASE_CANCELLED) {
            if (trade != TradeStep.NONE) {
                tradesCancelled++;
            }
            resetTrade();
            return;
        }
        if (phase == ClientProtocol.TRADE_PHASE_DONE) {
            if (trade != TradeStep.NONE) {
                tradesCompleted++;
                itemsGiven += yourCount;
                expectingTradeItems = theirCount > 0;
            }
            resetTrade();
            nextActionNanos = now + delay();
            return;
        }
        yourCount = Trade.yourCount(buffer, o);
        theirCount = Trade.theirCount(buffer, o);
        Arrays.fill(theirItems, 0);
        for (int i = 0; i < yourCount + theirCount; i++) {
            final int at = Trade.entry(o, i);
            if (TradeEntry.side(buffer, at) == ClientProtocol.TRADE_SIDE_THEIRS) {
                theirItems[TradeEntry.place(buffer, at)] = TradeEntry.itemId(buffer, at);
            }
        }
        final int version = Trade.version(buffer, o);
        if (version != tradeVersion) {
            tradeVersion = version;
            tradeChangedNanos = now;
        }
        if (phase == ClientProtocol.TRADE_PHASE_COMMITTING) {
            if (trade != TradeStep.COMMITTING) {
                trade = TradeStep.COMMITTING;
                tradeChangedNanos = now;
            }
            return;
        }
        if (trade == TradeStep.NONE) {
            // Asked to trade: accept what the other side offers, now and then with something back.
            trade = TradeStep.OPEN;
            tradeOpener = false;
            tradePartner = Trade.partner(buffer, o);
            plannedItems = random.nextDouble() < PUT_BACK_SHARE && leastUseful(false) >= 0 ? 1 : 0;
            plannedMoney = 0;
            putsSent = false;
        }
        trade = TradeStep.OPEN;
        if (!putsSent) {
            putsSent = true;
            final int item = plannedItems > 0 ? leastUseful(false) : -1;
            if (item >= 0) {
                actions.tradePut(0, item);
            } else {
                plannedItems = 0;
            }
            if (plannedMoney > 0) {
                actions.tradeMoney(plannedMoney);
            }
            if (item >= 0 || plannedMoney > 0) {
                // Accepted once the trade shows them.
                return;
            }
        }
        final boolean myPartShown = yourCount >= plannedItems && Trade.yourMoney(buffer, o) >= plannedMoney;
        if (myPartShown && !Trade.youAccepted(buffer, o) && version != acceptedVersion) {
            acceptedVersion = version;
            actions.tradeAccept(version);
        }
    }

    // ---- what the bot does ----

    /**
     * At most one item action, when its wait is over and nothing is in flight; {@code partner} is a
     * player in reach to trade with (0: none), {@code sought} whether the bot walked up to him for it
     * (then it trades rather than anything else), {@code money} the bot's copper. On each step of the bot.
     */
    void act(final long now, final long partner, final long money, final boolean sought) {
        if (!known) {
            return;
        }
        if (trade != TradeStep.NONE) {
            if (trade == TradeStep.COMMITTING) {
                if (now - tradeChangedNanos > COMMIT_WAIT_NANOS) {
                    unanswered++;
                    resetTrade();
                }
            } else if (now - tradeChangedNanos > TRADE_STALL_NANOS && !cancelSent) {
                cancelSent = true;
                tradeChangedNanos = now;
                actions.tradeCancel();
            } else if (cancelSent && now - tradeChangedNanos > ANSWER_TIMEOUT_NANOS) {
                // No TRADE_STATE for the cancel: the trade is gone (the map was left, say).
                tradesCancelled++;
                resetTrade();
            }
            return;
        }
        if (pending != Pending.NONE) {
            if (now - pendingSinceNanos > ANSWER_TIMEOUT_NANOS) {
                unanswered++;
                pending = Pending.NONE;
                pendingSlot = -1;
            }
            return;
        }
        if (now - nextActionNanos < 0) {
            return;
        }
        nextActionNanos = now + delay();
        if (partner != 0 && (sought || random.nextDouble() < TRADE_SHARE) && openTrade(partner, money, now)) {
            return;
        }
        decide(now);
    }

    /** The one item action of this turn, if any: in the order a player tidying its bags would. */
    void decide(final long now) {
        final int bag = bagToEquip();
        if (bag >= 0) {
            request(Pending.BAG, bag, now);
            actions.move(bag, emptyBagSlot());
            return;
        }
        final int[] upgrade = upgrade();
        if (upgrade != null) {
            request(Pending.EQUIP, upgrade[0], now);
            actions.move(upgrade[0], upgrade[1]);
            return;
        }
        final boolean nearlyFull = freeBagSlots() <= NEARLY_FULL;
        if (nearlyFull || random.nextInt(DESTROY_ANYWAY_ONE_IN) == 0) {
            final int junk = leastUseful(true);
            if (junk >= 0) {
                request(Pending.DESTROY, junk, now);
                actions.destroy(junk);
                return;
            }
        }
        if (random.nextDouble() < MERGE_SHARE) {
            final int[] merge = merge();
            if (merge != null) {
                request(Pending.MERGE, merge[0], now);
                actions.move(merge[0], merge[1]);
                return;
            }
        }
        if (random.nextDouble() < SPLIT_SHARE) {
            final int stack = splittable();
            final int empty = emptyBagPlace();
            if (stack >= 0 && empty >= 0) {
                request(Pending.SPLIT, stack, now);
                actions.split(stack, empty, counts[stack] / 2);
            }
        }
    }

    private boolean openTrade(final long partner, final long money, final long now) {
        final int item = leastUseful(false);
        final long copper = money > 0 ? 1 + random.nextLong(Math.max(1, (long) (money * MONEY_SHARE))) : 0;
        if (item < 0 && copper == 0) {
            return false;
        }
        tradesOpened++;
        trade = TradeStep.OPENING;
        tradeOpener = true;
        tradePartner = partner;
        tradeChangedNanos = now;
        plannedItems = item >= 0 ? 1 : 0;
        plannedMoney = Math.min(copper, money);
        putsSent = false;
        actions.tradeOpen(partner);
        return true;
    }

    private void request(final Pending what, final int slot, final long now) {
        pending = what;
        pendingSlot = slot;
        pendingSinceNanos = now;
    }

    // ---- choices ----

    /** A bag in the bags when a bag slot is empty: its slot, or -1. */
    int bagToEquip() {
        if (emptyBagSlot() < 0) {
            return -1;
        }
        for (int slot = BACKPACK_START; slot < COUNT; slot++) {
            final ItemTemplate t = template(slot);
            if (t != null && t.kind() == ItemKind.BAG) {
                return slot;
            }
        }
        return -1;
    }

    /** The best upgrade in the bags, as {from bag slot, to equipment slot}, or null. */
    int[] upgrade() {
        int[] best = null;
        int bestGain = 0;
        for (int slot = BACKPACK_START; slot < COUNT; slot++) {
            final ItemTemplate t = template(slot);
            if (t == null || !t.equippable() || t.kind() == ItemKind.BAG || !t.wearableBy(characterClass)) {
                continue;
            }
            for (int target = 0; target < EQUIPMENT_END; target++) {
                if (!t.fits(target)) {
                    continue;
                }
                final int gain = worth(t) - worth(template(target));
                if (gain > bestGain) {
                    bestGain = gain;
                    best = new int[] {slot, target};
                }
            }
        }
        return best;
    }

    /**
     * The bag item worth least to this bot ({@code anyKind}: a bag that holds nothing too; else only
     * what can be traded away), or -1.
     */
    int leastUseful(final boolean anyKind) {
        int least = -1;
        int leastWorth = Integer.MAX_VALUE;
        for (int slot = BACKPACK_START; slot < COUNT; slot++) {
            final ItemTemplate t = template(slot);
            if (t == null || !anyKind && t.kind() == ItemKind.BAG) {
                continue;
            }
            final int worth = usefulness(t, counts[slot]);
            if (worth < leastWorth) {
                leastWorth = worth;
                least = slot;
            }
        }
        return least;
    }

    /** Two stacks of one template with room in the larger: {from the smaller, to the larger}, or null. */
    int[] merge() {
        for (int a = BACKPACK_START; a < COUNT; a++) {
            final ItemTemplate t = template(a);
            if (t == null || t.maxStack() < 2 || counts[a] >= t.maxStack()) {
                continue;
            }
            for (int b = a + 1; b < COUNT; b++) {
                if (templates[b] == templates[a] && itemIds[b] != 0 && counts[b] < t.maxStack()) {
                    return counts[a] <= counts[b] ? new int[] {a, b} : new int[] {b, a};
                }
            }
        }
        return null;
    }

    /** A stack of two or more in the bags, or -1. */
    int splittable() {
        for (int slot = BACKPACK_START; slot < COUNT; slot++) {
            if (itemIds[slot] != 0 && counts[slot] >= 2) {
                return slot;
            }
        }
        return -1;
    }

    /** Free places in the backpack and the equipped bags. */
    int freeBagSlots() {
        int free = 0;
        for (int slot = BACKPACK_START; slot < COUNT; slot++) {
            if (itemIds[slot] == 0 && exists(slot)) {
                free++;
            }
        }
        return free;
    }

    /** The first free place in the backpack or the equipped bags, or -1. */
    int emptyBagPlace() {
        for (int slot = BACKPACK_START; slot < COUNT; slot++) {
            if (itemIds[slot] == 0 && exists(slot)) {
                return slot;
            }
        }
        return -1;
    }

    private int emptyBagSlot() {
        for (int slot = BAG_SLOTS_START; slot < BAG_SLOTS_START + BAGS; slot++) {
            if (itemIds[slot] == 0) {
                return slot;
            }
        }
        return -1;
    }

    /** Whether a bag place exists: the backpack's, or inside an equipped bag within its size. */
    private boolean exists(final int slot) {
        if (slot < BACKPACK_START + BACKPACK_SIZE) {
            return true;
        }
        final ItemTemplate bag = template(BAG_SLOTS_START + InventorySlots.bagOf(slot));
        return bag != null && InventorySlots.placeInBag(slot) < bag.bagSize();
    }

    /** What wearing {@code t} adds, to this bot; 0 for nothing worn. */
    static int worth(final ItemTemplate t) {
        return t == null ? 0 : t.attackBonus() * ATTACK_WORTH + t.healthBonus();
    }

    /** How much a bag item is worth keeping: gear by what it would add, a bag by its size, a stack by its count. */
    private int usefulness(final ItemTemplate t, final int count) {
        return switch (t.kind()) {
            case WEAPON, ARMOR -> t.wearableBy(characterClass) ? 10 + worth(t) : 0;
            case BAG -> 50 + t.bagSize();
            case MARK -> 1_000 + count;
            default -> 1 + count;
        };
    }

    // ---- state ----

    private void put(final DirectBuffer buffer, final int at) {
        final int slot = ItemEntry.slot(buffer, at);
        if (slot >= COUNT) {
            return;
        }
        itemIds[slot] = ItemEntry.itemId(buffer, at);
        templates[slot] = itemIds[slot] == 0 ? 0 : ItemEntry.template(buffer, at);
        counts[slot] = itemIds[slot] == 0 ? 0 : ItemEntry.count(buffer, at);
    }

    private boolean holds(final long id) {
        for (final long held : itemIds) {
            if (held == id) {
                return true;
            }
        }
        return false;
    }

    private boolean theirs(final long id) {
        for (int i = 0; i < theirItems.length; i++) {
            if (theirItems[i] == id) {
                return true;
            }
        }
        return false;
    }

    private ItemTemplate template(final int slot) {
        return itemIds[slot] == 0 ? null : ItemTemplates.byId(templates[slot]);
    }

    private void resetTrade() {
        trade = TradeStep.NONE;
        tradeOpener = false;
        tradePartner = 0;
        tradeVersion = -1;
        acceptedVersion = -1;
        plannedItems = 0;
        plannedMoney = 0;
        putsSent = false;
        cancelSent = false;
        yourCount = 0;
        theirCount = 0;
        // theirItems stay: a done trade's arrive with the ITEM_SLOTS after it.
    }

    private long delay() {
        return ACT_MIN_NANOS + (long) (random.nextDouble() * ACT_SPREAD_NANOS);
    }

    /** Whether the bot is in a trade (it stands still for it). */
    boolean trading() {
        return trade != TradeStep.NONE;
    }

    /** Whether the bot holds its inventory (INVENTORY came). */
    boolean known() {
        return known;
    }

    /** Items the bot holds now: every occupied slot. */
    int held() {
        int held = 0;
        for (final long id : itemIds) {
            if (id != 0) {
                held++;
            }
        }
        return held;
    }

    TradeStep tradeStep() {
        return trade;
    }

    long tradePartner() {
        return tradePartner;
    }

    boolean tradeOpener() {
        return tradeOpener;
    }

    /** The bot left the world (a redirect, a logout): its trade and any answer in flight end with it. */
    void leftWorld() {
        if (trade != TradeStep.NONE) {
            tradesCancelled++;
        }
        resetTrade();
        pending = Pending.NONE;
        pendingSlot = -1;
        known = false;
    }
}
