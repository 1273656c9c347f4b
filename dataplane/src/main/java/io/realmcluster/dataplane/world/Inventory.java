package io.realmcluster.dataplane.world;

import io.realmcluster.common.items.InventorySlots;
import io.realmcluster.common.items.ItemKind;
import io.realmcluster.common.items.ItemTemplate;
import io.realmcluster.common.items.ItemTemplates;
import io.realmcluster.dataplane.pipeline.Inputs;
import io.realmcluster.dataplane.pipeline.Outbox;
import io.realmcluster.dataplane.pipeline.Saves;
import io.realmcluster.proto.client.ClientProtocol;
import io.realmcluster.proto.client.ServerMessages;
import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;

/**
 * Every player's items as the map holds them: per player index, {@link InventorySlots#COUNT} slots of item
 * id (0 empty), template and count in preallocated arrays (a slot number is an index), filled from the
 * join; which slots exist (the backpack and the equipped bags'), the first free one, and what equipment
 * adds to its wearer. Allocates nothing. The tick thread only.
 */
final class Inventory {
    static final int SLOTS = InventorySlots.COUNT;

    final long[] itemId;
    final int[] template;
    final int[] count;

    private final EntityTable entities;
    private final PlayerTable players;
    private final Outbox outbox;
    private final WorldClock clock;

    Inventory(
            final int maxPlayers,
            final EntityTable entities,
            final PlayerTable players,
            final Outbox outbox,
            final WorldClock clock) {
        this.clock = clock;
        itemId = new long[maxPlayers * SLOTS];
        template = new int[maxPlayers * SLOTS];
        count = new int[maxPlayers * SLOTS];
        this.entities = entities;
        this.players = players;
        this.outbox = outbox;
    }

    /** The index of {@code slot} of {@code player} in the arrays. */
    static int at(final int player, final int slot) {
        return player * SLOTS + slot;
    }

    /** Empty the player's slots, then fill them from a JOIN's items (those naming no slot or template are left out). */
    void join(final int player, final DirectBuffer buffer, final int offset) {
        final int base = at(player, 0);
        for (int i = 0; i < SLOTS; i++) {
            itemId[base + i] = 0;
            template[base + i] = 0;
            count[base + i] = 0;
        }
        final int items = buffer.getByte(offset + Inputs.JOIN_ITEM_COUNT) & 0xFF;
        for (int i = 0; i < items; i++) {
            final int entry = offset + Inputs.JOIN_ITEMS + i * Inputs.JOIN_ITEM_ENTRY;
            final int slot = buffer.getShort(entry + 12);
            final int templateId = buffer.getInt(entry + 8);
            if (InventorySlots.valid(slot) && ItemTemplates.byId(templateId) != null) {
                itemId[base + slot] = buffer.getLong(entry);
                template[base + slot] = templateId;
                count[base + slot] = buffer.getShort(entry + 14) & 0xFFFF;
            }
        }
        players.inventoryUnsent[player] = true;
        restat(player);
    }

    long id(final int player, final int slot) {
        return itemId[at(player, slot)];
    }

    /** Whether the slot exists for the player now: equipment, bag slots, the backpack, and the slots its bags have. */
    boolean usable(final int player, final int slot) {
        if (!InventorySlots.valid(slot)) {
            return false;
        }
        if (!InventorySlots.inBag(slot)) {
            return true;
        }
        final int bag = InventorySlots.BAG_SLOTS_START + InventorySlots.bagOf(slot);
        final ItemTemplate bagTemplate = ItemTemplates.byId(template[at(player, bag)]);
        return bagTemplate != null && InventorySlots.placeInBag(slot) < bagTemplate.bagSize();
    }

    /** Whether the slot holds items in bags (the backpack or a bag's), where loot and trades go. */
    static boolean bagged(final int slot) {
        return InventorySlots.backpack(slot) || InventorySlots.inBag(slot);
    }

    /** The first free slot of the backpack, then of the bags in order; -1 when the bags are full. */
    int firstFree(final int player) {
        for (int slot = InventorySlots.BACKPACK_START; slot < SLOTS; slot++) {
            if (itemId[at(player, slot)] == 0 && usable(player, slot)) {
                return slot;
            }
        }
        return -1;
    }

    /** Whether the bag in bag slot {@code bagSlot} holds anything. */
    boolean bagHoldsItems(final int player, final int bagSlot) {
        final int first = InventorySlots.inBag(bagSlot - InventorySlots.BAG_SLOTS_START, 0);
        for (int slot = first; slot < first + InventorySlots.MAX_BAG_SIZE; slot++) {
            if (itemId[at(player, slot)] != 0) {
                return true;
            }
        }
        return false;
    }

    void put(final int player, final int slot, final long id, final int templateId, final int stack) {
        final int i = at(player, slot);
        itemId[i] = id;
        template[i] = templateId;
        count[i] = stack;
    }

    void clear(final int player, final int slot) {
        put(player, slot, 0, 0, 0);
    }

    /** Recompute what the player's equipment adds: attack to every hit, health to the maximum. */
    void restat(final int player) {
        int attack = 0;
        int health = 0;
        for (int slot = 0; slot < InventorySlots.EQUIPMENT_END; slot++) {
            final ItemTemplate t = ItemTemplates.byId(template[at(player, slot)]);
            if (t != null && t.kind() != ItemKind.BAG) {
                attack += t.attackBonus();
                health += t.healthBonus();
            }
        }
        players.attackBonus[player] = attack;
        final int slot = players.slot[player];
        final int maxHealth = Math.max(1, players.baseMaxHealth[player] + health);
        if (entities.maxHealth[slot] != maxHealth) {
            entities.maxHealth[slot] = maxHealth;
            entities.health[slot] = Math.min(entities.health[slot], maxHealth);
            entities.changedTick[slot] = clock.inputTick();
            players.selfDirty[player] = true;
        }
    }

    /** Write every item the player holds into an item record at {@code offset}; returns how many. */
    int write(final int player, final MutableDirectBuffer buffer, final int offset) {
        int written = 0;
        final int base = at(player, 0);
        for (int slot = 0; slot < SLOTS; slot++) {
            if (itemId[base + slot] != 0) {
                Saves.item(
                        buffer,
                        offset,
                        written++,
                        itemId[base + slot],
                        template[base + slot],
                        slot,
                        count[base + slot]);
            }
        }
        Saves.itemCount(buffer, offset, written);
        return written;
    }

    /** Send INVENTORY once WORLD_ENTERED went out; a full outbox leaves it for the next tick. */
    void publish(final int slot) {
        final int player = players.indexOf(slot);
        if (!players.inventoryUnsent[player] || players.enterUnsent[player]) {
            return;
        }
        final MutableDirectBuffer out = outbox.scratch();
        final int base = at(player, 0);
        int entries = 0;
        for (int s = 0; s < SLOTS; s++) {
            if (itemId[base + s] != 0) {
                ServerMessages.ItemEntry.write(
                        out,
                        Outbox.BODY_OFFSET + ClientProtocol.ITEMS_ENTRIES + entries * ClientProtocol.ITEM_ENTRY_LENGTH,
                        s,
                        itemId[base + s],
                        template[base + s],
                        count[base + s]);
                entries++;
            }
        }
        ServerMessages.inventory(out, Outbox.BODY_OFFSET, entries);
        players.inventoryUnsent[player] = !outbox.send(
                Outbox.FRAME,
                players.session[player],
                entities.id[slot],
                ClientProtocol.ITEMS_ENTRIES + entries * ClientProtocol.ITEM_ENTRY_LENGTH);
    }
}
