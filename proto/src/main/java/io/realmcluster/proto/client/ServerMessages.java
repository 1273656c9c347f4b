package io.realmcluster.proto.client;

import static io.realmcluster.proto.client.ClientProtocol.*;

import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;

/**
 * What a node sends a client: encoders (nodes; the ones a tick thread calls take buffers, not
 * strings, and allocate nothing) and a validating decoder (bots and game clients).
 */
public final class ServerMessages {
    private static final ByteOrder LE = ByteOrder.LITTLE_ENDIAN;

    /** Receives decoded messages; buffers passed in are only valid during the call. */
    public interface Handler {
        void welcome(int version, long sessionId, DirectBuffer cookie, int cookieOffset, int tickHz);

        void worldEntered(long entityId, int mapId, float x, float y, float z, float o, float visibility);

        void selfState(
                int ackedSequence,
                float x,
                float y,
                float z,
                float o,
                int health,
                int maxHealth,
                int level,
                long money,
                long experience);

        /** {@code count} records of {@link ClientProtocol#RECORD_LENGTH} bytes from {@code recordsOffset}; read with {@link Record}. */
        void entityUpdates(int tick, int flags, int count, DirectBuffer buffer, int recordsOffset);

        void entityGone(int count, DirectBuffer buffer, int idsOffset);

        void chat(long fromEntity, DirectBuffer text, int offset, int length);

        void looted(long corpseId, long copper, long money);

        void redirect(String host, int port, DirectBuffer token, int tokenOffset, int tokenLength, String instanceId);

        /**
         * The client's map is moving to {@code host:port}: connect there now and send STANDBY_HELLO with
         * {@code token} (and ENTER_WORLD {@code instanceId} right behind it), and keep playing here.
         */
        void standby(String host, int port, DirectBuffer token, int tokenOffset, int tokenLength, String instanceId);

        void disconnect(DisconnectReason reason, String text);

        void pong(long nonce);

        /**
         * QUEUE_STATUS: {@code count} places of {@link ClientProtocol#QUEUE_PLACE_LENGTH} bytes from
         * {@code placesOffset} (battleground u8, position u16, waiting u16).
         */
        default void queueStatus(int count, DirectBuffer buffer, int placesOffset) {}

        /** QUEUE_REFUSED: why a join or leave for {@code battleground} was refused. */
        default void queueRefused(int battleground, String reason) {}

        /** BATTLEGROUND_INVITE: a seat in {@code matchId}, to accept within {@code secondsLeft}. */
        default void battlegroundInvite(int battleground, int secondsLeft, String matchId) {}

        /** INVITE_GONE: the invite to {@code matchId} expired, or its match ended before the entry. */
        default void inviteGone(int battleground, String matchId) {}

        /** INVITE_ACCEPTED: the accept of {@code matchId} was taken; {@code team} 1 Alliance, 2 Horde. */
        default void inviteAccepted(int battleground, int team, String matchId) {}

        /**
         * BATTLEGROUND_STATE: the whole body at {@code offset}, read with the {@code BG_STATE_*} offsets; its
         * {@code count} objectives start at {@code offset + BG_STATE_OBJECTIVES}, each {@code BG_OBJECTIVE_LENGTH}.
         */
        default void battlegroundState(DirectBuffer buffer, int offset, int count) {}

        /** INVENTORY: every item, {@code count} entries from {@code entriesOffset}; read with {@link ItemEntry}. */
        default void inventory(int count, DirectBuffer buffer, int entriesOffset) {}

        /** ITEM_SLOTS: slots changed (item id 0: empty now), {@code count} entries; read with {@link ItemEntry}. */
        default void itemSlots(int count, DirectBuffer buffer, int entriesOffset) {}

        /** ITEM_REFUSED: the request {@code requestOpcode} was refused, nothing changed. */
        default void itemRefused(int requestOpcode, ItemRefusal reason, String text) {}

        /** TRADE_STATE: the whole body at {@code offset}; read with {@link Trade} and {@link TradeEntry}. */
        default void tradeState(DirectBuffer buffer, int offset) {}
    }

    /** Accessors of one INVENTORY or ITEM_SLOTS entry at an offset. */
    public static final class ItemEntry {
        private ItemEntry() {}

        public static int slot(final DirectBuffer b, final int at) {
            return b.getByte(at + ITEM_ENTRY_SLOT) & 0xFF;
        }

        public static long itemId(final DirectBuffer b, final int at) {
            return b.getLong(at + ITEM_ENTRY_ID, LE);
        }

        public static int template(final DirectBuffer b, final int at) {
            return b.getInt(at + ITEM_ENTRY_TEMPLATE, LE);
        }

        public static int count(final DirectBuffer b, final int at) {
            return b.getShort(at + ITEM_ENTRY_COUNT, LE) & 0xFFFF;
        }

        /** Write one entry (item id 0, template 0, count 0 for an empty slot); returns its length. */
        public static int write(
                final MutableDirectBuffer b,
                final int at,
                final int slot,
                final long itemId,
                final int template,
                final int count) {
            b.putByte(at + ITEM_ENTRY_SLOT, (byte) slot);
            b.putLong(at + ITEM_ENTRY_ID, itemId, LE);
            b.putInt(at + ITEM_ENTRY_TEMPLATE, template, LE);
            b.putShort(at + ITEM_ENTRY_COUNT, (short) count, LE);
            return ITEM_ENTRY_LENGTH;
        }
    }

    /** Accessors of a TRADE_STATE body at an offset. */
    public static final class Trade {
        private Trade() {}

        /** The version a TRADE_ACCEPT names. */
        public static int version(final DirectBuffer b, final int o) {
            return b.getInt(o + TRADE_STATE_VERSION, LE);
        }

        public static long partner(final DirectBuffer b, final int o) {
            return b.getLong(o + TRADE_STATE_PARTNER, LE);
        }

        /** One of the {@code TRADE_PHASE_*} constants. */
        public static int phase(final DirectBuffer b, final int o) {
            return b.getByte(o + TRADE_STATE_PHASE) & 0xFF;
        }

        public static boolean youAccepted(final DirectBuffer b, final int o) {
            return b.getByte(o + TRADE_STATE_YOU_ACCEPTED) != 0;
        }

        public static boolean theyAccepted(final DirectBuffer b, final int o) {
            return b.getByte(o + TRADE_STATE_THEY_ACCEPTED) != 0;
        }

        public static long yourMoney(final DirectBuffer b, final int o) {
            return b.getLong(o + TRADE_STATE_YOUR_MONEY, LE);
        }

        public static long theirMoney(final DirectBuffer b, final int o) {
            return b.getLong(o + TRADE_STATE_THEIR_MONEY, LE);
        }

        public static int yourCount(final DirectBuffer b, final int o) {
            return b.getByte(o + TRADE_STATE_YOUR_COUNT) & 0xFF;
        }

        public static int theirCount(final DirectBuffer b, final int o) {
            return b.getByte(o + TRADE_STATE_THEIR_COUNT) & 0xFF;
        }

        /** Why a cancelled trade ended ({@link ItemRefusal#UNKNOWN}: none, a player's cancel). */
        public static ItemRefusal cancelReason(final DirectBuffer b, final int o) {
            return ItemRefusal.of(b.getByte(o + TRADE_STATE_CANCEL_REASON) & 0xFF);
        }

        /** The offset of entry {@code i} (0 to your count + their count - 1); read it with {@link TradeEntry}. */
        public static int entry(final int o, final int i) {
            return o + TRADE_STATE_ENTRIES + i * TRADE_ENTRY_LENGTH;
        }
    }

    /** Accessors of one TRADE_STATE entry at an offset. */
    public static final class TradeEntry {
        private TradeEntry() {}

        /** {@code TRADE_SIDE_YOURS} or {@code TRADE_SIDE_THEIRS}. */
        public static int side(final DirectBuffer b, final int at) {
            return b.getByte(at + TRADE_ENTRY_SIDE) & 0xFF;
        }

        public static int place(final DirectBuffer b, final int at) {
            return b.getByte(at + TRADE_ENTRY_PLACE) & 0xFF;
        }

        public static long itemId(final DirectBuffer b, final int at) {
            return b.getLong(at + TRADE_ENTRY_ID, LE);
        }

        public static int template(final DirectBuffer b, final int at) {
            return b.getInt(at + TRADE_ENTRY_TEMPLATE, LE);
        }

        public static int count(final DirectBuffer b, final int at) {
            return b.getShort(at + TRADE_ENTRY_COUNT, LE) & 0xFFFF;
        }

        /** Write one entry; returns its length. */
        public static int write(
                final MutableDirectBuffer b,
                final int at,
                final int side,
                final int place,
                final long itemId,
                final int template,
                final int count) {
            b.putByte(at + TRADE_ENTRY_SIDE, (byte) side);
            b.putByte(at + TRADE_ENTRY_PLACE, (byte) place);
            b.putLong(at + TRADE_ENTRY_ID, itemId, LE);
            b.putInt(at + TRADE_ENTRY_TEMPLATE, template, LE);
            b.putShort(at + TRADE_ENTRY_COUNT, (short) count, LE);
            return TRADE_ENTRY_LENGTH;
        }
    }

    /** Accessors of one entity record at an offset. */
    public static final class Record {
        private Record() {}

        public static long id(final DirectBuffer b, final int at) {
            return b.getLong(at + RECORD_ID, LE);
        }

        public static byte kind(final DirectBuffer b, final int at) {
            return b.getByte(at + RECORD_KIND);
        }

        public static int flags(final DirectBuffer b, final int at) {
            return b.getByte(at + RECORD_FLAGS) & 0xFF;
        }

        public static float x(final DirectBuffer b, final int at) {
            return b.getFloat(at + RECORD_X, LE);
        }

        public static float y(final DirectBuffer b, final int at) {
            return b.getFloat(at + RECORD_Y, LE);
        }

        public static int health(final DirectBuffer b, final int at) {
            return b.getInt(at + RECORD_HEALTH, LE);
        }

        /** Write one record; returns its length. */
        public static int write(
                final MutableDirectBuffer b,
                final int at,
                final long id,
                final byte kind,
                final int flags,
                final float x,
                final float y,
                final float z,
                final float o,
                final int health,
                final int maxHealth) {
            b.putLong(at + RECORD_ID, id, LE);
            b.putByte(at + RECORD_KIND, kind);
            b.putByte(at + RECORD_FLAGS, (byte) flags);
            b.putFloat(at + RECORD_X, x, LE);
            b.putFloat(at + RECORD_Y, y, LE);
            b.putFloat(at + RECORD_Z, z, LE);
            b.putFloat(at + RECORD_O, o, LE);
            b.putInt(at + RECORD_HEALTH, health, LE);
            b.putInt(at + RECORD_MAX_HEALTH, maxHealth, LE);
            return RECORD_LENGTH;
        }
    }

    private ServerMessages() {}

    /** Decode one body and pass it to {@code handler}; returns null, or why the body was refused. */
    public static FrameError decode(
            final DirectBuffer buffer, final int offset, final int length, final Handler handler) {
        if (length < 1) {
            return FrameError.EMPTY;
        }
        if (length > MAX_BODY) {
            return FrameError.OVERSIZED;
        }
        final int o = offset;
        switch (buffer.getByte(o)) {
            case WELCOME -> {
                if (length != WELCOME_LENGTH) {
                    return FrameError.BAD_LENGTH;
                }
                handler.welcome(
                        buffer.getShort(o + WELCOME_VERSION, LE) & 0xFFFF,
                        buffer.getLong(o + WELCOME_SESSION, LE),
                        buffer,
                        o + WELCOME_COOKIE,
                        buffer.getByte(o + WELCOME_TICK_HZ) & 0xFF);
            }
            case WORLD_ENTERED -> {
                if (length != ENTERED_LENGTH) {
                    return FrameError.BAD_LENGTH;
                }
                handler.worldEntered(
                        buffer.getLong(o + ENTERED_ENTITY, LE),
                        buffer.getInt(o + ENTERED_MAP, LE),
                        buffer.getFloat(o + ENTERED_X, LE),
                        buffer.getFloat(o + ENTERED_Y, LE),
                        buffer.getFloat(o + ENTERED_Z, LE),
                        buffer.getFloat(o + ENTERED_O, LE),
                        buffer.getFloat(o + ENTERED_VISIBILITY, LE));
            }
            case SELF_STATE -> {
                if (length != SELF_LENGTH) {
                    return FrameError.BAD_LENGTH;
                }
                handler.selfState(
                        buffer.getInt(o + SELF_ACK, LE),
                        buffer.getFloat(o + SELF_X, LE),
                        buffer.getFloat(o + SELF_Y, LE),
                        buffer.getFloat(o + SELF_Z, LE),
                        buffer.getFloat(o + SELF_O, LE),
                        buffer.getInt(o + SELF_HEALTH, LE),
                        buffer.getInt(o + SELF_MAX_HEALTH, LE),
                        buffer.getInt(o + SELF_LEVEL, LE),
                        buffer.getLong(o + SELF_MONEY, LE),
                        buffer.getLong(o + SELF_EXPERIENCE, LE));
            }
            case ENTITY_UPDATES -> {
                if (length < UPDATES_RECORDS) {
                    return FrameError.BAD_LENGTH;
                }
                final int count = buffer.getShort(o + UPDATES_COUNT, LE) & 0xFFFF;
                if (length != UPDATES_RECORDS + count * RECORD_LENGTH) {
                    return FrameError.BAD_LENGTH;
                }
                handler.entityUpdates(
                        buffer.getInt(o + UPDATES_TICK, LE),
                        buffer.getByte(o + UPDATES_FLAGS) & 0xFF,
                        count,
                        buffer,
                        o + UPDATES_RECORDS);
            }
            case ENTITY_GONE -> {
                if (length < GONE_IDS) {
                    return FrameError.BAD_LENGTH;
                }
                final int count = buffer.getShort(o + GONE_COUNT, LE) & 0xFFFF;
                if (count == 0) {
                    return FrameError.BAD_FIELD;
                }
                if (length != GONE_IDS + count * 8) {
                    return FrameError.BAD_LENGTH;
                }
                handler.entityGone(count, buffer, o + GONE_IDS);
            }
            case QUEUE_STATUS -> {
                if (length < QUEUE_STATUS_PLACES) {
                    return FrameError.BAD_LENGTH;
                }
                final int count = buffer.getByte(o + QUEUE_STATUS_COUNT) & 0xFF;
                if (count > MAX_QUEUE_PLACES) {
                    return FrameError.BAD_FIELD;
                }
                if (length != QUEUE_STATUS_PLACES + count * QUEUE_PLACE_LENGTH) {
                    return FrameError.BAD_LENGTH;
                }
                handler.queueStatus(count, buffer, o + QUEUE_STATUS_PLACES);
            }
            case QUEUE_REFUSED -> {
                final FrameError error = ClientMessages.checkText(buffer, o, length, REFUSED_TEXT_LENGTH, MAX_REFUSAL);
                if (error != null) {
                    return error;
                }
                handler.queueRefused(
                        buffer.getByte(o + REFUSED_BATTLEGROUND) & 0xFF,
                        buffer.getStringWithoutLengthAscii(o + REFUSED_TEXT, length - REFUSED_TEXT));
            }
            case BATTLEGROUND_INVITE -> {
                final FrameError error = ClientMessages.checkText(buffer, o, length, INVITE_MATCH_LENGTH, MAX_MATCH_ID);
                if (error != null) {
                    return error;
                }
                handler.battlegroundInvite(
                        buffer.getByte(o + INVITE_BATTLEGROUND) & 0xFF,
                        buffer.getShort(o + INVITE_SECONDS, LE) & 0xFFFF,
                        buffer.getStringWithoutLengthAscii(o + INVITE_MATCH, length - INVITE_MATCH));
            }
            case INVITE_GONE -> {
                final FrameError error =
                        ClientMessages.checkText(buffer, o, length, INVITE_GONE_MATCH_LENGTH, MAX_MATCH_ID);
                if (error != null) {
                    return error;
                }
                handler.inviteGone(
                        buffer.getByte(o + INVITE_GONE_BATTLEGROUND) & 0xFF,
                        buffer.getStringWithoutLengthAscii(o + INVITE_GONE_MATCH, length - INVITE_GONE_MATCH));
            }
            case BATTLEGROUND_STATE -> {
                if (length < BG_STATE_OBJECTIVES) {
                    return FrameError.BAD_LENGTH;
                }
                final int count = buffer.getByte(o + BG_STATE_OBJECTIVE_COUNT) & 0xFF;
                if (count > MAX_BG_OBJECTIVES) {
                    return FrameError.BAD_FIELD;
                }
                if (length != BG_STATE_OBJECTIVES + count * BG_OBJECTIVE_LENGTH) {
                    return FrameError.BAD_LENGTH;
                }
                handler.battlegroundState(buffer, o, count);
            }
            case INVITE_ACCEPTED -> {
                final FrameError error =
                        ClientMessages.checkText(buffer, o, length, ACCEPTED_MATCH_LENGTH, MAX_MATCH_ID);
                if (error != null) {
                    return error;
                }
                handler.inviteAccepted(
                        buffer.getByte(o + ACCEPTED_BATTLEGROUND) & 0xFF,
                        buffer.getByte(o + ACCEPTED_TEAM) & 0xFF,
                        buffer.getStringWithoutLengthAscii(o + ACCEPTED_MATCH, length - ACCEPTED_MATCH));
            }
            case INVENTORY, ITEM_SLOTS -> {
                if (length < ITEMS_ENTRIES) {
                    return FrameError.BAD_LENGTH;
                }
                final int count = buffer.getByte(o + ITEMS_COUNT) & 0xFF;
                if (count > MAX_ITEM_ENTRIES || (count == 0 && buffer.getByte(o) == ITEM_SLOTS)) {
                    return FrameError.BAD_FIELD;
                }
                if (length != ITEMS_ENTRIES + count * ITEM_ENTRY_LENGTH) {
                    return FrameError.BAD_LENGTH;
                }
                if (buffer.getByte(o) == INVENTORY) {
                    handler.inventory(count, buffer, o + ITEMS_ENTRIES);
                } else {
                    handler.itemSlots(count, buffer, o + ITEMS_ENTRIES);
                }
            }
            case ITEM_REFUSED -> {
                final FrameError error =
                        ClientMessages.checkText(buffer, o, length, ITEM_REFUSED_TEXT_LENGTH, MAX_REFUSAL);
                if (error != null) {
                    return error;
                }
                handler.itemRefused(
                        buffer.getByte(o + ITEM_REFUSED_OPCODE) & 0xFF,
                        ItemRefusal.of(buffer.getByte(o + ITEM_REFUSED_REASON) & 0xFF),
                        buffer.getStringWithoutLengthAscii(o + ITEM_REFUSED_TEXT, length - ITEM_REFUSED_TEXT));
            }
            case TRADE_STATE -> {
                if (length < TRADE_STATE_ENTRIES) {
                    return FrameError.BAD_LENGTH;
                }
                final int yours = buffer.getByte(o + TRADE_STATE_YOUR_COUNT) & 0xFF;
                final int theirs = buffer.getByte(o + TRADE_STATE_THEIR_COUNT) & 0xFF;
                if (yours > TRADE_PLACES || theirs > TRADE_PLACES) {
                    return FrameError.BAD_FIELD;
                }
                if (length != TRADE_STATE_ENTRIES + (yours + theirs) * TRADE_ENTRY_LENGTH) {
                    return FrameError.BAD_LENGTH;
                }
                handler.tradeState(buffer, o);
            }
            case CHAT -> {
                final FrameError error = ClientMessages.checkText(buffer, o, length, CHAT_TEXT_LENGTH, MAX_CHAT);
                if (error != null) {
                    return error;
                }
                handler.chat(buffer.getLong(o + CHAT_FROM, LE), buffer, o + CHAT_TEXT, length - CHAT_TEXT);
            }
            case LOOTED -> {
                if (length != LOOTED_LENGTH) {
                    return FrameError.BAD_LENGTH;
                }
                handler.looted(
                        buffer.getLong(o + LOOTED_CORPSE, LE),
                        buffer.getLong(o + LOOTED_COPPER, LE),
                        buffer.getLong(o + LOOTED_MONEY, LE));
            }
            case REDIRECT, STANDBY -> {
                if (length < REDIRECT_HOST + 1 + 2) {
                    return FrameError.BAD_LENGTH;
                }
                final int hostLength = buffer.getByte(o + REDIRECT_HOST_LENGTH) & 0xFF;
                final int tokenLengthAt = REDIRECT_HOST + hostLength;
                if (hostLength == 0 || length < tokenLengthAt + 2) {
                    return FrameError.BAD_FIELD;
                }
                final int tokenLength = buffer.getShort(o + tokenLengthAt, LE) & 0xFFFF;
                final int instanceLengthAt = tokenLengthAt + 2 + tokenLength;
                if (tokenLength == 0 || tokenLength > MAX_TOKEN || length < instanceLengthAt + 1) {
                    return FrameError.BAD_LENGTH;
                }
                final int instanceLength = buffer.getByte(o + instanceLengthAt) & 0xFF;
                if (instanceLength == 0
                        || instanceLength > MAX_INSTANCE_ID
                        || length != instanceLengthAt + 1 + instanceLength) {
                    return FrameError.BAD_LENGTH;
                }
                final String host = buffer.getStringWithoutLengthAscii(o + REDIRECT_HOST, hostLength);
                final int port = buffer.getShort(o + REDIRECT_PORT, LE) & 0xFFFF;
                final String instanceId = buffer.getStringWithoutLengthAscii(o + instanceLengthAt + 1, instanceLength);
                if (buffer.getByte(o) == REDIRECT) {
                    handler.redirect(host, port, buffer, o + tokenLengthAt + 2, tokenLength, instanceId);
                } else {
                    handler.standby(host, port, buffer, o + tokenLengthAt + 2, tokenLength, instanceId);
                }
            }
            case DISCONNECT -> {
                if (length < DISCONNECT_TEXT) {
                    return FrameError.BAD_LENGTH;
                }
                final int textLength = buffer.getByte(o + DISCONNECT_TEXT_LENGTH) & 0xFF;
                if (length != DISCONNECT_TEXT + textLength) {
                    return FrameError.BAD_LENGTH;
                }
                final byte[] text = new byte[textLength];
                buffer.getBytes(o + DISCONNECT_TEXT, text);
                handler.disconnect(
                        DisconnectReason.of(buffer.getByte(o + DISCONNECT_REASON) & 0xFF),
                        new String(text, StandardCharsets.UTF_8));
            }
            case PONG -> {
                if (length != ID_LENGTH) {
                    return FrameError.BAD_LENGTH;
                }
                handler.pong(buffer.getLong(o + ID_FIELD, LE));
            }
            default -> {
                return FrameError.UNKNOWN_OPCODE;
            }
        }
        return null;
    }

    public static int welcome(
            final MutableDirectBuffer b, final int o, final long sessionId, final byte[] cookie, final int tickHz) {
        if (cookie.length != COOKIE_BYTES) {
            throw new IllegalArgumentException("cookie must be " + COOKIE_BYTES + " bytes, got " + cookie.length);
        }
        b.putByte(o, WELCOME);
        b.putShort(o + WELCOME_VERSION, (short) VERSION, LE);
        b.putLong(o + WELCOME_SESSION, sessionId, LE);
        b.putBytes(o + WELCOME_COOKIE, cookie);
        b.putByte(o + WELCOME_TICK_HZ, (byte) tickHz);
        return WELCOME_LENGTH;
    }

    public static int worldEntered(
            final MutableDirectBuffer b,
            final int o,
            final long entityId,
            final int mapId,
            final float x,
            final float y,
            final float z,
            final float orientation,
            final float visibility) {
        b.putByte(o, WORLD_ENTERED);
        b.putLong(o + ENTERED_ENTITY, entityId, LE);
        b.putInt(o + ENTERED_MAP, mapId, LE);
        b.putFloat(o + ENTERED_X, x, LE);
        b.putFloat(o + ENTERED_Y, y, LE);
        b.putFloat(o + ENTERED_Z, z, LE);
        b.putFloat(o + ENTERED_O, orientation, LE);
        b.putFloat(o + ENTERED_VISIBILITY, visibility, LE);
        return ENTERED_LENGTH;
    }

    public static int selfState(
            final MutableDirectBuffer b,
            final int o,
            final int ackedSequence,
            final float x,
            final float y,
            final float z,
            final float orientation,
            final int health,
            final int maxHealth,
            final int level,
            final long money,
            final long experience) {
        b.putByte(o, SELF_STATE);
        b.putInt(o + SELF_ACK, ackedSequence, LE);
        b.putFloat(o + SELF_X, x, LE);
        b.putFloat(o + SELF_Y, y, LE);
        b.putFloat(o + SELF_Z, z, LE);
        b.putFloat(o + SELF_O, orientation, LE);
        b.putInt(o + SELF_HEALTH, health, LE);
        b.putInt(o + SELF_MAX_HEALTH, maxHealth, LE);
        b.putInt(o + SELF_LEVEL, level, LE);
        b.putLong(o + SELF_MONEY, money, LE);
        b.putLong(o + SELF_EXPERIENCE, experience, LE);
        return SELF_LENGTH;
    }

    /** Start an ENTITY_UPDATES body; write records from {@code o + UPDATES_RECORDS}, then {@link #updatesCount}. */
    public static void updatesHeader(final MutableDirectBuffer b, final int o, final int tick, final int flags) {
        b.putByte(o, ENTITY_UPDATES);
        b.putInt(o + UPDATES_TICK, tick, LE);
        b.putByte(o + UPDATES_FLAGS, (byte) flags);
        b.putShort(o + UPDATES_COUNT, (short) 0, LE);
    }

    /** Set the record count of an ENTITY_UPDATES body; returns the body's length. */
    public static int updatesCount(final MutableDirectBuffer b, final int o, final int count) {
        if (count < 0 || count > MAX_RECORDS) {
            throw new IllegalArgumentException("record count " + count + " outside 0.." + MAX_RECORDS);
        }
        b.putShort(o + UPDATES_COUNT, (short) count, LE);
        return UPDATES_RECORDS + count * RECORD_LENGTH;
    }

    public static int entityGone(final MutableDirectBuffer b, final int o, final long entityId) {
        b.putByte(o, ENTITY_GONE);
        b.putShort(o + GONE_COUNT, (short) 1, LE);
        b.putLong(o + GONE_IDS, entityId, LE);
        return GONE_IDS + 8;
    }

    /** CHAT from a speaker, the text copied from {@code text} (1..255 bytes of UTF-8). */
    public static int chat(
            final MutableDirectBuffer b,
            final int o,
            final long fromEntity,
            final DirectBuffer text,
            final int textOffset,
            final int textLength) {
        if (textLength < 1 || textLength > MAX_CHAT) {
            throw new IllegalArgumentException("chat text of " + textLength + " bytes; must be 1.." + MAX_CHAT);
        }
        b.putByte(o, CHAT);
        b.putLong(o + CHAT_FROM, fromEntity, LE);
        b.putByte(o + CHAT_TEXT_LENGTH, (byte) textLength);
        b.putBytes(o + CHAT_TEXT, text, textOffset, textLength);
        return CHAT_TEXT + textLength;
    }

    public static int looted(
            final MutableDirectBuffer b, final int o, final long corpseId, final long copper, final long money) {
        b.putByte(o, LOOTED);
        b.putLong(o + LOOTED_CORPSE, corpseId, LE);
        b.putLong(o + LOOTED_COPPER, copper, LE);
        b.putLong(o + LOOTED_MONEY, money, LE);
        return LOOTED_LENGTH;
    }

    /** REDIRECT to {@code host:port}, where the client says HELLO with {@code token} and enters {@code instanceId}. */
    public static int redirect(
            final MutableDirectBuffer b,
            final int o,
            final String host,
            final int port,
            final byte[] token,
            final String instanceId) {
        return redirect(b, o, REDIRECT, host, port, token, instanceId);
    }

    /** STANDBY at {@code host:port}, where the client says STANDBY_HELLO with {@code token} and enters {@code instanceId}. */
    public static int standby(
            final MutableDirectBuffer b,
            final int o,
            final String host,
            final int port,
            final byte[] token,
            final String instanceId) {
        return redirect(b, o, STANDBY, host, port, token, instanceId);
    }

    private static int redirect(
            final MutableDirectBuffer b,
            final int o,
            final byte opcode,
            final String host,
            final int port,
            final byte[] token,
            final String instanceId) {
        final byte[] hostBytes = host.getBytes(StandardCharsets.US_ASCII);
        final byte[] instanceBytes = instanceId.getBytes(StandardCharsets.US_ASCII);
        if (hostBytes.length == 0
                || hostBytes.length > MAX_HOST
                || token.length == 0
                || token.length > MAX_TOKEN
                || instanceBytes.length == 0
                || instanceBytes.length > MAX_INSTANCE_ID) {
            throw new IllegalArgumentException("redirect host of " + hostBytes.length + " bytes, token of "
                    + token.length + " bytes or instance id of " + instanceBytes.length + " bytes out of range");
        }
        b.putByte(o, opcode);
        b.putShort(o + REDIRECT_PORT, (short) port, LE);
        b.putByte(o + REDIRECT_HOST_LENGTH, (byte) hostBytes.length);
        b.putBytes(o + REDIRECT_HOST, hostBytes);
        final int tokenLengthAt = o + REDIRECT_HOST + hostBytes.length;
        b.putShort(tokenLengthAt, (short) token.length, LE);
        b.putBytes(tokenLengthAt + 2, token);
        final int instanceLengthAt = tokenLengthAt + 2 + token.length;
        b.putByte(instanceLengthAt, (byte) instanceBytes.length);
        b.putBytes(instanceLengthAt + 1, instanceBytes);
        return instanceLengthAt + 1 + instanceBytes.length - o;
    }

    /** DISCONNECT with a reason and a short text (cut to 255 bytes). */
    public static int disconnect(
            final MutableDirectBuffer b, final int o, final DisconnectReason reason, final String text) {
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        if (bytes.length > 255) {
            bytes = Arrays.copyOf(bytes, 255);
        }
        b.putByte(o, DISCONNECT);
        b.putByte(o + DISCONNECT_REASON, (byte) reason.code());
        b.putByte(o + DISCONNECT_TEXT_LENGTH, (byte) bytes.length);
        b.putBytes(o + DISCONNECT_TEXT, bytes);
        return DISCONNECT_TEXT + bytes.length;
    }

    /** QUEUE_STATUS with no places yet; add them with {@link #queuePlace}, counting them in the header. */
    public static int queueStatusHeader(final MutableDirectBuffer b, final int o, final int count) {
        if (count < 0 || count > MAX_QUEUE_PLACES) {
            throw new IllegalArgumentException(count + " queue places; at most " + MAX_QUEUE_PLACES);
        }
        b.putByte(o, QUEUE_STATUS);
        b.putByte(o + QUEUE_STATUS_COUNT, (byte) count);
        return QUEUE_STATUS_PLACES;
    }

    /** One place of QUEUE_STATUS at {@code at}; returns its length. */
    public static int queuePlace(
            final MutableDirectBuffer b, final int at, final int battleground, final int position, final int waiting) {
        b.putByte(at + QUEUE_PLACE_BATTLEGROUND, (byte) battleground);
        b.putShort(at + QUEUE_PLACE_POSITION, (short) Math.min(position, 0xFFFF), LE);
        b.putShort(at + QUEUE_PLACE_WAITING, (short) Math.min(waiting, 0xFFFF), LE);
        return QUEUE_PLACE_LENGTH;
    }

    /** QUEUE_REFUSED; the reason is cut to {@link ClientProtocol#MAX_REFUSAL} ASCII bytes. */
    public static int queueRefused(
            final MutableDirectBuffer b, final int o, final int battleground, final String reason) {
        final byte[] text = ascii(reason.isEmpty() ? "refused" : reason, MAX_REFUSAL);
        b.putByte(o, QUEUE_REFUSED);
        b.putByte(o + REFUSED_BATTLEGROUND, (byte) battleground);
        b.putByte(o + REFUSED_TEXT_LENGTH, (byte) text.length);
        b.putBytes(o + REFUSED_TEXT, text);
        return REFUSED_TEXT + text.length;
    }

    /** BATTLEGROUND_INVITE; returns the body's length. */
    public static int battlegroundInvite(
            final MutableDirectBuffer b,
            final int o,
            final int battleground,
            final int secondsLeft,
            final String matchId) {
        final byte[] id = ascii(matchId, MAX_MATCH_ID);
        b.putByte(o, BATTLEGROUND_INVITE);
        b.putByte(o + INVITE_BATTLEGROUND, (byte) battleground);
        b.putShort(o + INVITE_SECONDS, (short) Math.max(0, Math.min(secondsLeft, 0xFFFF)), LE);
        b.putByte(o + INVITE_MATCH_LENGTH, (byte) id.length);
        b.putBytes(o + INVITE_MATCH, id);
        return INVITE_MATCH + id.length;
    }

    /** INVITE_GONE; returns the body's length. */
    public static int inviteGone(
            final MutableDirectBuffer b, final int o, final int battleground, final String matchId) {
        final byte[] id = ascii(matchId, MAX_MATCH_ID);
        b.putByte(o, INVITE_GONE);
        b.putByte(o + INVITE_GONE_BATTLEGROUND, (byte) battleground);
        b.putByte(o + INVITE_GONE_MATCH_LENGTH, (byte) id.length);
        b.putBytes(o + INVITE_GONE_MATCH, id);
        return INVITE_GONE_MATCH + id.length;
    }

    /**
     * BATTLEGROUND_STATE's fixed part, {@code objectives} of them to follow ({@link #battlegroundObjective});
     * sides as on the wire (0 none, 1 Alliance, 2 Horde, 3 draw). Returns its length.
     */
    @SuppressWarnings("checkstyle:ParameterNumber")
    public static int battlegroundStateHeader(
            final MutableDirectBuffer b,
            final int o,
            final int mapId,
            final int phase,
            final int winner,
            final long allianceScore,
            final long hordeScore,
            final int alliancePlayers,
            final int hordePlayers,
            final long millisLeft,
            final int objectives) {
        if (objectives < 0 || objectives > MAX_BG_OBJECTIVES) {
            throw new IllegalArgumentException(
                    "a battleground has 0 to " + MAX_BG_OBJECTIVES + " objectives: " + objectives);
        }
        b.putByte(o, BATTLEGROUND_STATE);
        b.putShort(o + BG_STATE_MAP, (short) mapId, LE);
        b.putByte(o + BG_STATE_PHASE, (byte) phase);
        b.putByte(o + BG_STATE_WINNER, (byte) winner);
        b.putInt(o + BG_STATE_ALLIANCE_SCORE, (int) allianceScore, LE);
        b.putInt(o + BG_STATE_HORDE_SCORE, (int) hordeScore, LE);
        b.putByte(o + BG_STATE_ALLIANCE_PLAYERS, (byte) Math.min(255, alliancePlayers));
        b.putByte(o + BG_STATE_HORDE_PLAYERS, (byte) Math.min(255, hordePlayers));
        b.putInt(o + BG_STATE_MILLIS_LEFT, (int) Math.min(0xFFFF_FFFFL, Math.max(0, millisLeft)), LE);
        b.putByte(o + BG_STATE_OBJECTIVE_COUNT, (byte) objectives);
        return BG_STATE_OBJECTIVES;
    }

    /** One objective of a BATTLEGROUND_STATE at {@code o}; returns its length. */
    public static int battlegroundObjective(
            final MutableDirectBuffer b,
            final int o,
            final int state,
            final int side,
            final int challenger,
            final float x,
            final float y,
            final long millisLeft,
            final long carrier) {
        b.putByte(o + BG_OBJECTIVE_STATE, (byte) state);
        b.putByte(o + BG_OBJECTIVE_SIDE, (byte) side);
        b.putByte(o + BG_OBJECTIVE_CHALLENGER, (byte) challenger);
        b.putByte(o + BG_OBJECTIVE_CHALLENGER + 1, (byte) 0);
        b.putFloat(o + BG_OBJECTIVE_X, x, LE);
        b.putFloat(o + BG_OBJECTIVE_Y, y, LE);
        b.putInt(o + BG_OBJECTIVE_MILLIS_LEFT, (int) Math.min(0xFFFF_FFFFL, Math.max(0, millisLeft)), LE);
        b.putLong(o + BG_OBJECTIVE_CARRIER, carrier, LE);
        return BG_OBJECTIVE_LENGTH;
    }

    /** INVITE_ACCEPTED; returns the body's length. */
    public static int inviteAccepted(
            final MutableDirectBuffer b, final int o, final int battleground, final int team, final String matchId) {
        final byte[] id = ascii(matchId, MAX_MATCH_ID);
        b.putByte(o, INVITE_ACCEPTED);
        b.putByte(o + ACCEPTED_BATTLEGROUND, (byte) battleground);
        b.putByte(o + ACCEPTED_TEAM, (byte) team);
        b.putByte(o + ACCEPTED_MATCH_LENGTH, (byte) id.length);
        b.putBytes(o + ACCEPTED_MATCH, id);
        return ACCEPTED_MATCH + id.length;
    }

    /** INVENTORY header for {@code count} entries to follow ({@link ItemEntry#write}); returns its length. */
    public static int inventory(final MutableDirectBuffer b, final int o, final int count) {
        return items(b, o, INVENTORY, count, 0);
    }

    /** ITEM_SLOTS header for {@code count} (1 or more) entries to follow; returns its length. */
    public static int itemSlots(final MutableDirectBuffer b, final int o, final int count) {
        return items(b, o, ITEM_SLOTS, count, 1);
    }

    private static int items(
            final MutableDirectBuffer b, final int o, final byte opcode, final int count, final int min) {
        if (count < min || count > MAX_ITEM_ENTRIES) {
            throw new IllegalArgumentException(
                    "item entry count " + count + " outside " + min + ".." + MAX_ITEM_ENTRIES);
        }
        b.putByte(o, opcode);
        b.putByte(o + ITEMS_COUNT, (byte) count);
        return ITEMS_ENTRIES;
    }

    /** ITEM_REFUSED of {@code requestOpcode} with the reason's own text; allocates nothing. */
    public static int itemRefused(
            final MutableDirectBuffer b, final int o, final byte requestOpcode, final ItemRefusal reason) {
        final byte[] text = reason.text();
        b.putByte(o, ITEM_REFUSED);
        b.putByte(o + ITEM_REFUSED_OPCODE, requestOpcode);
        b.putByte(o + ITEM_REFUSED_REASON, (byte) reason.code());
        b.putByte(o + ITEM_REFUSED_TEXT_LENGTH, (byte) text.length);
        b.putBytes(o + ITEM_REFUSED_TEXT, text);
        return ITEM_REFUSED_TEXT + text.length;
    }

    /** ITEM_REFUSED with a text of its own (cut to {@link ClientProtocol#MAX_REFUSAL} ASCII bytes). */
    public static int itemRefused(
            final MutableDirectBuffer b,
            final int o,
            final byte requestOpcode,
            final ItemRefusal reason,
            final String text) {
        final byte[] bytes = ascii(text.isEmpty() ? "refused" : text, MAX_REFUSAL);
        b.putByte(o, ITEM_REFUSED);
        b.putByte(o + ITEM_REFUSED_OPCODE, requestOpcode);
        b.putByte(o + ITEM_REFUSED_REASON, (byte) reason.code());
        b.putByte(o + ITEM_REFUSED_TEXT_LENGTH, (byte) bytes.length);
        b.putBytes(o + ITEM_REFUSED_TEXT, bytes);
        return ITEM_REFUSED_TEXT + bytes.length;
    }

    /**
     * TRADE_STATE's fixed part, {@code yourCount + theirCount} entries to follow ({@link TradeEntry#write});
     * {@code cancelReason} null for none. Returns its length.
     */
    @SuppressWarnings("checkstyle:ParameterNumber")
    public static int tradeState(
            final MutableDirectBuffer b,
            final int o,
            final int version,
            final long partner,
            final int phase,
            final boolean youAccepted,
            final boolean theyAccepted,
            final long yourMoney,
            final long theirMoney,
            final int yourCount,
            final int theirCount,
            final ItemRefusal cancelReason) {
        if (yourCount < 0 || yourCount > TRADE_PLACES || theirCount < 0 || theirCount > TRADE_PLACES) {
            throw new IllegalArgumentException(
                    "a trade side holds 0.." + TRADE_PLACES + " items: " + yourCount + " and " + theirCount);
        }
        b.putByte(o, TRADE_STATE);
        b.putInt(o + TRADE_STATE_VERSION, version, LE);
        b.putLong(o + TRADE_STATE_PARTNER, partner, LE);
        b.putByte(o + TRADE_STATE_PHASE, (byte) phase);
        b.putByte(o + TRADE_STATE_YOU_ACCEPTED, (byte) (youAccepted ? 1 : 0));
        b.putByte(o + TRADE_STATE_THEY_ACCEPTED, (byte) (theyAccepted ? 1 : 0));
        b.putLong(o + TRADE_STATE_YOUR_MONEY, yourMoney, LE);
        b.putLong(o + TRADE_STATE_THEIR_MONEY, theirMoney, LE);
        b.putByte(o + TRADE_STATE_YOUR_COUNT, (byte) yourCount);
        b.putByte(o + TRADE_STATE_THEIR_COUNT, (byte) theirCount);
        b.putByte(o + TRADE_STATE_CANCEL_REASON, (byte) (cancelReason == null ? 0 : cancelReason.code()));
        return TRADE_STATE_ENTRIES;
    }

    private static byte[] ascii(final String text, final int max) {
        final byte[] bytes = new byte[Math.min(text.length(), max)];
        for (int i = 0; i < bytes.length; i++) {
            final char c = text.charAt(i);
            bytes[i] = c >= 0x20 && c < 0x7F ? (byte) c : (byte) '?';
        }
        return bytes;
    }

    public static int pong(final MutableDirectBuffer b, final int o, final long nonce) {
        return ClientMessages.id(b, o, PONG, nonce);
    }
}
