package io.realmcluster.tools.bots;

import io.netty.buffer.ByteBuf;
import io.realmcluster.proto.client.ClientProtocol;
import io.realmcluster.proto.client.DisconnectReason;
import io.realmcluster.proto.client.FrameError;
import io.realmcluster.proto.client.ItemRefusal;
import io.realmcluster.proto.client.ServerMessages;
import java.nio.ByteOrder;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * The frames of a bot's own connection, decoded in place and handed to whom each concerns: the
 * session's messages (WELCOME, WORLD_ENTERED, REDIRECT, STANDBY, DISCONNECT) to the bot, the world's
 * to its play. On the bot's loop's thread.
 */
final class BotMessages implements ServerMessages.Handler {
    private final Bot bot;
    private final BotPlay play;
    private final BotLoop loop;
    private final BotFleet fleet;
    private final UnsafeBuffer view = new UnsafeBuffer();

    BotMessages(final Bot bot, final BotPlay play, final BotLoop loop, final BotFleet fleet) {
        this.bot = bot;
        this.play = play;
        this.loop = loop;
        this.fleet = fleet;
    }

    /** Decode one frame (its length prefix removed); one the bots cannot read counts as a protocol error. */
    void decode(final ByteBuf frame) {
        final int length = frame.readableBytes();
        if (frame.hasMemoryAddress()) {
            view.wrap(frame.memoryAddress() + frame.readerIndex(), length);
        } else if (frame.hasArray()) {
            view.wrap(frame.array(), frame.arrayOffset() + frame.readerIndex(), length);
        } else {
            frame.getBytes(frame.readerIndex(), loop.in, 0, length);
            view.wrap(loop.in, 0, length);
        }
        final FrameError error = ServerMessages.decode(view, 0, length, this);
        if (error != null) {
            fleet.protocolError(
                    bot,
                    error.label(),
                    "frame of " + length + " bytes with opcode "
                            + (length > 0 ? String.format("0x%02X", view.getByte(0)) : "none"));
        }
    }

    @Override
    public void welcome(
            final int version,
            final long sessionId,
            final DirectBuffer cookie,
            final int cookieOffset,
            final int tickHz) {
        bot.welcome(sessionId, cookie, cookieOffset);
    }

    @Override
    public void worldEntered(
            final long entity,
            final int mapId,
            final float ex,
            final float ey,
            final float ez,
            final float eo,
            final float visibilityDistance) {
        bot.worldEntered(entity, mapId, ex, ey, ez, eo, visibilityDistance);
    }

    @Override
    public void selfState(
            final int ackedSequence,
            final float sx,
            final float sy,
            final float sz,
            final float so,
            final int selfHealth,
            final int maxHealth,
            final int level,
            final long selfMoney,
            final long selfExperience) {
        play.selfState(ackedSequence, sx, sy, sz, selfHealth, selfMoney, selfExperience);
        bot.battleground.level(level);
    }

    @Override
    public void entityUpdates(
            final int tick, final int flags, final int count, final DirectBuffer buffer, final int recordsOffset) {
        play.entityUpdates(flags, count, buffer, recordsOffset);
    }

    @Override
    public void entityGone(final int count, final DirectBuffer buffer, final int idsOffset) {
        play.entityGone(count, buffer, idsOffset);
    }

    @Override
    public void chat(final long fromEntity, final DirectBuffer text, final int offset, final int length) {
        play.chat(fromEntity);
    }

    @Override
    public void looted(final long corpseId, final long copper, final long moneyNow) {
        play.looted(copper, moneyNow);
        fleet.events().looted(bot.character, copper);
    }

    @Override
    public void redirect(
            final String host,
            final int port,
            final DirectBuffer token,
            final int tokenOffset,
            final int tokenLength,
            final String instance) {
        final byte[] copy = new byte[tokenLength];
        token.getBytes(tokenOffset, copy);
        bot.redirect(host, port, copy, instance);
    }

    @Override
    public void standby(
            final String host,
            final int port,
            final DirectBuffer token,
            final int tokenOffset,
            final int tokenLength,
            final String instance) {
        bot.standby(host, port, token, tokenOffset, tokenLength, instance);
    }

    @Override
    public void disconnect(final DisconnectReason reason, final String text) {
        bot.disconnect(reason, text);
    }

    @Override
    public void queueRefused(final int battleground, final String reason) {
        bot.battleground.refused(battleground, reason, System.nanoTime());
    }

    @Override
    public void battlegroundInvite(final int battleground, final int secondsLeft, final String matchId) {
        bot.battleground.invited(battleground, secondsLeft, matchId, System.nanoTime());
    }

    @Override
    public void inviteGone(final int battleground, final String matchId) {
        bot.battleground.inviteGone(battleground, matchId, System.nanoTime());
    }

    @Override
    public void inviteAccepted(final int battleground, final int team, final String matchId) {
        bot.entry.answered(System.nanoTime());
        bot.battleground.inviteAccepted(battleground, team, matchId);
    }

    @Override
    public void battlegroundState(final DirectBuffer buffer, final int offset, final int count) {
        for (int i = 0; i < count; i++) {
            final int at = offset + ClientProtocol.BG_STATE_OBJECTIVES + i * ClientProtocol.BG_OBJECTIVE_LENGTH;
            bot.battleground.objective(
                    i,
                    buffer.getByte(at + ClientProtocol.BG_OBJECTIVE_STATE) & 0xFF,
                    buffer.getByte(at + ClientProtocol.BG_OBJECTIVE_SIDE) & 0xFF,
                    buffer.getFloat(at + ClientProtocol.BG_OBJECTIVE_X, ByteOrder.LITTLE_ENDIAN),
                    buffer.getFloat(at + ClientProtocol.BG_OBJECTIVE_Y, ByteOrder.LITTLE_ENDIAN),
                    buffer.getLong(at + ClientProtocol.BG_OBJECTIVE_CARRIER, ByteOrder.LITTLE_ENDIAN));
        }
        bot.battleground.state(
                buffer.getByte(offset + ClientProtocol.BG_STATE_PHASE) & 0xFF,
                buffer.getByte(offset + ClientProtocol.BG_STATE_WINNER) & 0xFF,
                buffer.getInt(offset + ClientProtocol.BG_STATE_ALLIANCE_SCORE, ByteOrder.LITTLE_ENDIAN),
                buffer.getInt(offset + ClientProtocol.BG_STATE_HORDE_SCORE, ByteOrder.LITTLE_ENDIAN),
                System.nanoTime());
    }

    @Override
    public void inventory(final int count, final DirectBuffer buffer, final int entriesOffset) {
        play.items.inventory(count, buffer, entriesOffset, System.nanoTime());
    }

    @Override
    public void itemSlots(final int count, final DirectBuffer buffer, final int entriesOffset) {
        play.items.itemSlots(count, buffer, entriesOffset, System.nanoTime());
    }

    @Override
    public void itemRefused(final int requestOpcode, final ItemRefusal reason, final String text) {
        play.items.refused(requestOpcode, reason, System.nanoTime());
    }

    @Override
    public void tradeState(final DirectBuffer buffer, final int offset) {
        play.items.tradeState(buffer, offset, play.money, System.nanoTime());
    }

    @Override
    public void pong(final long nonce) {
        // The bots send no PING; a PONG is harmless.
    }
}
