package io.realmcluster.proto.client;

/**
 * The game client protocol's constants: version, frame limits, opcodes, field offsets and
 * disconnect reasons. docs/client-protocol.md is the prose of this file; the two change together.
 *
 * <p>A TCP frame is a little-endian u16 body length, then the body: an opcode byte and the
 * message's fields at fixed offsets from the body's start. Offsets below are body offsets.
 */
public final class ClientProtocol {
    /** Protocol version a client states in HELLO; a node serves exactly this one. */
    public static final int VERSION = 4;
    /** Bytes of the length prefix in front of every TCP frame. */
    public static final int LENGTH_PREFIX = 2;
    /** Largest body (opcode included) either side may send. */
    public static final int MAX_BODY = 4096;
    /** Largest session token a HELLO may carry. */
    public static final int MAX_TOKEN = 1024;

    public static final int MAX_INSTANCE_ID = 64;
    public static final int MAX_CHAT = 255;
    public static final int MAX_HOST = 255;
    public static final int COOKIE_BYTES = 16;

    public static final int OPCODE_OFFSET = 0;

    // Client to node.
    public static final byte HELLO = 0x01;
    public static final byte ENTER_WORLD = 0x02;
    public static final byte MOVE = 0x03;
    public static final byte CHAT_SAY = 0x04;
    public static final byte ATTACK = 0x05;
    public static final byte LOOT = 0x06;
    public static final byte LOGOUT = 0x07;
    public static final byte PING = 0x08;
    /** HELLO on a second connection, to the node the client's map is moving to (after STANDBY): it waits there. */
    public static final byte STANDBY_HELLO = 0x09;
    /** Join a battleground's queue: battleground u8 (the proto's BattlegroundType number). */
    public static final byte QUEUE_JOIN = 0x0A;
    /** Leave a battleground's queue: battleground u8. */
    public static final byte QUEUE_LEAVE = 0x0B;
    /** Ask for the player's queues (answered QUEUE_STATUS): no fields. */
    public static final byte QUEUE_STATUS_REQUEST = 0x0C;
    /** Accept a battleground invite: match id length u8, match id (ASCII). */
    public static final byte INVITE_ACCEPT = 0x0D;
    /** Decline a battleground invite: match id length u8, match id (ASCII). */
    public static final byte INVITE_DECLINE = 0x0E;
    /** Leave the battleground the player is in (early: Deserter while its match runs): no fields. */
    public static final byte BATTLEGROUND_LEAVE = 0x0F;
    /** Move, equip, unequip, swap, equip a bag, or merge onto a stack: from slot u8, to slot u8. */
    public static final byte ITEM_MOVE = 0x10;
    /** Split a stack into an empty slot: from slot u8, to slot u8, count u16. */
    public static final byte ITEM_SPLIT = 0x11;
    /** Destroy the whole stack in a slot: slot u8. */
    public static final byte ITEM_DESTROY = 0x12;
    /** Open a trade with a player on this map: the target's entity id i64. */
    public static final byte TRADE_OPEN = 0x13;
    /** Put a bag item in a place of the trade (0-5), or empty the place (bag slot 255): place u8, bag slot u8. */
    public static final byte TRADE_PUT = 0x14;
    /** The money the player gives in the trade: copper i64. */
    public static final byte TRADE_MONEY = 0x15;
    /** Accept the trade as seen at a version: version u32. */
    public static final byte TRADE_ACCEPT = 0x16;
    /** Cancel the trade: no fields. */
    public static final byte TRADE_CANCEL = 0x17;

    // Node to client.
    public static final byte WELCOME = (byte) 0x81;
    public static final byte WORLD_ENTERED = (byte) 0x82;
    public static final byte SELF_STATE = (byte) 0x83;
    public static final byte ENTITY_UPDATES = (byte) 0x84;
    public static final byte ENTITY_GONE = (byte) 0x85;
    public static final byte CHAT = (byte) 0x86;
    public static final byte LOOTED = (byte) 0x87;
    public static final byte REDIRECT = (byte) 0x88;
    public static final byte DISCONNECT = (byte) 0x89;
    public static final byte PONG = (byte) 0x8A;
    /** The client's map is moving to another node: connect there now (STANDBY_HELLO) and keep playing here. */
    public static final byte STANDBY = (byte) 0x8B;
    /** The player's queues: count u8, then per queue battleground u8, position u16, waiting u16. */
    public static final byte QUEUE_STATUS = (byte) 0x8C;
    /** A queue request refused: battleground u8, reason length u8, reason (ASCII). */
    public static final byte QUEUE_REFUSED = (byte) 0x8D;
    /** A seat in a match is the player's for a while: battleground u8, seconds left u16, match id length u8, match id. */
    public static final byte BATTLEGROUND_INVITE = (byte) 0x8E;
    /** An invite is no more (it expired, or its match ended first): battleground u8, match id length u8, match id. */
    public static final byte INVITE_GONE = (byte) 0x8F;
    /** An accept taken: battleground u8, team u8 (1 Alliance, 2 Horde), match id length u8, match id. */
    public static final byte INVITE_ACCEPTED = (byte) 0x90;
    /** The battleground's match: phase, winner, scores, players, time left, then its objectives (see the offsets). */
    public static final byte BATTLEGROUND_STATE = (byte) 0x91;
    /** Every item the player holds: count u8, then item entries (sent after WORLD_ENTERED). */
    public static final byte INVENTORY = (byte) 0x92;
    /** Slots changed, once durable: count u8 (1 or more), then item entries; item id 0 = the slot is empty now. */
    public static final byte ITEM_SLOTS = (byte) 0x93;
    /** An item or trade request refused, nothing changed: opcode u8, reason u8, text length u8, text (ASCII). */
    public static final byte ITEM_REFUSED = (byte) 0x94;
    /** The player's trade: version, partner, state, accepts, money, then its items (see the offsets). */
    public static final byte TRADE_STATE = (byte) 0x95;

    // ITEM_MOVE: from slot u8, to slot u8.
    public static final int ITEM_MOVE_FROM = 1;
    public static final int ITEM_MOVE_TO = 2;
    public static final int ITEM_MOVE_LENGTH = 3;

    // ITEM_SPLIT: from slot u8, to slot u8 (an empty one), count u16.
    public static final int ITEM_SPLIT_FROM = 1;
    public static final int ITEM_SPLIT_TO = 2;
    public static final int ITEM_SPLIT_COUNT = 3;
    public static final int ITEM_SPLIT_LENGTH = 5;

    // ITEM_DESTROY: slot u8.
    public static final int ITEM_DESTROY_SLOT = 1;
    public static final int ITEM_DESTROY_LENGTH = 2;

    // TRADE_OPEN: target entity id i64 (ID_FIELD); TRADE_MONEY: copper i64 (ID_FIELD); both ID_LENGTH long.

    // TRADE_PUT: place u8 (0 to TRADE_PLACES - 1), bag slot u8 (TRADE_PUT_EMPTY empties the place).
    public static final int TRADE_PUT_PLACE = 1;
    public static final int TRADE_PUT_SLOT = 2;
    public static final int TRADE_PUT_LENGTH = 3;
    /** TRADE_PUT's bag slot that empties the place. */
    public static final int TRADE_PUT_EMPTY = 255;
    /** Places each side of a trade has for items. */
    public static final int TRADE_PLACES = 6;

    // TRADE_ACCEPT: the trade's version the player saw u32.
    public static final int TRADE_ACCEPT_VERSION = 1;
    public static final int TRADE_ACCEPT_LENGTH = 5;

    // INVENTORY and ITEM_SLOTS: count u8, then entries of slot u8, item id i64, template i32, count u16.
    public static final int ITEMS_COUNT = 1;
    public static final int ITEMS_ENTRIES = 2;
    public static final int ITEM_ENTRY_SLOT = 0;
    public static final int ITEM_ENTRY_ID = 1;
    public static final int ITEM_ENTRY_TEMPLATE = 9;
    public static final int ITEM_ENTRY_COUNT = 13;
    public static final int ITEM_ENTRY_LENGTH = 15;
    /** Most entries an INVENTORY or ITEM_SLOTS carries: one per slot a character has (common's InventorySlots). */
    public static final int MAX_ITEM_ENTRIES = 103;

    // ITEM_REFUSED: refused request's opcode u8, reason u8 (ItemRefusal), text length u8, text (ASCII, 1..200).
    public static final int ITEM_REFUSED_OPCODE = 1;
    public static final int ITEM_REFUSED_REASON = 2;
    public static final int ITEM_REFUSED_TEXT_LENGTH = 3;
    public static final int ITEM_REFUSED_TEXT = 4;

    // TRADE_STATE: version u32, partner entity i64, state u8, you accepted u8, they accepted u8, your money i64,
    // their money i64, your count u8, their count u8, cancel reason u8 (ItemRefusal, 0 none), then entries of
    // side u8 (0 yours, 1 theirs), place u8, item id i64, template i32, count u16.
    public static final int TRADE_STATE_VERSION = 1;
    public static final int TRADE_STATE_PARTNER = 5;
    public static final int TRADE_STATE_PHASE = 13;
    public static final int TRADE_STATE_YOU_ACCEPTED = 14;
    public static final int TRADE_STATE_THEY_ACCEPTED = 15;
    public static final int TRADE_STATE_YOUR_MONEY = 16;
    public static final int TRADE_STATE_THEIR_MONEY = 24;
    public static final int TRADE_STATE_YOUR_COUNT = 32;
    public static final int TRADE_STATE_THEIR_COUNT = 33;
    public static final int TRADE_STATE_CANCEL_REASON = 34;
    public static final int TRADE_STATE_ENTRIES = 35;
    public static final int TRADE_ENTRY_SIDE = 0;
    public static final int TRADE_ENTRY_PLACE = 1;
    public static final int TRADE_ENTRY_ID = 2;
    public static final int TRADE_ENTRY_TEMPLATE = 10;
    public static final int TRADE_ENTRY_COUNT = 14;
    public static final int TRADE_ENTRY_LENGTH = 16;
    public static final int TRADE_SIDE_YOURS = 0;
    public static final int TRADE_SIDE_THEIRS = 1;
    /** TRADE_STATE's state: open (items and money may change). */
    public static final int TRADE_PHASE_OPEN = 1;
    /** Both accepted and the exchange is being saved: nothing changes, nothing cancels it. */
    public static final int TRADE_PHASE_COMMITTING = 2;
    /** The exchange is durable. */
    public static final int TRADE_PHASE_DONE = 3;
    /** The trade ended without an exchange (the cancel reason says why, 0 a player's cancel). */
    public static final int TRADE_PHASE_CANCELLED = 4;

    // BATTLEGROUND_STATE: map u16, phase u8 (0 preparation, 1 running, 2 ended), winner u8 (0 none yet, 1 Alliance,
    // 2 Horde, 3 draw), Alliance score i32, Horde score i32, Alliance players u8, Horde players u8, millis left u32,
    // objective count u8, then per objective: state u8, side u8 (0 none, 1 Alliance, 2 Horde), challenger u8 (the
    // same), reserved u8, x f32, y f32, millis left u32, carrier entity id i64 (0 none).
    public static final int BG_STATE_MAP = 1;
    public static final int BG_STATE_PHASE = 3;
    public static final int BG_STATE_WINNER = 4;
    public static final int BG_STATE_ALLIANCE_SCORE = 5;
    public static final int BG_STATE_HORDE_SCORE = 9;
    public static final int BG_STATE_ALLIANCE_PLAYERS = 13;
    public static final int BG_STATE_HORDE_PLAYERS = 14;
    public static final int BG_STATE_MILLIS_LEFT = 15;
    public static final int BG_STATE_OBJECTIVE_COUNT = 19;
    public static final int BG_STATE_OBJECTIVES = 20;
    public static final int BG_OBJECTIVE_STATE = 0;
    public static final int BG_OBJECTIVE_SIDE = 1;
    public static final int BG_OBJECTIVE_CHALLENGER = 2;
    public static final int BG_OBJECTIVE_X = 4;
    public static final int BG_OBJECTIVE_Y = 8;
    public static final int BG_OBJECTIVE_MILLIS_LEFT = 12;
    public static final int BG_OBJECTIVE_CARRIER = 16;
    public static final int BG_OBJECTIVE_LENGTH = 24;
    /** Most objectives a BATTLEGROUND_STATE carries: Arathi Basin's five bases. */
    public static final int MAX_BG_OBJECTIVES = 5;

    /** Longest match id on the wire. */
    public static final int MAX_MATCH_ID = 64;

    // INVITE_ACCEPT and INVITE_DECLINE: match id length u8, match id.
    public static final int ANSWER_MATCH_LENGTH = 1;
    public static final int ANSWER_MATCH = 2;

    // BATTLEGROUND_INVITE: battleground u8, seconds left u16, match id length u8, match id.
    public static final int INVITE_BATTLEGROUND = 1;
    public static final int INVITE_SECONDS = 2;
    public static final int INVITE_MATCH_LENGTH = 4;
    public static final int INVITE_MATCH = 5;

    // INVITE_GONE: battleground u8, match id length u8, match id.
    public static final int INVITE_GONE_BATTLEGROUND = 1;
    public static final int INVITE_GONE_MATCH_LENGTH = 2;
    public static final int INVITE_GONE_MATCH = 3;

    // INVITE_ACCEPTED: battleground u8, team u8, match id length u8, match id.
    public static final int ACCEPTED_BATTLEGROUND = 1;
    public static final int ACCEPTED_TEAM = 2;
    public static final int ACCEPTED_MATCH_LENGTH = 3;
    public static final int ACCEPTED_MATCH = 4;

    // QUEUE_JOIN and QUEUE_LEAVE: battleground u8.
    public static final int QUEUE_BATTLEGROUND = 1;
    public static final int QUEUE_REQUEST_LENGTH = 2;

    // QUEUE_STATUS: count u8, then records of battleground u8, position u16, waiting u16.
    public static final int QUEUE_STATUS_COUNT = 1;
    public static final int QUEUE_STATUS_PLACES = 2;
    public static final int QUEUE_PLACE_BATTLEGROUND = 0;
    public static final int QUEUE_PLACE_POSITION = 1;
    public static final int QUEUE_PLACE_WAITING = 3;
    public static final int QUEUE_PLACE_LENGTH = 5;
    /** At most this many places in one QUEUE_STATUS (a player is in three queues at most). */
    public static final int MAX_QUEUE_PLACES = 3;

    // QUEUE_REFUSED: battleground u8, reason length u8, reason.
    public static final int REFUSED_BATTLEGROUND = 1;
    public static final int REFUSED_TEXT_LENGTH = 2;
    public static final int REFUSED_TEXT = 3;
    public static final int MAX_REFUSAL = 200;

    // HELLO and STANDBY_HELLO: version u16, token length u16, token.
    public static final int HELLO_VERSION = 1;
    public static final int HELLO_TOKEN_LENGTH = 3;
    public static final int HELLO_TOKEN = 5;

    // ENTER_WORLD: instance id length u8, instance id (ASCII).
    public static final int ENTER_INSTANCE_LENGTH = 1;
    public static final int ENTER_INSTANCE = 2;

    // MOVE: sequence u32, x, y, z, orientation f32, flags u32.
    public static final int MOVE_SEQUENCE = 1;
    public static final int MOVE_X = 5;
    public static final int MOVE_Y = 9;
    public static final int MOVE_Z = 13;
    public static final int MOVE_O = 17;
    public static final int MOVE_FLAGS = 21;
    public static final int MOVE_LENGTH = 25;

    // CHAT_SAY: text length u8, UTF-8 text.
    public static final int SAY_TEXT_LENGTH = 1;
    public static final int SAY_TEXT = 2;

    // ATTACK, LOOT, PING, PONG: one i64 (target, corpse, nonce).
    public static final int ID_FIELD = 1;
    public static final int ID_LENGTH = 9;

    // WELCOME: version u16, session id i64, UDP cookie (16 bytes), tick rate u8.
    public static final int WELCOME_VERSION = 1;
    public static final int WELCOME_SESSION = 3;
    public static final int WELCOME_COOKIE = 11;
    public static final int WELCOME_TICK_HZ = 27;
    public static final int WELCOME_LENGTH = 28;

    // WORLD_ENTERED: entity id i64, map u32, x, y, z, orientation, visibility distance f32.
    public static final int ENTERED_ENTITY = 1;
    public static final int ENTERED_MAP = 9;
    public static final int ENTERED_X = 13;
    public static final int ENTERED_Y = 17;
    public static final int ENTERED_Z = 21;
    public static final int ENTERED_O = 25;
    public static final int ENTERED_VISIBILITY = 29;
    public static final int ENTERED_LENGTH = 33;

    // SELF_STATE: last applied move sequence u32, x, y, z, o f32, health, max health, level i32,
    // money (copper) i64, experience i64.
    public static final int SELF_ACK = 1;
    public static final int SELF_X = 5;
    public static final int SELF_Y = 9;
    public static final int SELF_Z = 13;
    public static final int SELF_O = 17;
    public static final int SELF_HEALTH = 21;
    public static final int SELF_MAX_HEALTH = 25;
    public static final int SELF_LEVEL = 29;
    public static final int SELF_MONEY = 33;
    public static final int SELF_EXPERIENCE = 41;
    public static final int SELF_LENGTH = 49;

    // ENTITY_UPDATES: tick u32, flags u8, record count u16, records.
    public static final int UPDATES_TICK = 1;
    public static final int UPDATES_FLAGS = 5;
    public static final int UPDATES_COUNT = 6;
    public static final int UPDATES_RECORDS = 8;
    /** The records replace everything the client saw before (entering a map, crossing cells). */
    public static final int UPDATES_FLAG_RESET = 1;

    // One entity record: id i64, kind u8, flags u8, x, y, z, o f32, health, max health i32.
    public static final int RECORD_ID = 0;
    public static final int RECORD_KIND = 8;
    public static final int RECORD_FLAGS = 9;
    public static final int RECORD_X = 10;
    public static final int RECORD_Y = 14;
    public static final int RECORD_Z = 18;
    public static final int RECORD_O = 22;
    public static final int RECORD_HEALTH = 26;
    public static final int RECORD_MAX_HEALTH = 30;
    public static final int RECORD_LENGTH = 34;
    public static final int MAX_RECORDS = (MAX_BODY - UPDATES_RECORDS) / RECORD_LENGTH;
    public static final byte KIND_PLAYER = 1;
    public static final byte KIND_CREATURE = 2;
    public static final int RECORD_FLAG_DEAD = 1;
    /** A corpse with loot (money or an item) that this client may loot: it killed it. */
    public static final int RECORD_FLAG_LOOTABLE = 2;
    /** A living player this client may fight now: an enemy in a battleground's running match. */
    public static final int RECORD_FLAG_HOSTILE = 4;

    // ENTITY_GONE: count u16, ids i64.
    public static final int GONE_COUNT = 1;
    public static final int GONE_IDS = 3;
    public static final int MAX_GONE = (MAX_BODY - GONE_IDS) / 8;

    // CHAT: speaker entity id i64, text length u8, UTF-8 text.
    public static final int CHAT_FROM = 1;
    public static final int CHAT_TEXT_LENGTH = 9;
    public static final int CHAT_TEXT = 10;

    // LOOTED: corpse i64, copper gained i64, money now i64. Sent once the gain is durable.
    public static final int LOOTED_CORPSE = 1;
    public static final int LOOTED_COPPER = 9;
    public static final int LOOTED_MONEY = 17;
    public static final int LOOTED_LENGTH = 25;

    // REDIRECT and STANDBY: port u16, host length u8, host, token length u16, token, instance id length u8, instance
    // id.
    public static final int REDIRECT_PORT = 1;
    public static final int REDIRECT_HOST_LENGTH = 3;
    public static final int REDIRECT_HOST = 4;

    // DISCONNECT: reason u8, text length u8, text.
    public static final int DISCONNECT_REASON = 1;
    public static final int DISCONNECT_TEXT_LENGTH = 2;
    public static final int DISCONNECT_TEXT = 3;

    // UDP datagram from a client: session id i64, cookie, then a body (MOVE or PING) without prefix.
    public static final int DATAGRAM_SESSION = 0;
    public static final int DATAGRAM_COOKIE = 8;
    public static final int DATAGRAM_BODY = 24;
    // UDP datagram from a node: session id i64, then a body (PONG).
    public static final int REPLY_BODY = 8;

    private ClientProtocol() {}
}
