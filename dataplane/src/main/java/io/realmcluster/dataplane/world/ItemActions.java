package io.realmcluster.dataplane.world;

import io.realmcluster.common.items.InventorySlots;
import io.realmcluster.common.items.ItemKind;
import io.realmcluster.common.items.ItemTemplate;
import io.realmcluster.common.items.ItemTemplates;
import io.realmcluster.common.items.LootTables;
import io.realmcluster.dataplane.pipeline.Inputs;
import io.realmcluster.dataplane.pipeline.ItemIds;
import io.realmcluster.dataplane.pipeline.Outbox;
import io.realmcluster.dataplane.pipeline.Saves;
import io.realmcluster.dataplane.store.CharacterKey;
import io.realmcluster.proto.client.ClientProtocol;
import io.realmcluster.proto.client.ItemRefusal;
import io.realmcluster.proto.client.ServerMessages;
import java.util.SplittableRandom;
import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;

/**
 * What players do with items (docs/architecture.md, "Items"): loot a corpse's money and stack, move,
 * equip, swap, merge, split and destroy, each written at once as an item record into the save log (a
 * full log undoes it) and shown to the client once the saver confirms it. A refused request is
 * answered ITEM_REFUSED and changes nothing. The tick thread only; allocates nothing.
 */
final class ItemActions {
    /**
     * Item records of one player the saver may hold unconfirmed: a player who goes on changing items faster
     * than the database takes them (or while it stalls) is told to wait, so the saver's memory stays bounded.
     */
    static final int MAX_UNCONFIRMED = 16;

    private final EntityTable entities;
    private final PlayerTable players;
    private final Inventory inventory;
    private final Persistence persistence;
    private final Outbox outbox;
    private final WorldClock clock;
    private final SplittableRandom random;
    private final ItemIds itemIds;
    private final Trades trades;
    private long refused;
    private long itemsLooted;
    /** On a cell of a split continent: the neighbours' ghosts, and where loots of their corpses go; null on a whole map. */
    private Ghosts ghosts;

    private CellActions actions;
    /** Loots of a neighbour's corpse asked of it, grants taken from one, and grants that could not be saved (lost). */
    private long lootsAsked;

    private long grantsTaken;
    private long grantsLost;

    ItemActions(
            final EntityTable entities,
            final PlayerTable players,
            final Inventory inventory,
            final Persistence persistence,
            final Outbox outbox,
            final WorldClock clock,
            final SplittableRandom random,
            final ItemIds itemIds,
            final Trades trades) {
        this.entities = entities;
        this.players = players;
        this.inventory = inventory;
        this.persistence = persistence;
        this.outbox = outbox;
        this.clock = clock;
        this.random = random;
        this.itemIds = itemIds;
        this.trades = trades;
    }

    /** On a cell: loots of a corpse's ghost are asked of the neighbour that owns it, through {@code cellActions}. */
    void cell(final Ghosts cellGhosts, final CellActions cellActions) {
        this.ghosts = cellGhosts;
        this.actions = cellActions;
    }

    /** A creature died: its corpse rolls its level's loot table with the map's random. */
    void rollLoot(final int corpse) {
        final long drop = LootTables.roll(entities.level[corpse], random.nextLong());
        entities.lootTemplate[corpse] = LootTables.template(drop);
        entities.lootCount[corpse] = LootTables.count(drop);
    }

    /** An ITEM_REQUEST of the player in {@code slot}: the item requests here, the trade requests to {@link Trades}. */
    void request(final int slot, final DirectBuffer buffer, final int offset) {
        final byte opcode = buffer.getByte(offset + Inputs.REQUEST_OPCODE);
        final int a = buffer.getByte(offset + Inputs.REQUEST_A) & 0xFF;
        final int b = buffer.getByte(offset + Inputs.REQUEST_B) & 0xFF;
        final ItemRefusal refusal = opcode != ClientProtocol.TRADE_CANCEL ? undurable(slot) : null;
        if (refusal != null) {
            refuse(slot, opcode, refusal);
            return;
        }
        final ItemRefusal outcome = switch (opcode) {
            case ClientProtocol.ITEM_MOVE -> move(slot, a, b);
            case ClientProtocol.ITEM_SPLIT -> split(slot, a, b, buffer.getInt(offset + Inputs.REQUEST_COUNT));
            case ClientProtocol.ITEM_DESTROY -> destroy(slot, a);
            default -> trades.request(slot, opcode, a, b, buffer, offset);
        };
        if (outcome != null) {
            refuse(slot, opcode, outcome);
        }
    }

    /**
     * Why nothing durable can be done for the player in {@code slot} now, or null: the database takes no saves
     * (a change would stay unconfirmed for as long as it is down), or the player has {@link
     * #MAX_UNCONFIRMED} changes waiting for the saver already (each held in the saver's memory until it lands).
     */
    private ItemRefusal undurable(final int slot) {
        if (persistence.unavailable()) {
            return ItemRefusal.SAVES_UNAVAILABLE;
        }
        return players.pendingItemSaves[players.indexOf(slot)] >= MAX_UNCONFIRMED ? ItemRefusal.BUSY : null;
    }

    /** Tell the player in {@code slot} its request {@code opcode} was refused. */
    void refuse(final int slot, final byte opcode, final ItemRefusal why) {
        refused++;
        outbox.send(
                Outbox.FRAME,
                players.session[players.indexOf(slot)],
                entities.id[slot],
                ServerMessages.itemRefused(outbox.scratch(), Outbox.BODY_OFFSET, opcode, why));
    }

    /**
     * The player in {@code slot} loots a corpse it killed, in reach: the money, and the stack into its
     * first free bag slot under a new id (bags full: the stack stays). One LOOT record; a full log undoes it.
     */
    void loot(final int slot, final long corpseId) {
        final ItemRefusal undurable = undurable(slot);
        final ItemRefusal refusal = undurable != null ? undurable : tryLoot(slot, corpseId);
        if (refusal != null) {
            refuse(slot, ClientProtocol.LOOT, refusal);
        }
    }

    private ItemRefusal tryLoot(final int slot, final long corpseId) {
        final EntityTable e = entities;
        final int player = players.indexOf(slot);
        final int corpse = e.slotOf(corpseId);
        if (players.departing[player] != PlayerTable.STAYING || players.locked[player]) {
            return ItemRefusal.BUSY;
        }
        if (corpse != EntityTable.NONE && e.kind[corpse] == EntityTable.GHOST_CREATURE) {
            return lootAcross(slot, corpse, corpseId);
        }
        if (corpse == EntityTable.NONE
                || e.kind[corpse] != EntityTable.CREATURE
                || !e.dead[corpse]
                || (e.money[corpse] == 0 && e.lootTemplate[corpse] == 0)) {
            return ItemRefusal.NOTHING_TO_LOOT;
        }
        if (e.killer[corpse] != slot) {
            return ItemRefusal.NOT_YOURS;
        }
        if (e.distance(slot, corpse) > Combat.LOOT_RANGE) {
            return ItemRefusal.OUT_OF_RANGE;
        }
        final int stacked = take(slot, corpseId, e.money[corpse], e.lootTemplate[corpse], e.lootCount[corpse]);
        if (stacked < 0) {
            return stacked == BAGS_FULL ? ItemRefusal.BAGS_FULL : ItemRefusal.BUSY;
        }
        e.money[corpse] = 0;
        if (stacked > 0) {
            e.lootTemplate[corpse] = 0;
            e.lootCount[corpse] = 0;
        }
        e.changedTick[corpse] = clock.inputTick();
        return null;
    }

    private static final int BAGS_FULL = -1;
    private static final int NOT_SAVED = -2;

    /**
     * The player in {@code slot} takes {@code copper} and {@code count} of {@code template} (0: none) from the corpse
     * {@code corpseId}: the stack into its first free bag slot under a new id, one LOOT record. Returns 1 when the
     * stack was taken, 0 when only the money was (no stack, or bags full), or {@link #BAGS_FULL} (nothing to take) or
     * {@link #NOT_SAVED} (the log is full or no id is ready: nothing happened).
     */
    private int take(final int slot, final long corpseId, final long copper, final int template, final int count) {
        final EntityTable e = entities;
        final int player = players.indexOf(slot);
        final int toSlot = template == 0 ? -1 : inventory.firstFree(player);
        long id = 0;
        if (toSlot >= 0) {
            id = itemIds.take(CharacterKey.realmIndex(e.id[slot]));
            if (id == 0) {
                return NOT_SAVED;
            }
        }
        if (toSlot < 0 && copper == 0) {
            return BAGS_FULL;
        }
        e.money[slot] += copper;
        if (toSlot >= 0) {
            inventory.put(player, toSlot, id, template, count);
        }
        if (!persistence.saveItems(slot, Saves.LOOT, Saves.ACTION_LOOT, id, 0, toSlot, -1, corpseId, copper)) {
            // The loot cannot be made durable now: it did not happen (the id is lost).
            e.money[slot] -= copper;
            if (toSlot >= 0) {
                inventory.clear(player, toSlot);
            }
            return NOT_SAVED;
        }
        if (toSlot >= 0) {
            itemsLooted++;
            return 1;
        }
        return 0;
    }

    /**
     * The player in {@code slot} loots the ghost of a neighbour's corpse, {@code corpse}, that it killed (the ghost
     * names it), in reach: asked of the corpse's cell, which answers with a grant ({@link #grantFromNeighbour}).
     */
    private ItemRefusal lootAcross(final int slot, final int corpse, final long corpseId) {
        final EntityTable e = entities;
        if (actions == null || !e.dead[corpse] || e.money[corpse] == 0) {
            return ItemRefusal.NOTHING_TO_LOOT;
        }
        if (e.killer[corpse] != slot) {
            return ItemRefusal.NOT_YOURS;
        }
        if (e.distance(slot, corpse) > Combat.LOOT_RANGE) {
            return ItemRefusal.OUT_OF_RANGE;
        }
        actions.loot(ghosts.sideOf(corpse), e.id[slot], corpseId);
        lootsAsked++;
        return null;
    }

    /**
     * A player of the neighbouring cell (its ghost here: {@code looterGhost}, id {@code looterId}) loots this cell's
     * corpse in {@code corpse}, which he killed: the corpse gives up what it holds and sends it to his cell in a grant.
     * It is his from now on, even if the grant is lost on the way (lost, never given twice).
     */
    void lootAsked(final int corpse, final int looterGhost, final long looterId) {
        final EntityTable e = entities;
        if (actions == null
                || corpse == EntityTable.NONE
                || looterGhost == EntityTable.NONE
                || e.kind[corpse] != EntityTable.CREATURE
                || !e.dead[corpse]
                || e.killerId[corpse] != looterId
                || (e.money[corpse] == 0 && e.lootTemplate[corpse] == 0)) {
            return;
        }
        actions.grant(
                ghosts.sideOf(looterGhost),
                looterId,
                e.id[corpse],
                (int) Math.min(Integer.MAX_VALUE, e.money[corpse]),
                e.lootTemplate[corpse],
                e.lootCount[corpse]);
        e.money[corpse] = 0;
        e.lootTemplate[corpse] = 0;
        e.lootCount[corpse] = 0;
        e.changedTick[corpse] = clock.inputTick();
    }

    /**
     * What the neighbour's corpse {@code corpseId} held for this cell's player {@code looterId}: taken as a loot here,
     * saved with a LOOT record. A player gone meanwhile, a full log or no item id ready: the grant is lost (counted).
     */
    void grantFromNeighbour(
            final long looterId, final long corpseId, final int copper, final int template, final int count) {
        final int slot = entities.slotOf(looterId);
        if (slot == EntityTable.NONE
                || entities.kind[slot] != EntityTable.PLAYER
                || copper < 0
                || count < 0
                || (template != 0 && count == 0)
                || players.departing[players.indexOf(slot)] != PlayerTable.STAYING) {
            grantsLost++;
            return;
        }
        if (take(slot, corpseId, copper, template, count) == NOT_SAVED) {
            grantsLost++;
            return;
        }
        grantsTaken++;
    }

    /** Loots of a neighbour's corpse asked of it. */
    long lootsAsked() {
        return lootsAsked;
    }

    /** Grants from a neighbour's corpse taken and saved. */
    long grantsTaken() {
        return grantsTaken;
    }

    /** Grants from a neighbour's corpse that could not be taken (lost, never doubled). */
    long grantsLost() {
        return grantsLost;
    }

    /** ITEM_MOVE: move, equip, unequip, swap, equip a bag, or merge onto a stack of the same template. */
    private ItemRefusal move(final int slot, final int from, final int to) {
        final int player = players.indexOf(slot);
        final ItemRefusal busy = busy(player, from, to);
        if (busy != null) {
            return busy;
        }
        if (from == to || !inventory.usable(player, from) || !inventory.usable(player, to)) {
            return ItemRefusal.WRONG_SLOT;
        }
        final Inventory inv = inventory;
        final int fromAt = Inventory.at(player, from);
        final int toAt = Inventory.at(player, to);
        if (inv.itemId[fromAt] == 0) {
            return ItemRefusal.NO_SUCH_ITEM;
        }
        final long fromId = inv.itemId[fromAt];
        final int fromTemplate = inv.template[fromAt];
        final int fromCount = inv.count[fromAt];
        final long toId = inv.itemId[toAt];
        final int toTemplate = inv.template[toAt];
        final int toCount = inv.count[toAt];
        long destroyed = 0;
        if (toId != 0 && toTemplate == fromTemplate && stackable(fromTemplate, from, to)) {
            final int room = ItemTemplates.byId(toTemplate).maxStack() - toCount;
            if (room <= 0) {
                return ItemRefusal.TOO_MANY;
            }
            final int moved = Math.min(room, fromCount);
            inv.count[toAt] = toCount + moved;
            if (moved == fromCount) {
                destroyed = fromId;
                inv.clear(player, from);
            } else {
                inv.count[fromAt] = fromCount - moved;
            }
        } else {
            final ItemRefusal there = fits(player, fromTemplate, to, from);
            if (there != null) {
                return there;
            }
            if (toId != 0) {
                final ItemRefusal back = fits(player, toTemplate, from, to);
                if (back != null) {
                    return back;
                }
            }
            inv.put(player, to, fromId, fromTemplate, fromCount);
            inv.put(player, from, toId, toTemplate, toCount);
        }
        if (!persistence.saveItems(slot, Saves.ITEMS, Saves.ACTION_MOVE, 0, destroyed, from, to, 0, 0)) {
            inv.put(player, from, fromId, fromTemplate, fromCount);
            inv.put(player, to, toId, toTemplate, toCount);
            return ItemRefusal.BUSY;
        }
        if (InventorySlots.equipment(from) || InventorySlots.equipment(to)) {
            inventory.restat(player);
        }
        return null;
    }

    /** Whether a stack of {@code templateId} in {@code from} merges onto the one in {@code to} (never in equipment). */
    private static boolean stackable(final int templateId, final int from, final int to) {
        final ItemTemplate t = ItemTemplates.byId(templateId);
        return t != null && t.maxStack() > 1 && Inventory.bagged(from) && Inventory.bagged(to);
    }

    /**
     * Whether an item of {@code templateId} may go to {@code to} (coming from {@code from}): equipment and bag
     * slots take what fits them and the class wears; a bag holding items does not move, nor into itself.
     */
    private ItemRefusal fits(final int player, final int templateId, final int to, final int from) {
        if (InventorySlots.bagSlot(from) && inventory.bagHoldsItems(player, from)) {
            return ItemRefusal.BAG_NOT_EMPTY;
        }
        if (InventorySlots.bagSlot(from)
                && InventorySlots.inBag(to)
                && InventorySlots.BAG_SLOTS_START + InventorySlots.bagOf(to) == from) {
            return ItemRefusal.WRONG_SLOT;
        }
        if (!Inventory.bagged(to)) {
            final ItemTemplate t = ItemTemplates.byId(templateId);
            if (t == null || !t.fits(to)) {
                return ItemRefusal.WRONG_SLOT;
            }
            if (t.kind() != ItemKind.BAG && !t.wearableBy(players.characterClass[player])) {
                return ItemRefusal.CLASS_CANNOT;
            }
        }
        return null;
    }

    /** ITEM_SPLIT: {@code amount} off the stack in {@code from} into the empty {@code to}, under a new id. */
    private ItemRefusal split(final int slot, final int from, final int to, final int amount) {
        final int player = players.indexOf(slot);
        final ItemRefusal busy = busy(player, from, to);
        if (busy != null) {
            return busy;
        }
        if (!inventory.usable(player, from) || !inventory.usable(player, to) || !Inventory.bagged(to)) {
            return ItemRefusal.WRONG_SLOT;
        }
        final int fromAt = Inventory.at(player, from);
        if (inventory.itemId[fromAt] == 0) {
            return ItemRefusal.NO_SUCH_ITEM;
        }
        if (inventory.itemId[Inventory.at(player, to)] != 0) {
            return ItemRefusal.WRONG_SLOT;
        }
        final int had = inventory.count[fromAt];
        if (amount < 1 || amount >= had) {
            return ItemRefusal.TOO_MANY;
        }
        final long id = itemIds.take(CharacterKey.realmIndex(entities.id[slot]));
        if (id == 0) {
            return ItemRefusal.BUSY;
        }
        inventory.count[fromAt] = had - amount;
        inventory.put(player, to, id, inventory.template[fromAt], amount);
        if (!persistence.saveItems(slot, Saves.ITEMS, Saves.ACTION_SPLIT, id, 0, from, to, 0, 0)) {
            inventory.count[fromAt] = had;
            inventory.clear(player, to);
            return ItemRefusal.BUSY;
        }
        return null;
    }

    /** ITEM_DESTROY: the whole stack in {@code at}. */
    private ItemRefusal destroy(final int slot, final int at) {
        final int player = players.indexOf(slot);
        final ItemRefusal busy = busy(player, at, at);
        if (busy != null) {
            return busy;
        }
        if (!inventory.usable(player, at)) {
            return ItemRefusal.WRONG_SLOT;
        }
        final int i = Inventory.at(player, at);
        final long id = inventory.itemId[i];
        if (id == 0) {
            return ItemRefusal.NO_SUCH_ITEM;
        }
        if (InventorySlots.bagSlot(at) && inventory.bagHoldsItems(player, at)) {
            return ItemRefusal.BAG_NOT_EMPTY;
        }
        final int templateId = inventory.template[i];
        final int stack = inventory.count[i];
        inventory.clear(player, at);
        if (!persistence.saveItems(slot, Saves.ITEMS, Saves.ACTION_DESTROY, 0, id, at, -1, 0, 0)) {
            inventory.put(player, at, id, templateId, stack);
            return ItemRefusal.BUSY;
        }
        if (InventorySlots.equipment(at)) {
            inventory.restat(player);
        }
        return null;
    }

    /** Refused while frozen, while a trade commits, or for an item put up in the player's open trade. */
    private ItemRefusal busy(final int player, final int a, final int b) {
        if (players.departing[player] != PlayerTable.STAYING || players.locked[player]) {
            return ItemRefusal.BUSY;
        }
        if (trades.offered(player, a) || trades.offered(player, b)) {
            return ItemRefusal.BUSY;
        }
        return null;
    }

    /**
     * The saver made an item record durable: show the player its slots as the save wrote them (ITEM_SLOTS),
     * the money of a loot (LOOTED), and its money in SELF_STATE.
     */
    void confirmed(final int slot, final DirectBuffer buffer, final int offset) {
        final int player = players.indexOf(slot);
        players.pendingItemSaves[player] = Math.max(0, players.pendingItemSaves[player] - 1);
        final long moneyAfter = buffer.getLong(offset + Inputs.ITEMS_MONEY);
        if (players.durableMoney[player] != moneyAfter) {
            players.durableMoney[player] = moneyAfter;
            players.selfDirty[player] = true;
        }
        final MutableDirectBuffer out = outbox.scratch();
        int entries = 0;
        entries += slotEntry(out, entries, buffer, offset + Inputs.ITEMS_SLOT_A);
        entries += slotEntry(out, entries, buffer, offset + Inputs.ITEMS_SLOT_B);
        final int session = players.session[player];
        final long entity = entities.id[slot];
        if (entries > 0) {
            ServerMessages.itemSlots(out, Outbox.BODY_OFFSET, entries);
            outbox.send(
                    Outbox.FRAME,
                    session,
                    entity,
                    ClientProtocol.ITEMS_ENTRIES + entries * ClientProtocol.ITEM_ENTRY_LENGTH);
        }
        if (buffer.getInt(offset + Inputs.ITEMS_ACTION) == Saves.ACTION_LOOT) {
            outbox.send(
                    Outbox.FRAME,
                    session,
                    entity,
                    ServerMessages.looted(
                            out,
                            Outbox.BODY_OFFSET,
                            buffer.getLong(offset + Inputs.ITEMS_CORPSE),
                            buffer.getLong(offset + Inputs.ITEMS_COPPER),
                            moneyAfter));
        }
    }

    private static int slotEntry(
            final MutableDirectBuffer out, final int index, final DirectBuffer buffer, final int at) {
        final int slot = buffer.getInt(at);
        if (!InventorySlots.valid(slot)) {
            return 0;
        }
        final long id = buffer.getLong(at + 4);
        ServerMessages.ItemEntry.write(
                out,
                Outbox.BODY_OFFSET + ClientProtocol.ITEMS_ENTRIES + index * ClientProtocol.ITEM_ENTRY_LENGTH,
                slot,
                id,
                id == 0 ? 0 : buffer.getInt(at + 12),
                id == 0 ? 0 : buffer.getInt(at + 16));
        return 1;
    }

    /** Item and trade requests refused. */
    long refused() {
        return refused;
    }

    /** Items taken from corpses. */
    long itemsLooted() {
        return itemsLooted;
    }
}
