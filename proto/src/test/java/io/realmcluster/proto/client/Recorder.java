package io.realmcluster.proto.client;

import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.agrona.DirectBuffer;

/** Records decoded messages as text, both directions, for round-trip assertions. */
final class Recorder implements ClientMessages.Handler, ServerMessages.Handler {
    final List<String> seen = new ArrayList<>();

    private static String text(final DirectBuffer b, final int offset, final int length) {
        final byte[] bytes = new byte[length];
        b.getBytes(offset, bytes);
        return new String(bytes, StandardCharsets.UTF_8);
    }

    @Override
    public void hello(final int version, final DirectBuffer token, final int tokenOffset, final int tokenLength) {
        seen.add("hello v" + version + " " + text(token, tokenOffset, tokenLength));
    }

    @Override
    public void standbyHello(
            final int version, final DirectBuffer token, final int tokenOffset, final int tokenLength) {
        seen.add("standby hello v" + version + " " + text(token, tokenOffset, tokenLength));
    }

    @Override
    public void enterWorld(final DirectBuffer instanceId, final int offset, final int length) {
        seen.add("enter " + text(instanceId, offset, length));
    }

    @Override
    public void move(final int sequence, final float x, final float y, final float z, final float o, final int flags) {
        seen.add("move " + sequence + " " + x + " " + y + " " + z + " " + o + " " + flags);
    }

    @Override
    public void say(final DirectBuffer text, final int offset, final int length) {
        seen.add("say " + text(text, offset, length));
    }

    @Override
    public void attack(final long targetId) {
        seen.add("attack " + targetId);
    }

    @Override
    public void loot(final long corpseId) {
        seen.add("loot " + corpseId);
    }

    @Override
    public void logout() {
        seen.add("logout");
    }

    @Override
    public void ping(final long nonce) {
        seen.add("ping " + nonce);
    }

    @Override
    public void welcome(
            final int version,
            final long sessionId,
            final DirectBuffer cookie,
            final int cookieOffset,
            final int tickHz) {
        seen.add("welcome v" + version + " " + sessionId + " " + cookie.getByte(cookieOffset) + " " + tickHz);
    }

    @Override
    public void worldEntered(
            final long entityId,
            final int mapId,
            final float x,
            final float y,
            final float z,
            final float o,
            final float visibility) {
        seen.add("entered " + entityId + " " + mapId + " " + x + " " + y + " " + z + " " + o + " " + visibility);
    }

    @Override
    public void selfState(
            final int acked,
            final float x,
            final float y,
            final float z,
            final float o,
            final int health,
            final int maxHealth,
            final int level,
            final long money,
            final long experience) {
        seen.add("self " + acked + " " + x + " " + y + " " + health + "/" + maxHealth + " L" + level + " " + money + " "
                + experience);
    }

    @Override
    public void entityUpdates(
            final int tick, final int flags, final int count, final DirectBuffer buffer, final int recordsOffset) {
        final StringBuilder s = new StringBuilder("updates " + tick + " " + flags);
        for (int i = 0; i < count; i++) {
            final int at = recordsOffset + i * ClientProtocol.RECORD_LENGTH;
            s.append(" [")
                    .append(ServerMessages.Record.id(buffer, at))
                    .append(' ')
                    .append(ServerMessages.Record.kind(buffer, at))
                    .append(' ')
                    .append(ServerMessages.Record.flags(buffer, at))
                    .append(' ')
                    .append(ServerMessages.Record.x(buffer, at))
                    .append(' ')
                    .append(ServerMessages.Record.y(buffer, at))
                    .append(' ')
                    .append(ServerMessages.Record.health(buffer, at))
                    .append(']');
        }
        seen.add(s.toString());
    }

    @Override
    public void entityGone(final int count, final DirectBuffer buffer, final int idsOffset) {
        seen.add("gone " + count + " " + buffer.getLong(idsOffset, ByteOrder.LITTLE_ENDIAN));
    }

    @Override
    public void chat(final long fromEntity, final DirectBuffer text, final int offset, final int length) {
        seen.add("chat " + fromEntity + " " + text(text, offset, length));
    }

    @Override
    public void looted(final long corpseId, final long copper, final long money) {
        seen.add("looted " + corpseId + " " + copper + " " + money);
    }

    @Override
    public void redirect(
            final String host,
            final int port,
            final DirectBuffer token,
            final int tokenOffset,
            final int tokenLength,
            final String instanceId) {
        seen.add("redirect " + host + ":" + port + " " + text(token, tokenOffset, tokenLength) + " " + instanceId);
    }

    @Override
    public void standby(
            final String host,
            final int port,
            final DirectBuffer token,
            final int tokenOffset,
            final int tokenLength,
            final String instanceId) {
        seen.add("standby " + host + ":" + port + " " + text(token, tokenOffset, tokenLength) + " " + instanceId);
    }

    @Override
    public void disconnect(final DisconnectReason reason, final String text) {
        seen.add("disconnect " + reason + " " + text);
    }

    @Override
    public void pong(final long nonce) {
        seen.add("pong " + nonce);
    }

    @Override
    public void queueJoin(final int battleground) {
        seen.add("queue join " + battleground);
    }

    @Override
    public void queueLeave(final int battleground) {
        seen.add("queue leave " + battleground);
    }

    @Override
    public void queueStatusRequest() {
        seen.add("queue status?");
    }

    @Override
    public void queueStatus(final int count, final DirectBuffer buffer, final int placesOffset) {
        final StringBuilder line = new StringBuilder("queue status");
        for (int i = 0; i < count; i++) {
            final int at = placesOffset + i * ClientProtocol.QUEUE_PLACE_LENGTH;
            line.append(' ')
                    .append(buffer.getByte(at + ClientProtocol.QUEUE_PLACE_BATTLEGROUND))
                    .append(':')
                    .append(buffer.getShort(at + ClientProtocol.QUEUE_PLACE_POSITION, java.nio.ByteOrder.LITTLE_ENDIAN))
                    .append('/')
                    .append(buffer.getShort(at + ClientProtocol.QUEUE_PLACE_WAITING, java.nio.ByteOrder.LITTLE_ENDIAN));
        }
        seen.add(line.toString());
    }

    @Override
    public void queueRefused(final int battleground, final String reason) {
        seen.add("queue refused " + battleground + " " + reason);
    }

    @Override
    public void inviteAnswer(final String matchId, final boolean accept) {
        seen.add((accept ? "accept " : "decline ") + matchId);
    }

    @Override
    public void battlegroundInvite(final int battleground, final int secondsLeft, final String matchId) {
        seen.add("invite " + battleground + " " + secondsLeft + "s " + matchId);
    }

    @Override
    public void inviteGone(final int battleground, final String matchId) {
        seen.add("invite gone " + battleground + " " + matchId);
    }

    @Override
    public void inviteAccepted(final int battleground, final int team, final String matchId) {
        seen.add("accepted " + battleground + " team " + team + " " + matchId);
    }

    @Override
    public void battlegroundLeave() {
        seen.add("leave battleground");
    }

    @Override
    public void battlegroundState(final DirectBuffer buffer, final int offset, final int count) {
        final java.nio.ByteOrder le = java.nio.ByteOrder.LITTLE_ENDIAN;
        final StringBuilder line = new StringBuilder("bg ")
                .append(buffer.getShort(offset + ClientProtocol.BG_STATE_MAP, le))
                .append(" phase ")
                .append(buffer.getByte(offset + ClientProtocol.BG_STATE_PHASE))
                .append(" winner ")
                .append(buffer.getByte(offset + ClientProtocol.BG_STATE_WINNER))
                .append(' ')
                .append(buffer.getInt(offset + ClientProtocol.BG_STATE_ALLIANCE_SCORE, le))
                .append(':')
                .append(buffer.getInt(offset + ClientProtocol.BG_STATE_HORDE_SCORE, le))
                .append(" players ")
                .append(buffer.getByte(offset + ClientProtocol.BG_STATE_ALLIANCE_PLAYERS))
                .append(':')
                .append(buffer.getByte(offset + ClientProtocol.BG_STATE_HORDE_PLAYERS))
                .append(' ')
                .append(buffer.getInt(offset + ClientProtocol.BG_STATE_MILLIS_LEFT, le))
                .append("ms");
        for (int i = 0; i < count; i++) {
            final int at = offset + ClientProtocol.BG_STATE_OBJECTIVES + i * ClientProtocol.BG_OBJECTIVE_LENGTH;
            line.append(" [")
                    .append(buffer.getByte(at + ClientProtocol.BG_OBJECTIVE_STATE))
                    .append(' ')
                    .append(buffer.getByte(at + ClientProtocol.BG_OBJECTIVE_SIDE))
                    .append(' ')
                    .append(buffer.getByte(at + ClientProtocol.BG_OBJECTIVE_CHALLENGER))
                    .append(' ')
                    .append(buffer.getFloat(at + ClientProtocol.BG_OBJECTIVE_X, le))
                    .append(',')
                    .append(buffer.getFloat(at + ClientProtocol.BG_OBJECTIVE_Y, le))
                    .append(' ')
                    .append(buffer.getInt(at + ClientProtocol.BG_OBJECTIVE_MILLIS_LEFT, le))
                    .append("ms carrier ")
                    .append(buffer.getLong(at + ClientProtocol.BG_OBJECTIVE_CARRIER, le))
                    .append(']');
        }
        seen.add(line.toString());
    }

    @Override
    public void itemMove(final int fromSlot, final int toSlot) {
        seen.add("item move " + fromSlot + "->" + toSlot);
    }

    @Override
    public void itemSplit(final int fromSlot, final int toSlot, final int count) {
        seen.add("item split " + fromSlot + "->" + toSlot + " x" + count);
    }

    @Override
    public void itemDestroy(final int slot) {
        seen.add("item destroy " + slot);
    }

    @Override
    public void tradeOpen(final long targetEntity) {
        seen.add("trade open " + targetEntity);
    }

    @Override
    public void tradePut(final int place, final int bagSlot) {
        seen.add("trade put " + place + " " + bagSlot);
    }

    @Override
    public void tradeMoney(final long copper) {
        seen.add("trade money " + copper);
    }

    @Override
    public void tradeAccept(final int version) {
        seen.add("trade accept v" + Integer.toUnsignedString(version));
    }

    @Override
    public void tradeCancel() {
        seen.add("trade cancel");
    }

    @Override
    public void inventory(final int count, final DirectBuffer buffer, final int entriesOffset) {
        seen.add("inventory" + entries(count, buffer, entriesOffset));
    }

    @Override
    public void itemSlots(final int count, final DirectBuffer buffer, final int entriesOffset) {
        seen.add("item slots" + entries(count, buffer, entriesOffset));
    }

    private static String entries(final int count, final DirectBuffer buffer, final int entriesOffset) {
        final StringBuilder line = new StringBuilder();
        for (int i = 0; i < count; i++) {
            final int at = entriesOffset + i * ClientProtocol.ITEM_ENTRY_LENGTH;
            line.append(" [")
                    .append(ServerMessages.ItemEntry.slot(buffer, at))
                    .append(' ')
                    .append(ServerMessages.ItemEntry.itemId(buffer, at))
                    .append(" t")
                    .append(ServerMessages.ItemEntry.template(buffer, at))
                    .append(" x")
                    .append(ServerMessages.ItemEntry.count(buffer, at))
                    .append(']');
        }
        return line.toString();
    }

    @Override
    public void itemRefused(final int requestOpcode, final ItemRefusal reason, final String text) {
        seen.add("item refused 0x" + Integer.toHexString(requestOpcode) + " " + reason + " " + text);
    }

    @Override
    public void tradeState(final DirectBuffer buffer, final int offset) {
        final StringBuilder line = new StringBuilder("trade v")
                .append(ServerMessages.Trade.version(buffer, offset))
                .append(" with ")
                .append(ServerMessages.Trade.partner(buffer, offset))
                .append(" phase ")
                .append(ServerMessages.Trade.phase(buffer, offset))
                .append(" accepted ")
                .append(ServerMessages.Trade.youAccepted(buffer, offset))
                .append('/')
                .append(ServerMessages.Trade.theyAccepted(buffer, offset))
                .append(" money ")
                .append(ServerMessages.Trade.yourMoney(buffer, offset))
                .append('/')
                .append(ServerMessages.Trade.theirMoney(buffer, offset))
                .append(" cancel ")
                .append(ServerMessages.Trade.cancelReason(buffer, offset));
        final int count =
                ServerMessages.Trade.yourCount(buffer, offset) + ServerMessages.Trade.theirCount(buffer, offset);
        for (int i = 0; i < count; i++) {
            final int at = ServerMessages.Trade.entry(offset, i);
            line.append(" [")
                    .append(ServerMessages.TradeEntry.side(buffer, at))
                    .append(':')
                    .append(ServerMessages.TradeEntry.place(buffer, at))
                    .append(' ')
                    .append(ServerMessages.TradeEntry.itemId(buffer, at))
                    .append(" t")
                    .append(ServerMessages.TradeEntry.template(buffer, at))
                    .append(" x")
                    .append(ServerMessages.TradeEntry.count(buffer, at))
                    .append(']');
        }
        seen.add(line.toString());
    }
}
