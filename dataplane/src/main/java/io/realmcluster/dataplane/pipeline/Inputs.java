package io.realmcluster.dataplane.pipeline;

import io.realmcluster.common.items.InventorySlots;
import io.realmcluster.proto.client.ClientProtocol;
import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;

/**
 * The inputs a map's ingress ring carries (from network threads, the transfer service and the
 * node's assignment applier), with their layouts: fixed offsets, little-endian, written in place
 * with no objects per message.
 */
public final class Inputs {
    /**
     * A player enters the map: entity id, position, level, health, money, client session, ownership, side,
     * class, then every item it holds ({@link #JOIN_ITEM_COUNT} entries of {@link #JOIN_ITEM_ENTRY} bytes).
     */
    public static final int PLAYER_JOIN = 1;
    /** A player leaves (logout, disconnect, transfer away): entity id, the client session it had. */
    public static final int PLAYER_LEAVE = 2;
    /** Movement: entity id, sequence, position, orientation, flags. */
    public static final int MOVE = 3;
    /** Start attacking: entity id, target entity id. */
    public static final int ATTACK = 4;
    /** Loot a corpse: entity id, corpse entity id. */
    public static final int LOOT = 5;
    /** Say something to the players around: entity id, text length u8, UTF-8 text. */
    public static final int CHAT = 6;
    /** From the saver: a save found the character owned elsewhere; drop it. Entity id, session. */
    public static final int CHARACTER_LOST = 8;
    /**
     * From the transfer service: the character's transfer committed; send its client the REDIRECT
     * frame carried here and let the character go without saving it (it is another node's now).
     * Entity id, session, frame length u16, the frame's body.
     */
    public static final int DEPARTED = 9;
    /**
     * From the transfer service: the target claimed the character but can no longer be reached to
     * say where its client goes (it died); drop it and disconnect its client. Entity id, session.
     */
    public static final int TRANSFER_LOST = 11;
    /**
     * From the transfer service: the transfer was called off and the character is this node's
     * again at a new epoch; it plays on here. Entity id, session, the new epoch.
     */
    public static final int DEPART_FAILED = 10;
    /**
     * From the node's assignment applier: the instance moves to another node; hand every player over
     * to its copy there, a few a tick. The move epoch (positive). Not about one entity.
     */
    public static final int HAND_OVER_START = 12;
    /** From the node's assignment applier: the move was called off; keep the players. No body. */
    public static final int HAND_OVER_STOP = 13;
    /**
     * From the link to a neighbouring cell of a split continent: its entities near the boundary this tick (see
     * the world's Ghosts). The side it lies on (u8: 1 west, 2 east), then the batch. Not about one entity.
     */
    public static final int GHOSTS = 19;
    /**
     * From the node's assignment applier: the whole continent splits into cells; hand each player over to the cell
     * its place is in, a few a tick. The move epoch (positive), as HAND_OVER_START's. Not about one entity.
     */
    public static final int HAND_OVER_TO_CELLS = 20;
    /**
     * From the link to a neighbouring cell: what its players did to this cell's entities, whose ghosts they saw
     * (see the world's CellActions). The side it lies on (u8), then the records. Not about one entity.
     */
    public static final int GHOST_ACTIONS = 21;

    public static final int GHOSTS_SIDE = 0;
    public static final int GHOSTS_BATCH = 1;
    /**
     * From the player's session: it accepted its battleground invite; freeze it for a transfer to the
     * battleground's map, at its team's start. Entity id, session, map id, position, orientation.
     */
    public static final int ENTER_BATTLEGROUND = 14;
    /**
     * From the player's session: it leaves its battleground for home (a BATTLEGROUND_LEAVE, or the match's end);
     * freeze it for a transfer to its entry point. The layout of {@link #ENTER_BATTLEGROUND}.
     */
    public static final int LEAVE_BATTLEGROUND = 15;
    /**
     * From the saver: an item change (a loot, a move, a split, a destroy; see {@link Saves#ACTION}) is
     * durable; show it to the player. Entity id, session, the action, for a loot its corpse, copper and
     * the money after it, and the two slots it changed as the save wrote them ({@code slot} -1: none).
     */
    public static final int ITEMS_CONFIRMED = 16;
    /**
     * From the saver: both halves of a trade landed in one transaction; the trade is done. Entity id,
     * session, the trade's number on its map. (A trade that cannot land loses both characters: the
     * saver sends {@link #CHARACTER_LOST} for each.)
     */
    public static final int TRADE_SETTLED = 17;
    /**
     * From the player's session: an item or trade request as its client sent it (ITEM_MOVE ... TRADE_CANCEL):
     * entity id, the client opcode u8, two u8 fields (slots, or place and bag slot), a count i32 (a split's,
     * or a TRADE_ACCEPT's version), a value i64 (a TRADE_OPEN's target, a TRADE_MONEY's copper).
     */
    public static final int ITEM_REQUEST = 18;

    public static final int ENTITY_OFFSET = 0;

    public static final int JOIN_X = 8;
    public static final int JOIN_Y = 12;
    public static final int JOIN_Z = 16;
    public static final int JOIN_O = 20;
    public static final int JOIN_LEVEL = 24;
    public static final int JOIN_HEALTH = 28;
    public static final int JOIN_MONEY = 32;
    public static final int JOIN_SESSION = 40;
    /** The ownership epoch the node claimed the character at: every save of it is fenced by it. */
    public static final int JOIN_EPOCH = 44;
    /** The character's save sequence as loaded; the map's saves continue from it. */
    public static final int JOIN_SAVE_SEQ = 52;

    public static final int JOIN_EXPERIENCE = 60;
    /** The character's race (vanilla's ids, 0 unknown): a battleground sides by it when no team is given. */
    public static final int JOIN_RACE = 68;
    /** The character's side in a battleground: {@link #TEAM_BY_RACE}, {@link #TEAM_ALLIANCE} or {@link #TEAM_HORDE}. */
    public static final int JOIN_TEAM = 69;

    /** The character's class (vanilla's ids, 0 unknown: it wears nothing class-bound). */
    public static final int JOIN_CLASS = 70;
    /** How many items follow (0 to {@link #MAX_JOIN_ITEMS}). */
    public static final int JOIN_ITEM_COUNT = 71;
    /** The items: +0 i64 id, +8 i32 template, +12 i16 slot, +14 i16 count. */
    public static final int JOIN_ITEMS = 72;

    public static final int JOIN_ITEM_ENTRY = 16;
    public static final int MAX_JOIN_ITEMS = InventorySlots.COUNT;
    /** A join's length without items; each item adds {@link #JOIN_ITEM_ENTRY}. */
    public static final int JOIN_LENGTH = 72;

    /** No side given: a battleground takes the side of the character's race. */
    public static final byte TEAM_BY_RACE = 0;

    public static final byte TEAM_ALLIANCE = 1;
    public static final byte TEAM_HORDE = 2;

    public static final int LEAVE_SESSION = 8;
    public static final int LEAVE_LENGTH = 12;
    /** A LEAVE that removes the entity whatever session it has. */
    public static final int ANY_SESSION = -1;

    public static final int CHAT_TEXT_LENGTH = 8;
    public static final int CHAT_TEXT = 9;
    public static final int MAX_CHAT_TEXT = 255;

    public static final int MOVE_SEQUENCE = 8;
    public static final int MOVE_X = 12;
    public static final int MOVE_Y = 16;
    public static final int MOVE_Z = 20;
    public static final int MOVE_O = 24;
    public static final int MOVE_FLAGS = 28;
    public static final int MOVE_LENGTH = 32;

    public static final int TARGET_OFFSET = 8;
    public static final int TARGET_LENGTH = 16;

    public static final int ITEMS_SESSION = 8;
    public static final int ITEMS_ACTION = 12;
    public static final int ITEMS_CORPSE = 16;
    public static final int ITEMS_COPPER = 24;
    public static final int ITEMS_MONEY = 32;
    /** Two slot states of 20 bytes each: +0 i32 slot (-1 none), +4 i64 item id (0: now empty), +12 i32 template, +16 i32 count. */
    public static final int ITEMS_SLOT_A = 40;

    public static final int ITEMS_SLOT_B = 60;
    public static final int ITEMS_SLOT_LENGTH = 20;
    public static final int ITEMS_LENGTH = 80;

    public static final int REQUEST_OPCODE = 8;
    public static final int REQUEST_A = 9;
    public static final int REQUEST_B = 10;
    public static final int REQUEST_COUNT = 12;
    public static final int REQUEST_VALUE = 16;
    public static final int REQUEST_LENGTH = 24;

    public static final int SETTLED_SESSION = 8;
    public static final int SETTLED_TRADE = 12;
    public static final int SETTLED_LENGTH = 20;

    public static final int LOST_SESSION = 8;
    /** The claim (epoch) under which the character was lost: a later claim's player is not the one lost. */
    public static final int LOST_EPOCH = 12;

    public static final int LOST_LENGTH = 20;

    public static final int DEPARTED_SESSION = 8;
    public static final int DEPARTED_FRAME_LENGTH = 12;
    public static final int DEPARTED_FRAME = 14;
    /** The longest REDIRECT a DEPARTED carries: one client frame's body, what the map's outbox takes. */
    public static final int MAX_DEPARTED_FRAME = ClientProtocol.MAX_BODY;

    public static final int FAILED_SESSION = 8;
    public static final int FAILED_EPOCH = 12;
    public static final int FAILED_LENGTH = 20;

    public static final int ENTER_SESSION = 8;
    public static final int ENTER_MAP = 12;
    public static final int ENTER_X = 16;
    public static final int ENTER_Y = 20;
    public static final int ENTER_Z = 24;
    public static final int ENTER_O = 28;
    public static final int ENTER_LENGTH = 32;

    public static final int HAND_OVER_EPOCH = 0;
    public static final int HAND_OVER_START_LENGTH = 8;
    public static final int HAND_OVER_STOP_LENGTH = 0;

    private Inputs() {}

    public static int encodeJoin(
            final MutableDirectBuffer buffer,
            final int offset,
            final long entityId,
            final float x,
            final float y,
            final float z,
            final float o,
            final int level,
            final int health,
            final long money,
            final int session) {
        buffer.putLong(offset + ENTITY_OFFSET, entityId);
        buffer.putFloat(offset + JOIN_X, x);
        buffer.putFloat(offset + JOIN_Y, y);
        buffer.putFloat(offset + JOIN_Z, z);
        buffer.putFloat(offset + JOIN_O, o);
        buffer.putInt(offset + JOIN_LEVEL, level);
        buffer.putInt(offset + JOIN_HEALTH, health);
        buffer.putLong(offset + JOIN_MONEY, money);
        buffer.putInt(offset + JOIN_SESSION, session);
        buffer.putByte(offset + JOIN_CLASS, (byte) 0);
        buffer.putByte(offset + JOIN_ITEM_COUNT, (byte) 0);
        joinSide(buffer, offset, 0, TEAM_BY_RACE);
        return joinOwnership(buffer, offset, 0, 0, 0);
    }

    /** Complete a JOIN written by {@link #encodeJoin} with the character's class; items follow with {@link #joinItem}. */
    public static void joinClass(final MutableDirectBuffer buffer, final int offset, final int characterClass) {
        buffer.putByte(offset + JOIN_CLASS, (byte) characterClass);
    }

    /**
     * Write the {@code index}th item of a JOIN, and the count of items so far ({@code index + 1}); returns the
     * JOIN's length with it.
     */
    public static int joinItem(
            final MutableDirectBuffer buffer,
            final int offset,
            final int index,
            final long itemId,
            final int templateId,
            final int slot,
            final int count) {
        final int at = offset + JOIN_ITEMS + index * JOIN_ITEM_ENTRY;
        buffer.putLong(at, itemId);
        buffer.putInt(at + 8, templateId);
        buffer.putShort(at + 12, (short) slot);
        buffer.putShort(at + 14, (short) count);
        buffer.putByte(offset + JOIN_ITEM_COUNT, (byte) (index + 1));
        return JOIN_ITEMS + (index + 1) * JOIN_ITEM_ENTRY;
    }

    /** The length of a JOIN carrying {@code items} items. */
    public static int joinLength(final int items) {
        return JOIN_LENGTH + items * JOIN_ITEM_ENTRY;
    }

    /** An {@link #ITEM_REQUEST} of {@code entity}: the client's {@code opcode} and its fields. */
    public static int encodeItemRequest(
            final MutableDirectBuffer buffer,
            final int offset,
            final long entity,
            final byte opcode,
            final int a,
            final int b,
            final int count,
            final long value) {
        buffer.putLong(offset + ENTITY_OFFSET, entity);
        buffer.putByte(offset + REQUEST_OPCODE, opcode);
        buffer.putByte(offset + REQUEST_A, (byte) a);
        buffer.putByte(offset + REQUEST_B, (byte) b);
        buffer.putByte(offset + REQUEST_B + 1, (byte) 0);
        buffer.putInt(offset + REQUEST_COUNT, count);
        buffer.putLong(offset + REQUEST_VALUE, value);
        return REQUEST_LENGTH;
    }

    /** An ENTER_BATTLEGROUND or LEAVE_BATTLEGROUND: {@code entity} of {@code session} goes to map {@code mapId}, at (x, y, z, o). */
    public static int encodeEnterBattleground(
            final MutableDirectBuffer buffer,
            final int offset,
            final long entity,
            final int session,
            final int mapId,
            final float x,
            final float y,
            final float z,
            final float o) {
        buffer.putLong(offset + ENTITY_OFFSET, entity);
        buffer.putInt(offset + ENTER_SESSION, session);
        buffer.putInt(offset + ENTER_MAP, mapId);
        buffer.putFloat(offset + ENTER_X, x);
        buffer.putFloat(offset + ENTER_Y, y);
        buffer.putFloat(offset + ENTER_Z, z);
        buffer.putFloat(offset + ENTER_O, o);
        return ENTER_LENGTH;
    }

    /** Complete a JOIN written by {@link #encodeJoin} with the character's race and its side in a battleground. */
    public static int joinSide(final MutableDirectBuffer buffer, final int offset, final int race, final byte team) {
        buffer.putByte(offset + JOIN_RACE, (byte) race);
        buffer.putByte(offset + JOIN_TEAM, team);
        return JOIN_LENGTH;
    }

    /** Complete a JOIN written by {@link #encodeJoin} with what the character store loaded. */
    public static int joinOwnership(
            final MutableDirectBuffer buffer,
            final int offset,
            final long epoch,
            final long saveSeq,
            final long experience) {
        buffer.putLong(offset + JOIN_EPOCH, epoch);
        buffer.putLong(offset + JOIN_SAVE_SEQ, saveSeq);
        buffer.putLong(offset + JOIN_EXPERIENCE, experience);
        return JOIN_LENGTH;
    }

    /**
     * An {@link #ITEMS_CONFIRMED} with no slot changed (a loot of money only): add the slots with
     * {@link #itemsConfirmedSlot}.
     */
    public static int encodeItemsConfirmed(
            final MutableDirectBuffer buffer,
            final int offset,
            final long entityId,
            final int session,
            final int action,
            final long corpse,
            final long copper,
            final long money) {
        buffer.putLong(offset + ENTITY_OFFSET, entityId);
        buffer.putInt(offset + ITEMS_SESSION, session);
        buffer.putInt(offset + ITEMS_ACTION, action);
        buffer.putLong(offset + ITEMS_CORPSE, corpse);
        buffer.putLong(offset + ITEMS_COPPER, copper);
        buffer.putLong(offset + ITEMS_MONEY, money);
        itemsConfirmedSlot(buffer, offset + ITEMS_SLOT_A, -1, 0, 0, 0);
        itemsConfirmedSlot(buffer, offset + ITEMS_SLOT_B, -1, 0, 0, 0);
        return ITEMS_LENGTH;
    }

    /** Write one slot's state at {@code at} ({@code offset + ITEMS_SLOT_A} or {@code + ITEMS_SLOT_B}). */
    public static void itemsConfirmedSlot(
            final MutableDirectBuffer buffer,
            final int at,
            final int slot,
            final long itemId,
            final int templateId,
            final int count) {
        buffer.putInt(at, slot);
        buffer.putLong(at + 4, itemId);
        buffer.putInt(at + 12, templateId);
        buffer.putInt(at + 16, count);
    }

    public static int encodeTradeSettled(
            final MutableDirectBuffer buffer,
            final int offset,
            final long entityId,
            final int session,
            final long tradeSeq) {
        buffer.putLong(offset + ENTITY_OFFSET, entityId);
        buffer.putInt(offset + SETTLED_SESSION, session);
        buffer.putLong(offset + SETTLED_TRADE, tradeSeq);
        return SETTLED_LENGTH;
    }

    public static int encodeCharacterLost(
            final MutableDirectBuffer buffer,
            final int offset,
            final long entityId,
            final int session,
            final long epoch) {
        buffer.putLong(offset + ENTITY_OFFSET, entityId);
        buffer.putInt(offset + LOST_SESSION, session);
        buffer.putLong(offset + LOST_EPOCH, epoch);
        return LOST_LENGTH;
    }

    public static int encodeMove(
            final MutableDirectBuffer buffer,
            final int offset,
            final long entityId,
            final int sequence,
            final float x,
            final float y,
            final float z,
            final float o,
            final int flags) {
        buffer.putLong(offset + ENTITY_OFFSET, entityId);
        buffer.putInt(offset + MOVE_SEQUENCE, sequence);
        buffer.putFloat(offset + MOVE_X, x);
        buffer.putFloat(offset + MOVE_Y, y);
        buffer.putFloat(offset + MOVE_Z, z);
        buffer.putFloat(offset + MOVE_O, o);
        buffer.putInt(offset + MOVE_FLAGS, flags);
        return MOVE_LENGTH;
    }
    /**
     * DEPARTED with the REDIRECT frame body {@code frame[0, frameLength)} for the map to send, or
     * none ({@code frameLength} 0) when the client was sent it already.
     */
    public static int encodeDeparted(
            final MutableDirectBuffer buffer,
            final int offset,
            final long entityId,
            final int session,
            final DirectBuffer frame,
            final int frameLength) {
        buffer.putLong(offset + ENTITY_OFFSET, entityId);
        buffer.putInt(offset + DEPARTED_SESSION, session);
        buffer.putShort(offset + DEPARTED_FRAME_LENGTH, (short) frameLength);
        buffer.putBytes(offset + DEPARTED_FRAME, frame, 0, frameLength);
        return DEPARTED_FRAME + frameLength;
    }

    public static int encodeDepartFailed(
            final MutableDirectBuffer buffer,
            final int offset,
            final long entityId,
            final int session,
            final long epoch) {
        buffer.putLong(offset + ENTITY_OFFSET, entityId);
        buffer.putInt(offset + FAILED_SESSION, session);
        buffer.putLong(offset + FAILED_EPOCH, epoch);
        return FAILED_LENGTH;
    }

    public static int encodeHandOverStart(final MutableDirectBuffer buffer, final int offset, final long moveEpoch) {
        buffer.putLong(offset + HAND_OVER_EPOCH, moveEpoch);
        return HAND_OVER_START_LENGTH;
    }

    /** ATTACK or LOOT: an entity acting on another. */
    public static int encodeTarget(
            final MutableDirectBuffer buffer, final int offset, final long entityId, final long targetId) {
        buffer.putLong(offset + ENTITY_OFFSET, entityId);
        buffer.putLong(offset + TARGET_OFFSET, targetId);
        return TARGET_LENGTH;
    }

    public static int encodeLeave(
            final MutableDirectBuffer buffer, final int offset, final long entityId, final int session) {
        buffer.putLong(offset + ENTITY_OFFSET, entityId);
        buffer.putInt(offset + LEAVE_SESSION, session);
        return LEAVE_LENGTH;
    }

    /** CHAT with {@code length} bytes of text copied from {@code text}. */
    public static int encodeChat(
            final MutableDirectBuffer buffer,
            final int offset,
            final long entityId,
            final DirectBuffer text,
            final int textOffset,
            final int length) {
        buffer.putLong(offset + ENTITY_OFFSET, entityId);
        buffer.putByte(offset + CHAT_TEXT_LENGTH, (byte) length);
        buffer.putBytes(offset + CHAT_TEXT, text, textOffset, length);
        return CHAT_TEXT + length;
    }

    /**
     * Whether an input of {@code type} is something a player does in the world (a move, an attack, a loot, an item
     * or trade request, chat), as opposed to the node's own bookkeeping (joins, leaves, transfers, confirmations):
     * what a map that stood still holds back until the control plane confirms it still runs the map.
     */
    public static boolean isPlayerAction(final int type) {
        return type == MOVE || type == ATTACK || type == LOOT || type == CHAT || type == ITEM_REQUEST;
    }

    /** Whether a body of {@code length} bytes has the shape of an input of {@code type}. */
    public static boolean wellFormed(final int type, final DirectBuffer buffer, final int offset, final int length) {
        if (type == CHAT) {
            return length > CHAT_TEXT && length == CHAT_TEXT + (buffer.getByte(offset + CHAT_TEXT_LENGTH) & 0xFF);
        }
        if (type == PLAYER_JOIN) {
            if (length < JOIN_LENGTH) {
                return false;
            }
            final int items = buffer.getByte(offset + JOIN_ITEM_COUNT) & 0xFF;
            return items <= MAX_JOIN_ITEMS && length == joinLength(items);
        }
        if (type == GHOSTS) {
            return length > GHOSTS_BATCH;
        }
        if (type == GHOST_ACTIONS) {
            return length > GHOSTS_BATCH && (length - GHOSTS_BATCH) % 32 == 0;
        }
        if (type == DEPARTED) {
            if (length < DEPARTED_FRAME) {
                return false;
            }
            final int frameLength = buffer.getShort(offset + DEPARTED_FRAME_LENGTH) & 0xFFFF;
            return frameLength <= MAX_DEPARTED_FRAME && length == DEPARTED_FRAME + frameLength;
        }
        return length == expectedLength(type);
    }

    /** The body length each fixed-size input must have; -1 for an unknown or variable-size type. */
    public static int expectedLength(final int type) {
        return switch (type) {
            case PLAYER_LEAVE -> LEAVE_LENGTH;
            case MOVE -> MOVE_LENGTH;
            case ATTACK, LOOT -> TARGET_LENGTH;
            case ITEMS_CONFIRMED -> ITEMS_LENGTH;
            case TRADE_SETTLED -> SETTLED_LENGTH;
            case ITEM_REQUEST -> REQUEST_LENGTH;
            case CHARACTER_LOST, TRANSFER_LOST -> LOST_LENGTH;
            case DEPART_FAILED -> FAILED_LENGTH;
            case HAND_OVER_START, HAND_OVER_TO_CELLS -> HAND_OVER_START_LENGTH;
            case HAND_OVER_STOP -> HAND_OVER_STOP_LENGTH;
            case ENTER_BATTLEGROUND, LEAVE_BATTLEGROUND -> ENTER_LENGTH;
            default -> -1;
        };
    }

    /** The entity an input is about; not for HAND_OVER_START, HAND_OVER_STOP or GHOSTS, which are about the map. */
    public static long entity(final DirectBuffer buffer, final int offset) {
        return buffer.getLong(offset + ENTITY_OFFSET);
    }
}
