package io.realmcluster.dataplane.world;

import io.realmcluster.proto.client.ClientProtocol;
import io.realmcluster.proto.client.DisconnectReason;
import io.realmcluster.proto.client.ItemRefusal;
import io.realmcluster.proto.client.ServerMessages;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.agrona.DirectBuffer;

/** Node-to-client frames as short text lines, for assertions. */
public final class FrameText implements ServerMessages.Handler {
    private final List<String> out;
    /** Whether item and trade frames are written too (tests of items ask for them). */
    private final boolean items;

    private byte[] redirectToken;
    private byte[] standbyToken;

    public FrameText(final List<String> out) {
        this(out, false);
    }

    /** Item and trade frames as lines too when {@code items}. */
    public FrameText(final List<String> out, final boolean items) {
        this.out = out;
        this.items = items;
    }

    /** The token of the last REDIRECT, or null. */
    public byte[] redirectToken() {
        return redirectToken;
    }

    /** The token of the last STANDBY, or null. */
    public byte[] standbyToken() {
        return standbyToken;
    }

    @Override
    public void welcome(
            final int version,
            final long sessionId,
            final DirectBuffer cookie,
            final int cookieOffset,
            final int tickHz) {
        out.add("welcome " + sessionId);
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
        out.add("entered " + entityId + " map " + mapId + " at " + x + "," + y);
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
        out.add("self " + acked + " " + x + " " + y + " hp " + health + " money " + money + " xp " + experience);
    }

    @Override
    public void entityUpdates(
            final int tick, final int flags, final int count, final DirectBuffer buffer, final int recordsOffset) {
        final StringBuilder line =
                new StringBuilder((flags & ClientProtocol.UPDATES_FLAG_RESET) != 0 ? "updates reset" : "updates");
        for (int i = 0; i < count; i++) {
            final int at = recordsOffset + i * ClientProtocol.RECORD_LENGTH;
            line.append(
                            ServerMessages.Record.kind(buffer, at) == ClientProtocol.KIND_PLAYER
                                    ? " player "
                                    : " creature ")
                    .append(ServerMessages.Record.id(buffer, at))
                    .append(" at ")
                    .append(ServerMessages.Record.x(buffer, at))
                    .append(',')
                    .append(ServerMessages.Record.y(buffer, at));
            final int recordFlags = ServerMessages.Record.flags(buffer, at);
            if ((recordFlags & ClientProtocol.RECORD_FLAG_DEAD) != 0) {
                line.append(" dead");
            }
            if ((recordFlags & ClientProtocol.RECORD_FLAG_LOOTABLE) != 0) {
                line.append(" lootable");
            }
            if ((recordFlags & ClientProtocol.RECORD_FLAG_HOSTILE) != 0) {
                line.append(" hostile");
            }
        }
        out.add(line.toString());
    }

    @Override
    public void entityGone(final int count, final DirectBuffer buffer, final int idsOffset) {
        out.add("gone " + buffer.getLong(idsOffset, ByteOrder.LITTLE_ENDIAN));
    }

    @Override
    public void chat(final long fromEntity, final DirectBuffer text, final int offset, final int length) {
        final byte[] bytes = new byte[length];
        text.getBytes(offset, bytes);
        out.add("chat " + fromEntity + " " + new String(bytes, StandardCharsets.UTF_8));
    }

    @Override
    public void looted(final long corpseId, final long copper, final long money) {
        out.add("looted " + corpseId + " " + copper + " " + money);
    }

    @Override
    public void redirect(
            final String host,
            final int port,
            final DirectBuffer token,
            final int tokenOffset,
            final int tokenLength,
            final String instanceId) {
        redirectToken = copy(token, tokenOffset, tokenLength);
        out.add("redirect " + host + ":" + port + " " + instanceId);
    }

    @Override
    public void standby(
            final String host,
            final int port,
            final DirectBuffer token,
            final int tokenOffset,
            final int tokenLength,
            final String instanceId) {
        standbyToken = copy(token, tokenOffset, tokenLength);
        out.add("standby " + host + ":" + port + " " + instanceId);
    }

    private static byte[] copy(final DirectBuffer buffer, final int offset, final int length) {
        final byte[] bytes = new byte[length];
        buffer.getBytes(offset, bytes);
        return bytes;
    }

    @Override
    public void disconnect(final DisconnectReason reason, final String text) {
        out.add("disconnect " + reason);
    }

    @Override
    public void pong(final long nonce) {
        out.add("pong " + nonce);
    }

    @Override
    public void battlegroundState(final DirectBuffer buffer, final int offset, final int count) {
        out.add("battleground "
                + (buffer.getShort(offset + ClientProtocol.BG_STATE_MAP, ByteOrder.LITTLE_ENDIAN) & 0xFFFF)
                + " phase " + buffer.getByte(offset + ClientProtocol.BG_STATE_PHASE)
                + " objectives " + count);
    }

    @Override
    public void inventory(final int count, final DirectBuffer buffer, final int entriesOffset) {
        if (items) {
            out.add("inventory" + entries(count, buffer, entriesOffset));
        }
    }

    @Override
    public void itemSlots(final int count, final DirectBuffer buffer, final int entriesOffset) {
        if (items) {
            out.add("slots" + entries(count, buffer, entriesOffset));
        }
    }

    /** Entries as " slot:id/template/count". */
    private static String entries(final int count, final DirectBuffer buffer, final int entriesOffset) {
        final StringBuilder line = new StringBuilder();
        for (int i = 0; i < count; i++) {
            final int at = entriesOffset + i * ClientProtocol.ITEM_ENTRY_LENGTH;
            line.append(' ')
                    .append(ServerMessages.ItemEntry.slot(buffer, at))
                    .append(':')
                    .append(ServerMessages.ItemEntry.itemId(buffer, at))
                    .append('/')
                    .append(ServerMessages.ItemEntry.template(buffer, at))
                    .append('/')
                    .append(ServerMessages.ItemEntry.count(buffer, at));
        }
        return line.toString();
    }

    @Override
    public void itemRefused(final int requestOpcode, final ItemRefusal reason, final String text) {
        if (items) {
            out.add("refused " + Integer.toHexString(requestOpcode) + " " + reason);
        }
    }

    @Override
    public void tradeState(final DirectBuffer buffer, final int offset) {
        if (!items) {
            return;
        }
        final StringBuilder line = new StringBuilder("trade v")
                .append(ServerMessages.Trade.version(buffer, offset))
                .append(" with ")
                .append(ServerMessages.Trade.partner(buffer, offset))
                .append(" phase ")
                .append(ServerMessages.Trade.phase(buffer, offset))
                .append(ServerMessages.Trade.youAccepted(buffer, offset) ? " you+" : " you-")
                .append(ServerMessages.Trade.theyAccepted(buffer, offset) ? " they+" : " they-")
                .append(" money ")
                .append(ServerMessages.Trade.yourMoney(buffer, offset))
                .append('/')
                .append(ServerMessages.Trade.theirMoney(buffer, offset));
        final int count =
                ServerMessages.Trade.yourCount(buffer, offset) + ServerMessages.Trade.theirCount(buffer, offset);
        for (int i = 0; i < count; i++) {
            final int at = ServerMessages.Trade.entry(offset, i);
            line.append(
                            ServerMessages.TradeEntry.side(buffer, at) == ClientProtocol.TRADE_SIDE_YOURS
                                    ? " mine "
                                    : " theirs ")
                    .append(ServerMessages.TradeEntry.itemId(buffer, at));
        }
        if (ServerMessages.Trade.phase(buffer, offset) == ClientProtocol.TRADE_PHASE_CANCELLED) {
            line.append(" because ").append(ServerMessages.Trade.cancelReason(buffer, offset));
        }
        out.add(line.toString());
    }
}
