package io.realmcluster.dataplane.world;

import io.realmcluster.dataplane.pipeline.Inputs;
import io.realmcluster.dataplane.pipeline.Outbox;
import io.realmcluster.dataplane.store.CharacterKey;
import io.realmcluster.dataplane.transfer.Failpoints;
import io.realmcluster.proto.client.ClientProtocol;
import io.realmcluster.proto.client.ItemRefusal;
import io.realmcluster.proto.client.ServerMessages;
import java.util.Arrays;
import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;

/**
 * The map's trades, in a preallocated table (docs/architecture.md, "Items", Trades): two players of one
 * realm within {@link #RANGE} yards open one; each puts up to {@link #PLACES} bag items and money, every
 * change raising the version and clearing both accepts; once both accepted the version they saw and
 * neither has an item record unconfirmed, the map moves the items and money in its arrays and writes the
 * two TRADE halves together (a full log: neither, and it tries again next tick). From then until the saver
 * settles it the trade is committing: both players are locked. An open trade is cancelled by either
 * side, by walking apart, by a departure or by leaving the map. The tick thread only; allocates nothing.
 */
final class Trades {
    /** How far apart two players may trade, in yards. */
    static final float RANGE = 10f;

    static final int PLACES = ClientProtocol.TRADE_PLACES;
    private static final byte FREE = 0;
    private static final byte OPEN = 1;
    private static final byte COMMITTING = 2;

    private final EntityTable entities;
    private final PlayerTable players;
    private final Inventory inventory;
    private final Persistence persistence;
    private final Outbox outbox;
    private final int handle;

    private final byte[] state;
    private final int[] version;
    /** Per trade and side (index {@code 2 t + side}): the player's entity slot and id, its accept, its money. */
    private final int[] slot;

    private final long[] entity;
    private final boolean[] accepted;
    private final long[] money;
    /** Money each side holds after the exchange, shown once it settled; and whether that side settled. */
    private final long[] moneyAfter;

    private final boolean[] settled;
    private final long[] tradeSeq;
    /** Per trade, side and place (index {@code (2 t + side) PLACES + place}): the bag slot put up (-1 none), its item. */
    private final int[] placeSlot;

    private final long[] placeItem;
    private final int[] placeTemplate;
    private final int[] placeCount;
    /** Where each place's item went in the other side's bags once committed. */
    private final int[] receivedSlot;

    private long nextSeq;
    private long completed;
    private long cancelled;

    Trades(
            final int maxPlayers,
            final EntityTable entities,
            final PlayerTable players,
            final Inventory inventory,
            final Persistence persistence,
            final Outbox outbox,
            final int handle) {
        this.entities = entities;
        this.players = players;
        this.inventory = inventory;
        this.persistence = persistence;
        this.outbox = outbox;
        this.handle = handle;
        final int trades = maxPlayers / 2 + 1;
        state = new byte[trades];
        version = new int[trades];
        tradeSeq = new long[trades];
        slot = new int[2 * trades];
        entity = new long[2 * trades];
        accepted = new boolean[2 * trades];
        money = new long[2 * trades];
        moneyAfter = new long[2 * trades];
        settled = new boolean[2 * trades];
        placeSlot = new int[2 * trades * PLACES];
        Arrays.fill(placeSlot, -1);
        placeItem = new long[2 * trades * PLACES];
        placeTemplate = new int[2 * trades * PLACES];
        placeCount = new int[2 * trades * PLACES];
        receivedSlot = new int[2 * trades * PLACES];
    }

    /** A trade request of the player in {@code at}; returns why it was refused, or null. */
    ItemRefusal request(
            final int at, final byte opcode, final int a, final int b, final DirectBuffer buffer, final int offset) {
        final int player = players.indexOf(at);
        if (opcode == ClientProtocol.TRADE_OPEN) {
            return open(at, buffer.getLong(offset + Inputs.REQUEST_VALUE));
        }
        final int t = players.trade[player];
        if (t == PlayerTable.NO_TRADE) {
            return ItemRefusal.NOT_TRADING;
        }
        if (state[t] != OPEN) {
            return ItemRefusal.BUSY;
        }
        final int side = players.tradeSide[player];
        return switch (opcode) {
            case ClientProtocol.TRADE_PUT -> put(t, side, player, a, b);
            case ClientProtocol.TRADE_MONEY -> money(t, side, at, buffer.getLong(offset + Inputs.REQUEST_VALUE));
            case ClientProtocol.TRADE_ACCEPT -> accept(t, side, buffer.getInt(offset + Inputs.REQUEST_COUNT));
            case ClientProtocol.TRADE_CANCEL -> {
                cancel(t, null);
                yield null;
            }
            default -> ItemRefusal.UNKNOWN;
        };
    }

    private ItemRefusal open(final int at, final long targetId) {
        final int player = players.indexOf(at);
        if (players.trade[player] != PlayerTable.NO_TRADE) {
            return ItemRefusal.ALREADY_TRADING;
        }
        if (players.departing[player] != PlayerTable.STAYING || players.locked[player]) {
            return ItemRefusal.BUSY;
        }
        final int other = entities.playerSlot(targetId);
        if (other == EntityTable.NONE || other == at) {
            return ItemRefusal.NOT_HERE;
        }
        final int otherPlayer = players.indexOf(other);
        if (players.departing[otherPlayer] != PlayerTable.STAYING) {
            return ItemRefusal.NOT_HERE;
        }
        if (CharacterKey.realmIndex(entities.id[at]) != CharacterKey.realmIndex(targetId)) {
            return ItemRefusal.OTHER_REALM;
        }
        if (entities.distance(at, other) > RANGE) {
            return ItemRefusal.OUT_OF_RANGE;
        }
        if (players.trade[otherPlayer] != PlayerTable.NO_TRADE) {
            return ItemRefusal.ALREADY_TRADING;
        }
        int t = 0;
        while (t < state.length && state[t] != FREE) {
            t++;
        }
        if (t == state.length) {
            return ItemRefusal.BUSY;
        }
        state[t] = OPEN;
        version[t] = 1;
        tradeSeq[t] = 0;
        join(t, 0, at);
        join(t, 1, other);
        tell(t);
        return null;
    }

    private void join(final int t, final int side, final int at) {
        final int s = 2 * t + side;
        slot[s] = at;
        entity[s] = entities.id[at];
        accepted[s] = false;
        money[s] = 0;
        moneyAfter[s] = 0;
        settled[s] = false;
        for (int p = 0; p < PLACES; p++) {
            placeSlot[s * PLACES + p] = -1;
            receivedSlot[s * PLACES + p] = -1;
        }
        final int player = players.indexOf(at);
        players.trade[player] = t;
        players.tradeSide[player] = side;
    }

    private ItemRefusal put(final int t, final int side, final int player, final int place, final int bagSlot) {
        if (place >= PLACES) {
            return ItemRefusal.WRONG_SLOT;
        }
        final int p = (2 * t + side) * PLACES + place;
        if (bagSlot == ClientProtocol.TRADE_PUT_EMPTY) {
            placeSlot[p] = -1;
            changed(t);
            return null;
        }
        if (!Inventory.bagged(bagSlot) || !inventory.usable(player, bagSlot)) {
            return ItemRefusal.WRONG_SLOT;
        }
        final int i = Inventory.at(player, bagSlot);
        if (inventory.itemId[i] == 0) {
            return ItemRefusal.NO_SUCH_ITEM;
        }
        if (offered(player, bagSlot)) {
            return ItemRefusal.WRONG_SLOT;
        }
        placeSlot[p] = bagSlot;
        placeItem[p] = inventory.itemId[i];
        placeTemplate[p] = inventory.template[i];
        placeCount[p] = inventory.count[i];
        changed(t);
        return null;
    }

    private ItemRefusal money(final int t, final int side, final int at, final long copper) {
        if (copper < 0 || copper > entities.money[at]) {
            return ItemRefusal.NOT_ENOUGH_MONEY;
        }
        money[2 * t + side] = copper;
        changed(t);
        return null;
    }

    private ItemRefusal accept(final int t, final int side, final int seen) {
        if (seen != version[t]) {
            return ItemRefusal.TRADE_CHANGED;
        }
        accepted[2 * t + side] = true;
        tell(t);
        return null;
    }

    private void changed(final int t) {
        version[t]++;
        accepted[2 * t] = false;
        accepted[2 * t + 1] = false;
        tell(t);
    }

    /** Whether {@code bagSlot} of {@code player} is put up in its open trade (it may not change meanwhile). */
    boolean offered(final int player, final int bagSlot) {
        final int t = players.trade[player];
        if (t == PlayerTable.NO_TRADE) {
            return false;
        }
        final int base = (2 * t + players.tradeSide[player]) * PLACES;
        for (int p = 0; p < PLACES; p++) {
            if (placeSlot[base + p] == bagSlot) {
                return true;
            }
        }
        return false;
    }

    /** Each tick: open trades whose players walked apart end; accepted ones commit when they can. */
    void tick() {
        for (int t = 0; t < state.length; t++) {
            if (state[t] != OPEN) {
                continue;
            }
            if (entities.distance(slot[2 * t], slot[2 * t + 1]) > RANGE) {
                cancel(t, ItemRefusal.OUT_OF_RANGE);
            } else if (accepted[2 * t]
                    && accepted[2 * t + 1]
                    && players.pendingItemSaves[players.indexOf(slot[2 * t])] == 0
                    && players.pendingItemSaves[players.indexOf(slot[2 * t + 1])] == 0) {
                commit(t);
            }
        }
    }

    /**
     * Both accepted and nothing of theirs is unsaved: move the items and money in the arrays, then write both
     * halves; the bags of a side that cannot take what it receives cancel the trade, a full log undoes the
     * move (the trade waits a tick).
     */
    private void commit(final int t) {
        final int a = players.indexOf(slot[2 * t]);
        final int b = players.indexOf(slot[2 * t + 1]);
        if (money[2 * t] > entities.money[slot[2 * t]] || money[2 * t + 1] > entities.money[slot[2 * t + 1]]) {
            cancel(t, ItemRefusal.NOT_ENOUGH_MONEY);
            return;
        }
        // Take each side's items out of its bags, then place what it receives in its first free slots.
        take(t, 0, a);
        take(t, 1, b);
        if (!give(t, 0, b) || !give(t, 1, a)) {
            undo(t, a, b);
            cancel(t, ItemRefusal.BAGS_FULL);
            return;
        }
        Failpoints.reach(Failpoints.TRADE_AFTER_ACCEPT);
        final long gainedA = money[2 * t + 1] - money[2 * t];
        entities.money[slot[2 * t]] += gainedA;
        entities.money[slot[2 * t + 1]] -= gainedA;
        final long seq = (long) handle << 32 | (++nextSeq & 0xFFFF_FFFFL);
        if (!persistence.saveTrade(this, t, seq)) {
            entities.money[slot[2 * t]] -= gainedA;
            entities.money[slot[2 * t + 1]] += gainedA;
            undo(t, a, b);
            return;
        }
        tradeSeq[t] = seq;
        moneyAfter[2 * t] = entities.money[slot[2 * t]];
        moneyAfter[2 * t + 1] = entities.money[slot[2 * t + 1]];
        state[t] = COMMITTING;
        players.locked[a] = true;
        players.locked[b] = true;
        tell(t);
    }

    private void take(final int t, final int side, final int player) {
        final int base = (2 * t + side) * PLACES;
        for (int p = 0; p < PLACES; p++) {
            if (placeSlot[base + p] >= 0) {
                inventory.clear(player, placeSlot[base + p]);
            }
        }
    }

    /** Place side {@code side}'s items in {@code receiver}'s first free slots; false when they do not all fit. */
    private boolean give(final int t, final int side, final int receiver) {
        final int base = (2 * t + side) * PLACES;
        for (int p = 0; p < PLACES; p++) {
            receivedSlot[base + p] = -1;
        }
        for (int p = 0; p < PLACES; p++) {
            if (placeSlot[base + p] < 0) {
                continue;
            }
            final int to = inventory.firstFree(receiver);
            if (to < 0) {
                return false;
            }
            inventory.put(receiver, to, placeItem[base + p], placeTemplate[base + p], placeCount[base + p]);
            receivedSlot[base + p] = to;
        }
        return true;
    }

    /** Put every item back where it was before {@link #take} and {@link #give}. */
    private void undo(final int t, final int a, final int b) {
        for (int side = 0; side < 2; side++) {
            final int receiver = side == 0 ? b : a;
            final int giver = side == 0 ? a : b;
            final int base = (2 * t + side) * PLACES;
            for (int p = 0; p < PLACES; p++) {
                if (receivedSlot[base + p] >= 0) {
                    inventory.clear(receiver, receivedSlot[base + p]);
                    receivedSlot[base + p] = -1;
                }
            }
            for (int p = 0; p < PLACES; p++) {
                if (placeSlot[base + p] >= 0) {
                    inventory.put(
                            giver,
                            placeSlot[base + p],
                            placeItem[base + p],
                            placeTemplate[base + p],
                            placeCount[base + p]);
                }
            }
        }
    }

    /** The entity slot of side {@code side} of trade {@code t}. */
    int playerSlot(final int t, final int side) {
        return slot[2 * t + side];
    }

    /** The money side {@code side} gains in trade {@code t} (negative: gives). */
    long moneyGained(final int t, final int side) {
        return money[2 * t + 1 - side] - money[2 * t + side];
    }

    /** Write the ids of the items side {@code side} gives in trade {@code t} as i64s at {@code at}; returns how many. */
    int writeItems(final int t, final int side, final MutableDirectBuffer buffer, final int at) {
        final int base = (2 * t + side) * PLACES;
        int written = 0;
        for (int p = 0; p < PLACES; p++) {
            if (placeSlot[base + p] >= 0) {
                buffer.putLong(at + 8 * written++, placeItem[base + p]);
            }
        }
        return written;
    }

    /**
     * TRADE_SETTLED for the player in {@code at}: its half landed with the other. It is shown the trade done,
     * the slots that changed and its money, and is free to trade again.
     */
    void settled(final int at, final long seq) {
        final int player = players.indexOf(at);
        final int t = players.trade[player];
        if (t == PlayerTable.NO_TRADE || state[t] != COMMITTING || tradeSeq[t] != seq) {
            return;
        }
        final int side = players.tradeSide[player];
        players.durableMoney[player] = moneyAfter[2 * t + side];
        players.selfDirty[player] = true;
        sendState(t, side, ClientProtocol.TRADE_PHASE_DONE, null);
        sendSlots(t, side, player);
        completed++;
        release(t, side);
    }

    /** ITEM_SLOTS of what changed for side {@code side}: the slots it gave from (empty now) and received into. */
    private void sendSlots(final int t, final int side, final int player) {
        final MutableDirectBuffer out = outbox.scratch();
        int entries = 0;
        final int given = (2 * t + side) * PLACES;
        final int received = (2 * t + 1 - side) * PLACES;
        for (int p = 0; p < PLACES; p++) {
            if (receivedSlot[received + p] >= 0) {
                entries += entry(out, entries, player, receivedSlot[received + p]);
            }
        }
        for (int p = 0; p < PLACES; p++) {
            final int emptied = placeSlot[given + p];
            if (emptied >= 0 && !receivedInto(received, emptied)) {
                entries += entry(out, entries, player, emptied);
            }
        }
        if (entries > 0) {
            ServerMessages.itemSlots(out, Outbox.BODY_OFFSET, entries);
            outbox.send(
                    Outbox.FRAME,
                    players.session[player],
                    entities.id[players.slot[player]],
                    ClientProtocol.ITEMS_ENTRIES + entries * ClientProtocol.ITEM_ENTRY_LENGTH);
        }
    }

    private boolean receivedInto(final int received, final int bagSlot) {
        for (int p = 0; p < PLACES; p++) {
            if (receivedSlot[received + p] == bagSlot) {
                return true;
            }
        }
        return false;
    }

    private int entry(final MutableDirectBuffer out, final int index, final int player, final int at) {
        final int i = Inventory.at(player, at);
        ServerMessages.ItemEntry.write(
                out,
                Outbox.BODY_OFFSET + ClientProtocol.ITEMS_ENTRIES + index * ClientProtocol.ITEM_ENTRY_LENGTH,
                at,
                inventory.itemId[i],
                inventory.template[i],
                inventory.count[i]);
        return 1;
    }

    /** The player in {@code at} leaves the map (or is lost): its open trade ends; a committing one lets it go. */
    void leaving(final int at) {
        final int player = players.indexOf(at);
        final int t = players.trade[player];
        if (t == PlayerTable.NO_TRADE) {
            return;
        }
        if (state[t] == OPEN) {
            cancel(t, ItemRefusal.NOT_HERE);
        } else {
            release(t, players.tradeSide[player]);
        }
    }

    /** The player in {@code at} departs (frozen for a transfer): its open trade ends. */
    void departing(final int at) {
        final int t = players.trade[players.indexOf(at)];
        if (t != PlayerTable.NO_TRADE && state[t] == OPEN) {
            cancel(t, ItemRefusal.NOT_HERE);
        }
    }

    /** End an open trade, nothing moved: both are told why ({@code null}: a player cancelled). */
    private void cancel(final int t, final ItemRefusal why) {
        cancelled++;
        sendState(t, 0, ClientProtocol.TRADE_PHASE_CANCELLED, why);
        sendState(t, 1, ClientProtocol.TRADE_PHASE_CANCELLED, why);
        release(t, 0);
        release(t, 1);
    }

    /** Side {@code side} is done with trade {@code t}; the trade is free once both are. */
    private void release(final int t, final int side) {
        final int s = 2 * t + side;
        if (!settled[s]) {
            settled[s] = true;
            final int at = slot[s];
            if (entities.kind[at] == EntityTable.PLAYER && entities.id[at] == entity[s]) {
                final int player = players.indexOf(at);
                players.trade[player] = PlayerTable.NO_TRADE;
                players.locked[player] = false;
            }
        }
        if (settled[2 * t] && settled[2 * t + 1]) {
            state[t] = FREE;
        }
    }

    private void tell(final int t) {
        final int phase =
                state[t] == COMMITTING ? ClientProtocol.TRADE_PHASE_COMMITTING : ClientProtocol.TRADE_PHASE_OPEN;
        sendState(t, 0, phase, null);
        sendState(t, 1, phase, null);
    }

    /** TRADE_STATE as side {@code side} sees trade {@code t}. */
    private void sendState(final int t, final int side, final int phase, final ItemRefusal why) {
        final int s = 2 * t + side;
        final int o = 2 * t + 1 - side;
        final int at = slot[s];
        if (settled[s] || entities.kind[at] != EntityTable.PLAYER || entities.id[at] != entity[s]) {
            return;
        }
        final MutableDirectBuffer out = outbox.scratch();
        final int yours = placed(s);
        final int theirs = placed(o);
        int length = ServerMessages.tradeState(
                out,
                Outbox.BODY_OFFSET,
                version[t],
                entity[o],
                phase,
                accepted[s],
                accepted[o],
                money[s],
                money[o],
                yours,
                theirs,
                why);
        length += entries(out, Outbox.BODY_OFFSET + length, s, ClientProtocol.TRADE_SIDE_YOURS);
        length += entries(out, Outbox.BODY_OFFSET + length, o, ClientProtocol.TRADE_SIDE_THEIRS);
        outbox.send(Outbox.FRAME, players.session[players.indexOf(at)], entity[s], length);
    }

    private int placed(final int s) {
        int n = 0;
        for (int p = 0; p < PLACES; p++) {
            if (placeSlot[s * PLACES + p] >= 0) {
                n++;
            }
        }
        return n;
    }

    private int entries(final MutableDirectBuffer out, final int at, final int s, final int side) {
        int length = 0;
        for (int p = 0; p < PLACES; p++) {
            final int i = s * PLACES + p;
            if (placeSlot[i] >= 0) {
                length += ServerMessages.TradeEntry.write(
                        out, at + length, side, p, placeItem[i], placeTemplate[i], placeCount[i]);
            }
        }
        return length;
    }

    /** Trades settled, side by side. */
    long completed() {
        return completed;
    }

    long cancelledTrades() {
        return cancelled;
    }
}
