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
