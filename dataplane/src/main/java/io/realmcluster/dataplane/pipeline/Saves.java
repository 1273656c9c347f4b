package io.realmcluster.dataplane.pipeline;

import io.realmcluster.common.items.InventorySlots;
import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;

/**
 * The records a {@link SaveLog} carries, one layout for all: the character's persistent state as
 * its map holds it, with the ownership epoch and the save sequence the save is fenced by, and for
 * a loot the money it created. Little-endian, fixed offsets, written in place.
 */
public final class Saves {
    /** The character's state changed (moved, gained experience): save it. */
    public static final int SNAPSHOT = 1;
    /**
     * The character looted a corpse (money, an item, or both): save it with a ledger entry, then confirm
     * the loot to the player. An item record ({@link #ITEMS_LENGTH}), action {@link #ACTION_LOOT}.
     */
    public static final int LOOT = 2;
    /** The character left the world (logout, disconnect, the map closed): save it and mark it OFFLINE. */
    public static final int LOGOUT = 3;
    /**
     * The character walked into a portal: save it and freeze it for a transfer (IN_TRANSFER), then
     * hand it to the transfer service. Carries where it goes: map, position, orientation.
     */
    public static final int DEPART = 4;
    /**
     * A DEPART's destination map when the character stays in its instance, which is moving to
     * another node: it goes to the instance's copy there, where it stands.
     */
    public static final int SAME_INSTANCE = -1;
    /**
     * A departure's destination: the cell of the same split continent whose strip holds the player's place (it
     * crossed a boundary), at that place.
     */
    public static final int CROSSING = -2;
    /**
     * A departure's destination when its whole continent splits into cells: the cell whose strip holds the player's
     * place, routed as a {@link #CROSSING} is but not counted as one (the player crossed nothing).
     */
    public static final int INTO_CELLS = -3;

    /** Whether a departure to {@code toMapId} goes to the cell of the player's place (a crossing or a split). */
    public static boolean toCellOfPlace(final int toMapId) {
        return toMapId == CROSSING || toMapId == INTO_CELLS;
    }
    /**
     * The character's items changed (a move, an equip, a split, a merge, a destroy): save them, with a
     * ledger entry when an item was created or destroyed, then confirm the change to the player. An item
     * record.
     */
    public static final int ITEMS = 5;
    /**
     * One half of a trade: the character's state and items after it. The map writes the two halves
     * together ({@link #TRADE_SEQ} and {@link #PARTNER} name each other), and the saver writes them in
     * one transaction or not at all. An item record, action {@link #ACTION_TRADE}; {@link #COPPER} is
     * the money it gained (negative: gave).
     */
    public static final int TRADE = 6;

    /** What an item record did (its ledger entry's source): the values of {@link #ACTION}. */
    public static final int ACTION_LOOT = 1;
    /** Moved, equipped, unequipped, swapped, or merged into a stack (then {@link #DESTROYED} is the emptied stack). */
    public static final int ACTION_MOVE = 2;
    /** Part of a stack split off into a new item ({@link #CREATED}). */
    public static final int ACTION_SPLIT = 3;
    /** An item destroyed ({@link #DESTROYED}). */
    public static final int ACTION_DESTROY = 4;

    public static final int ACTION_TRADE = 5;

    public static final int CHARACTER = 0;
    public static final int EPOCH = 8;
    public static final int SEQUENCE = 16;
    /** The map's handle on this node, to confirm to (an int, so a record carries no string). */
    public static final int MAP_HANDLE = 24;
    /** The client session the character had, so a confirmation never reaches a later session. */
    public static final int SESSION = 28;

    public static final int LEVEL = 32;
    public static final int MAP_ID = 36;
    public static final int EXPERIENCE = 40;
    public static final int MONEY = 48;
    public static final int X = 56;
    public static final int Y = 60;
    public static final int Z = 64;
    public static final int O = 68;
    public static final int CORPSE = 72;
    public static final int COPPER = 80;
    public static final int TO_MAP = 88;
    public static final int TO_X = 92;
    public static final int TO_Y = 96;
    public static final int TO_Z = 100;
    public static final int TO_O = 104;
    /** A DEPART's tick: when its map froze the character, on the node's monotonic clock ({@link System#nanoTime}). */
    public static final int FROZEN_AT_NANOS = 108;

    public static final int LENGTH = 116;

    // An item record (LOOT, ITEMS, TRADE) is a record as above, then these, then every item the
    // character holds after the change.
    public static final int ACTION = 116;
    /** The item this change created (a loot's, a split's new stack), 0 for none. */
    public static final int CREATED = 120;
    /** The item this change destroyed (a destroy's, a merge's emptied stack), 0 for none. */
    public static final int DESTROYED = 128;
    /** The slots the player is shown once the change is durable, -1 for none. */
    public static final int SLOT_A = 136;

    public static final int SLOT_B = 140;
    /** A trade's number on its map, the same in both halves; 0 for every other record. */
    public static final int TRADE_SEQ = 144;
    /** A trade's other character (its key). */
    public static final int PARTNER = 152;
    /** The items a trade's half gave (count, then up to {@link #MAX_TRADED} ids) and received. */
    public static final int GIVEN_COUNT = 160;

    public static final int GIVEN = 164;
    public static final int RECEIVED_COUNT = 212;
    public static final int RECEIVED = 216;
    public static final int MAX_TRADED = 6;
    /** How many items follow, then one entry of {@link #ITEM_ENTRY} bytes each. */
    public static final int ITEM_COUNT = 264;

    public static final int ITEMS_START = 268;
    /** An item: +0 i64 id, +8 i32 template, +12 i16 slot, +14 i16 count. */
    public static final int ITEM_ENTRY = 16;

    public static final int ITEM_ID = 0;
    public static final int ITEM_TEMPLATE = 8;
    public static final int ITEM_SLOT = 12;
    public static final int ITEM_STACK = 14;
    /** Every item record is this long, room for every slot a character has. */
    public static final int ITEMS_LENGTH = ITEMS_START + InventorySlots.COUNT * ITEM_ENTRY;

    private Saves() {}

    /**
     * Write a record at {@code offset}; the loot fields are zero unless {@code copper} is positive.
     * Maps write them; public for the saves benchmark, which writes snapshots as a map would.
     */
    @SuppressWarnings("checkstyle:ParameterNumber")
    public static void encode(
            final MutableDirectBuffer buffer,
            final int offset,
            final long character,
            final long epoch,
            final long sequence,
            final int mapHandle,
            final int session,
            final int level,
            final int mapId,
            final long experience,
            final long money,
            final float x,
            final float y,
            final float z,
            final float o,
            final long corpse,
            final long copper) {
        buffer.putLong(offset + CHARACTER, character);
        buffer.putLong(offset + EPOCH, epoch);
        buffer.putLong(offset + SEQUENCE, sequence);
        buffer.putInt(offset + MAP_HANDLE, mapHandle);
        buffer.putInt(offset + SESSION, session);
        buffer.putInt(offset + LEVEL, level);
        buffer.putInt(offset + MAP_ID, mapId);
        buffer.putLong(offset + EXPERIENCE, experience);
        buffer.putLong(offset + MONEY, money);
        buffer.putFloat(offset + X, x);
        buffer.putFloat(offset + Y, y);
        buffer.putFloat(offset + Z, z);
        buffer.putFloat(offset + O, o);
        buffer.putLong(offset + CORPSE, corpse);
        buffer.putLong(offset + COPPER, copper);
    }

    /** Complete a DEPART record written by {@link #encode} with where the character goes, frozen at {@code tickNanos}. */
    public static void destination(
            final MutableDirectBuffer buffer,
            final int offset,
            final int toMap,
            final float x,
            final float y,
            final float z,
            final float o,
            final long tickNanos) {
        buffer.putLong(offset + FROZEN_AT_NANOS, tickNanos);
        buffer.putInt(offset + TO_MAP, toMap);
        buffer.putFloat(offset + TO_X, x);
        buffer.putFloat(offset + TO_Y, y);
        buffer.putFloat(offset + TO_Z, z);
        buffer.putFloat(offset + TO_O, o);
    }

    /** Whether a record of {@code type} and {@code length} bytes is one of these. */
    public static boolean wellFormed(final int type, final int length) {
        return switch (type) {
            case SNAPSHOT, LOGOUT, DEPART -> length == LENGTH;
            case LOOT, ITEMS, TRADE -> length == ITEMS_LENGTH;
            default -> false;
        };
    }

    /** The record length of {@code type}: item records carry the character's items. */
    public static int length(final int type) {
        return type == LOOT || type == ITEMS || type == TRADE ? ITEMS_LENGTH : LENGTH;
    }

    /**
     * Write an item record's fields after {@link #encode}: what the change did, and no items yet (add
     * them with {@link #item}, then {@link #itemCount}).
     */
    public static void change(
            final MutableDirectBuffer buffer,
            final int offset,
            final int action,
            final long created,
            final long destroyed,
            final int slotA,
            final int slotB) {
        buffer.putInt(offset + ACTION, action);
        buffer.putLong(offset + CREATED, created);
        buffer.putLong(offset + DESTROYED, destroyed);
        buffer.putInt(offset + SLOT_A, slotA);
        buffer.putInt(offset + SLOT_B, slotB);
        buffer.putLong(offset + TRADE_SEQ, 0);
        buffer.putLong(offset + PARTNER, 0);
        buffer.putInt(offset + GIVEN_COUNT, 0);
        buffer.putInt(offset + RECEIVED_COUNT, 0);
        buffer.putInt(offset + ITEM_COUNT, 0);
    }

    /** Write the {@code index}th item of an item record. */
    public static void item(
            final MutableDirectBuffer buffer,
            final int offset,
            final int index,
            final long itemId,
            final int templateId,
            final int slot,
            final int count) {
        final int at = offset + ITEMS_START + index * ITEM_ENTRY;
        buffer.putLong(at + ITEM_ID, itemId);
        buffer.putInt(at + ITEM_TEMPLATE, templateId);
        buffer.putShort(at + ITEM_SLOT, (short) slot);
        buffer.putShort(at + ITEM_STACK, (short) count);
    }

    /** How many items an item record carries: write it after them. */
    public static void itemCount(final MutableDirectBuffer buffer, final int offset, final int count) {
        buffer.putInt(offset + ITEM_COUNT, count);
    }

    public static long character(final DirectBuffer buffer, final int offset) {
        return buffer.getLong(offset + CHARACTER);
    }
}
