package io.realmcluster.proto.client;

import static io.realmcluster.proto.client.ClientProtocol.*;

import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;

/**
 * What a client sends a node: encoders (bots) and a validating decoder (nodes) over Agrona
 * buffers. The decoder checks a body's length and fields before it calls the handler, so a
 * handler only ever sees well-formed messages; it allocates nothing.
 */
public final class ClientMessages {
    private static final ByteOrder LE = ByteOrder.LITTLE_ENDIAN;

    /** Receives decoded messages; buffers passed in are only valid during the call. */
    public interface Handler {
        void hello(int version, DirectBuffer token, int tokenOffset, int tokenLength);

        /** HELLO of a connection that waits for the character's transfer to this node (see STANDBY). */
        void standbyHello(int version, DirectBuffer token, int tokenOffset, int tokenLength);

        void enterWorld(DirectBuffer instanceId, int offset, int length);

        void move(int sequence, float x, float y, float z, float orientation, int flags);

        void say(DirectBuffer text, int offset, int length);

        void attack(long targetId);

        void loot(long corpseId);

        void logout();

        void ping(long nonce);

        /** QUEUE_JOIN; a handler that serves no battlegrounds ignores it. */
        default void queueJoin(int battleground) {}

        /** QUEUE_LEAVE. */
        default void queueLeave(int battleground) {}

        /** QUEUE_STATUS_REQUEST. */
        default void queueStatusRequest() {}

        /** INVITE_ACCEPT ({@code accept}) or INVITE_DECLINE of the invite to {@code matchId}. */
        default void inviteAnswer(String matchId, boolean accept) {}

        /** BATTLEGROUND_LEAVE. */
        default void battlegroundLeave() {}

        /** ITEM_MOVE from one slot to another (slots unchecked: 0..255). */
        default void itemMove(int fromSlot, int toSlot) {}

        /** ITEM_SPLIT of {@code count} (0..65535) from one slot into another. */
        default void itemSplit(int fromSlot, int toSlot, int count) {}

        /** ITEM_DESTROY of the stack in {@code slot}. */
        default void itemDestroy(int slot) {}

        /** TRADE_OPEN with the player {@code targetEntity}. */
        default void tradeOpen(long targetEntity) {}

        /** TRADE_PUT of the item in {@code bagSlot} at {@code place}, or empty it ({@code TRADE_PUT_EMPTY}). */
        default void tradePut(int place, int bagSlot) {}

        /** TRADE_MONEY: the copper this player gives (unchecked: any i64). */
        default void tradeMoney(long copper) {}

        /** TRADE_ACCEPT of the trade as it was at {@code version} (u32 as an int). */
        default void tradeAccept(int version) {}

        /** TRADE_CANCEL. */
        default void tradeCancel() {}
    }

    private ClientMessages() {}

    /**
     * Decode one body ({@code length} bytes at {@code offset}, the length prefix already taken off)
     * and pass it to {@code handler}; returns null, or why the body was refused (the handler is
     * then not called).
     */
    public static FrameError decode(
            final DirectBuffer buffer, final int offset, final int length, final Handler handler) {
        if (length < 1) {
            return FrameError.EMPTY;
        }
        if (length > MAX_BODY) {
            return FrameError.OVERSIZED;
        }
        switch (buffer.getByte(offset + OPCODE_OFFSET)) {
            case HELLO, STANDBY_HELLO -> {
                if (length < HELLO_TOKEN) {
                    return FrameError.BAD_LENGTH;
                }
                final int tokenLength = buffer.getShort(offset + HELLO_TOKEN_LENGTH, LE) & 0xFFFF;
                if (tokenLength == 0 || tokenLength > MAX_TOKEN) {
                    return FrameError.BAD_FIELD;
                }
                if (length != HELLO_TOKEN + tokenLength) {
                    return FrameError.BAD_LENGTH;
                }
                final int version = buffer.getShort(offset + HELLO_VERSION, LE) & 0xFFFF;
                if (buffer.getByte(offset) == HELLO) {
                    handler.hello(version, buffer, offset + HELLO_TOKEN, tokenLength);
                } else {
                    handler.standbyHello(version, buffer, offset + HELLO_TOKEN, tokenLength);
                }
            }
            case ENTER_WORLD -> {
                final FrameError error = checkText(buffer, offset, length, ENTER_INSTANCE_LENGTH, MAX_INSTANCE_ID);
                if (error != null) {
                    return error;
                }
                handler.enterWorld(buffer, offset + ENTER_INSTANCE, length - ENTER_INSTANCE);
            }
            case MOVE -> {
                if (length != MOVE_LENGTH) {
                    return FrameError.BAD_LENGTH;
                }
                final float x = buffer.getFloat(offset + MOVE_X, LE);
                final float y = buffer.getFloat(offset + MOVE_Y, LE);
                final float z = buffer.getFloat(offset + MOVE_Z, LE);
                final float o = buffer.getFloat(offset + MOVE_O, LE);
                if (!Float.isFinite(x) || !Float.isFinite(y) || !Float.isFinite(z) || !Float.isFinite(o)) {
                    return FrameError.BAD_FIELD;
                }
                handler.move(
                        buffer.getInt(offset + MOVE_SEQUENCE, LE), x, y, z, o, buffer.getInt(offset + MOVE_FLAGS, LE));
            }
            case CHAT_SAY -> {
                final FrameError error = checkText(buffer, offset, length, SAY_TEXT_LENGTH, MAX_CHAT);
                if (error != null) {
                    return error;
                }
                handler.say(buffer, offset + SAY_TEXT, length - SAY_TEXT);
            }
            case ATTACK, LOOT, PING -> {
                if (length != ID_LENGTH) {
                    return FrameError.BAD_LENGTH;
                }
                final long id = buffer.getLong(offset + ID_FIELD, LE);
                final byte opcode = buffer.getByte(offset);
                if (opcode == ATTACK) {
                    handler.attack(id);
                } else if (opcode == LOOT) {
                    handler.loot(id);
                } else {
                    handler.ping(id);
                }
            }
            case LOGOUT -> {
                if (length != 1) {
                    return FrameError.BAD_LENGTH;
                }
                handler.logout();
            }
            case QUEUE_JOIN, QUEUE_LEAVE -> {
                if (length != QUEUE_REQUEST_LENGTH) {
                    return FrameError.BAD_LENGTH;
                }
                final int battleground = buffer.getByte(offset + QUEUE_BATTLEGROUND) & 0xFF;
                if (buffer.getByte(offset) == QUEUE_JOIN) {
                    handler.queueJoin(battleground);
                } else {
                    handler.queueLeave(battleground);
                }
            }
            case QUEUE_STATUS_REQUEST -> {
                if (length != 1) {
                    return FrameError.BAD_LENGTH;
                }
                handler.queueStatusRequest();
            }
            case ITEM_MOVE,
                    ITEM_SPLIT,
                    ITEM_DESTROY,
                    TRADE_OPEN,
                    TRADE_PUT,
                    TRADE_MONEY,
                    TRADE_ACCEPT,
                    TRADE_CANCEL -> {
                return decodeItem(buffer, offset, length, handler);
            }
            case BATTLEGROUND_LEAVE -> {
                if (length != 1) {
                    return FrameError.BAD_LENGTH;
                }
                handler.battlegroundLeave();
            }
            case INVITE_ACCEPT, INVITE_DECLINE -> {
                final FrameError error = checkText(buffer, offset, length, ANSWER_MATCH_LENGTH, MAX_MATCH_ID);
                if (error != null) {
                    return error;
                }
                handler.inviteAnswer(
                        buffer.getStringWithoutLengthAscii(offset + ANSWER_MATCH, length - ANSWER_MATCH),
                        buffer.getByte(offset) == INVITE_ACCEPT);
            }
            default -> {
                return FrameError.UNKNOWN_OPCODE;
            }
        }
        return null;
    }

    /** The item and trade requests: fields are checked by the map, which answers ITEM_REFUSED. */
    private static FrameError decodeItem(
            final DirectBuffer buffer, final int offset, final int length, final Handler handler) {
        final byte opcode = buffer.getByte(offset);
        final int expected = switch (opcode) {
            case ITEM_MOVE -> ITEM_MOVE_LENGTH;
            case ITEM_SPLIT -> ITEM_SPLIT_LENGTH;
            case ITEM_DESTROY -> ITEM_DESTROY_LENGTH;
            case TRADE_PUT -> TRADE_PUT_LENGTH;
            case TRADE_ACCEPT -> TRADE_ACCEPT_LENGTH;
            case TRADE_CANCEL -> 1;
            default -> ID_LENGTH;
        };
        if (length != expected) {
            return FrameError.BAD_LENGTH;
        }
        switch (opcode) {
            case ITEM_MOVE ->
                handler.itemMove(
                        buffer.getByte(offset + ITEM_MOVE_FROM) & 0xFF, buffer.getByte(offset + ITEM_MOVE_TO) & 0xFF);
            case ITEM_SPLIT ->
                handler.itemSplit(
                        buffer.getByte(offset + ITEM_SPLIT_FROM) & 0xFF,
                        buffer.getByte(offset + ITEM_SPLIT_TO) & 0xFF,
                        buffer.getShort(offset + ITEM_SPLIT_COUNT, LE) & 0xFFFF);
            case ITEM_DESTROY -> handler.itemDestroy(buffer.getByte(offset + ITEM_DESTROY_SLOT) & 0xFF);
            case TRADE_OPEN -> handler.tradeOpen(buffer.getLong(offset + ID_FIELD, LE));
            case TRADE_PUT ->
                handler.tradePut(
                        buffer.getByte(offset + TRADE_PUT_PLACE) & 0xFF,
                        buffer.getByte(offset + TRADE_PUT_SLOT) & 0xFF);
            case TRADE_MONEY -> handler.tradeMoney(buffer.getLong(offset + ID_FIELD, LE));
            case TRADE_ACCEPT -> handler.tradeAccept(buffer.getInt(offset + TRADE_ACCEPT_VERSION, LE));
            default -> handler.tradeCancel();
        }
        return null;
    }

    /** ITEM_MOVE; returns the body's length. */
    public static int itemMove(final MutableDirectBuffer b, final int o, final int fromSlot, final int toSlot) {
        b.putByte(o, ITEM_MOVE);
        b.putByte(o + ITEM_MOVE_FROM, (byte) u8(fromSlot, "slot"));
        b.putByte(o + ITEM_MOVE_TO, (byte) u8(toSlot, "slot"));
        return ITEM_MOVE_LENGTH;
    }

    /** ITEM_SPLIT of {@code count} into the empty {@code toSlot}; returns the body's length. */
    public static int itemSplit(
            final MutableDirectBuffer b, final int o, final int fromSlot, final int toSlot, final int count) {
        if (count < 0 || count > 0xFFFF) {
            throw new IllegalArgumentException("a split's count is 0..65535: " + count);
        }
        b.putByte(o, ITEM_SPLIT);
        b.putByte(o + ITEM_SPLIT_FROM, (byte) u8(fromSlot, "slot"));
        b.putByte(o + ITEM_SPLIT_TO, (byte) u8(toSlot, "slot"));
        b.putShort(o + ITEM_SPLIT_COUNT, (short) count, LE);
        return ITEM_SPLIT_LENGTH;
    }

    /** ITEM_DESTROY of the stack in {@code slot}; returns the body's length. */
    public static int itemDestroy(final MutableDirectBuffer b, final int o, final int slot) {
        b.putByte(o, ITEM_DESTROY);
        b.putByte(o + ITEM_DESTROY_SLOT, (byte) u8(slot, "slot"));
        return ITEM_DESTROY_LENGTH;
    }

    /** TRADE_OPEN with the player {@code targetEntity}; returns the body's length. */
    public static int tradeOpen(final MutableDirectBuffer b, final int o, final long targetEntity) {
        return id(b, o, TRADE_OPEN, targetEntity);
    }

    /** TRADE_PUT of {@code bagSlot} at {@code place} ({@code TRADE_PUT_EMPTY} empties it); returns the body's length. */
    public static int tradePut(final MutableDirectBuffer b, final int o, final int place, final int bagSlot) {
        b.putByte(o, TRADE_PUT);
        b.putByte(o + TRADE_PUT_PLACE, (byte) u8(place, "place"));
        b.putByte(o + TRADE_PUT_SLOT, (byte) u8(bagSlot, "slot"));
        return TRADE_PUT_LENGTH;
    }

    /** TRADE_MONEY: the copper this player gives; returns the body's length. */
    public static int tradeMoney(final MutableDirectBuffer b, final int o, final long copper) {
        return id(b, o, TRADE_MONEY, copper);
    }

    /** TRADE_ACCEPT of the trade at {@code version}; returns the body's length. */
    public static int tradeAccept(final MutableDirectBuffer b, final int o, final int version) {
        b.putByte(o, TRADE_ACCEPT);
        b.putInt(o + TRADE_ACCEPT_VERSION, version, LE);
        return TRADE_ACCEPT_LENGTH;
    }

    /** TRADE_CANCEL; returns the body's length. */
    public static int tradeCancel(final MutableDirectBuffer b, final int o) {
        b.putByte(o, TRADE_CANCEL);
        return 1;
    }

    private static int u8(final int value, final String what) {
        if (value < 0 || value > 0xFF) {
            throw new IllegalArgumentException("a " + what + " is 0..255: " + value);
        }
        return value;
    }

    /** QUEUE_JOIN or QUEUE_LEAVE ({@code opcode}) for {@code battleground}; returns the body's length. */
    public static int queueRequest(
            final MutableDirectBuffer b, final int o, final byte opcode, final int battleground) {
        if (opcode != QUEUE_JOIN && opcode != QUEUE_LEAVE) {
            throw new IllegalArgumentException("not a queue request: " + opcode);
        }
        b.putByte(o, opcode);
        b.putByte(o + QUEUE_BATTLEGROUND, (byte) battleground);
        return QUEUE_REQUEST_LENGTH;
    }

    /** INVITE_ACCEPT ({@code accept}) or INVITE_DECLINE of {@code matchId} (ASCII); returns the body's length. */
    public static int inviteAnswer(
            final MutableDirectBuffer b, final int o, final String matchId, final boolean accept) {
        if (matchId.isEmpty() || matchId.length() > MAX_MATCH_ID) {
            throw new IllegalArgumentException("a match id is 1 to " + MAX_MATCH_ID + " characters: '" + matchId + "'");
        }
        b.putByte(o, accept ? INVITE_ACCEPT : INVITE_DECLINE);
        b.putByte(o + ANSWER_MATCH_LENGTH, (byte) matchId.length());
        b.putStringWithoutLengthAscii(o + ANSWER_MATCH, matchId);
        return ANSWER_MATCH + matchId.length();
    }

    /** BATTLEGROUND_LEAVE; returns the body's length. */
    public static int battlegroundLeave(final MutableDirectBuffer b, final int o) {
        b.putByte(o, BATTLEGROUND_LEAVE);
        return 1;
    }

    /** QUEUE_STATUS_REQUEST; returns the body's length. */
    public static int queueStatusRequest(final MutableDirectBuffer b, final int o) {
        b.putByte(o, QUEUE_STATUS_REQUEST);
        return 1;
    }

    /** A u8-length-prefixed text field that must fill the rest of the body, 1..max bytes. */
    static FrameError checkText(
            final DirectBuffer buffer, final int offset, final int length, final int lengthField, final int max) {
        if (length < lengthField + 1) {
            return FrameError.BAD_LENGTH;
        }
        final int textLength = buffer.getByte(offset + lengthField) & 0xFF;
        if (textLength == 0 || textLength > max) {
            return FrameError.BAD_FIELD;
        }
        return length == lengthField + 1 + textLength ? null : FrameError.BAD_LENGTH;
    }

    public static int hello(final MutableDirectBuffer buffer, final int offset, final int version, final byte[] token) {
        return hello(buffer, offset, HELLO, version, token);
    }

    public static int standbyHello(
            final MutableDirectBuffer buffer, final int offset, final int version, final byte[] token) {
        return hello(buffer, offset, STANDBY_HELLO, version, token);
    }

    private static int hello(
            final MutableDirectBuffer buffer,
            final int offset,
            final byte opcode,
            final int version,
            final byte[] token) {
        if (token.length == 0 || token.length > MAX_TOKEN) {
            throw new IllegalArgumentException("token of " + token.length + " bytes; must be 1.." + MAX_TOKEN);
        }
        buffer.putByte(offset, opcode);
        buffer.putShort(offset + HELLO_VERSION, (short) version, LE);
        buffer.putShort(offset + HELLO_TOKEN_LENGTH, (short) token.length, LE);
        buffer.putBytes(offset + HELLO_TOKEN, token);
        return HELLO_TOKEN + token.length;
    }

    public static int enterWorld(final MutableDirectBuffer buffer, final int offset, final String instanceId) {
        return text(buffer, offset, ENTER_WORLD, instanceId, MAX_INSTANCE_ID);
    }

    public static int move(
            final MutableDirectBuffer buffer,
            final int offset,
            final int sequence,
            final float x,
            final float y,
            final float z,
            final float o,
            final int flags) {
        buffer.putByte(offset, MOVE);
        buffer.putInt(offset + MOVE_SEQUENCE, sequence, LE);
        buffer.putFloat(offset + MOVE_X, x, LE);
        buffer.putFloat(offset + MOVE_Y, y, LE);
        buffer.putFloat(offset + MOVE_Z, z, LE);
        buffer.putFloat(offset + MOVE_O, o, LE);
        buffer.putInt(offset + MOVE_FLAGS, flags, LE);
        return MOVE_LENGTH;
    }

    public static int say(final MutableDirectBuffer buffer, final int offset, final String text) {
        return text(buffer, offset, CHAT_SAY, text, MAX_CHAT);
    }

    public static int attack(final MutableDirectBuffer buffer, final int offset, final long targetId) {
        return id(buffer, offset, ATTACK, targetId);
    }

    public static int loot(final MutableDirectBuffer buffer, final int offset, final long corpseId) {
        return id(buffer, offset, LOOT, corpseId);
    }

    public static int ping(final MutableDirectBuffer buffer, final int offset, final long nonce) {
        return id(buffer, offset, PING, nonce);
    }

    public static int logout(final MutableDirectBuffer buffer, final int offset) {
        buffer.putByte(offset, LOGOUT);
        return 1;
    }

    static int id(final MutableDirectBuffer buffer, final int offset, final byte opcode, final long id) {
        buffer.putByte(offset, opcode);
        buffer.putLong(offset + ID_FIELD, id, LE);
        return ID_LENGTH;
    }

    private static int text(
            final MutableDirectBuffer buffer, final int offset, final byte opcode, final String text, final int max) {
        final byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        if (bytes.length == 0 || bytes.length > max) {
            throw new IllegalArgumentException("text of " + bytes.length + " bytes; must be 1.." + max);
        }
        buffer.putByte(offset, opcode);
        buffer.putByte(offset + 1, (byte) bytes.length);
        buffer.putBytes(offset + 2, bytes);
        return 2 + bytes.length;
    }
}
