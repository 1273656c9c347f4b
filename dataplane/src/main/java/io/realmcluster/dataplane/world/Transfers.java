package io.realmcluster.dataplane.world;

import io.realmcluster.dataplane.pipeline.Inputs;
import io.realmcluster.dataplane.pipeline.Outbox;
import io.realmcluster.dataplane.pipeline.Saves;
import io.realmcluster.proto.world.Portals;
import org.agrona.DirectBuffer;

/**
 * The map's side of its players' transfers away: a player is frozen (its inputs wait) by the save
 * that puts it IN_TRANSFER, through a portal or as its instance moves, until the transfer service
 * says the transfer committed (the character is another node's) or was called off (it is this
 * map's again, at a new epoch). The tick thread only.
 */
final class Transfers {
    private final EntityTable entities;
    private final PlayerTable players;
    private final Persistence persistence;
    private final Outbox outbox;
    private final WorldClock clock;
    private final int ticksPerSecond;
    private final Portals.Portal[] portals;
    private final Trades trades;
    /** Players frozen for a transfer away: not yet gone, nor given back. */
    private int frozen;

    private long departures;

    Transfers(
            final int mapId,
            final EntityTable entities,
            final PlayerTable players,
            final Persistence persistence,
            final Outbox outbox,
            final WorldClock clock,
            final int ticksPerSecond,
            final Trades trades) {
        this.trades = trades;
        this.entities = entities;
        this.players = players;
        this.persistence = persistence;
        this.outbox = outbox;
        this.clock = clock;
        this.ticksPerSecond = ticksPerSecond;
        this.portals = Portals.on(mapId);
    }

    /**
     * The player in {@code slot} moved from (fromX, fromY) to where it stands: if it walked into a
     * portal, freeze it for a transfer to the portal's far side. A full save log leaves it here (it
     * can walk in again).
     */
    void crossed(final int slot, final float fromX, final float fromY) {
        final Portals.Portal portal = Portals.enteredBy(portals, fromX, fromY, entities.x[slot], entities.y[slot]);
        if (portal != null) {
            freeze(slot, portal.toMapId(), portal.toX(), portal.toY(), portal.toZ(), portal.toO());
        }
    }

    /**
     * Freeze the player for a transfer to {@code toMap} (or {@link Saves#SAME_INSTANCE}) and ask the
     * saver to save it IN_TRANSFER, after which the transfer service offers it to the target; false
     * when the save log is full, or while the player's trade commits (it waits until it settled). Its open
     * trade ends.
     */
    boolean freeze(
            final int slot, final int toMap, final float toX, final float toY, final float toZ, final float toO) {
        if (players.locked[players.indexOf(slot)]) {
            return false;
        }
        trades.departing(slot);
        if (!persistence.saveDeparture(slot, toMap, toX, toY, toZ, toO, clock.tickNanos())) {
            return false;
        }
        final int player = players.indexOf(slot);
        players.departing[player] = PlayerTable.DEPARTING;
        frozen++;
        entities.target[slot] = EntityTable.NONE;
        players.persistDirty[player] = false;
        departures++;
        return true;
    }

    /** Whether the player in {@code slot} is frozen for a transfer. */
    boolean frozen(final int slot) {
        return players.departing[players.indexOf(slot)] != PlayerTable.STAYING;
    }

    /** The frozen player's client left: its transfer decides where it is saved, the target's claim or the abort. */
    void clientGone(final int slot) {
        players.departing[players.indexOf(slot)] = PlayerTable.DEPARTING_CLIENT_GONE;
    }

    /**
     * The transfer of the player in {@code slot} committed: its client goes to the target node with
     * the REDIRECT frame carried in the input, if any and if the client is still here. True when the
     * player is to be removed, unsaved: the character is no longer this map's.
     */
    boolean departed(final int slot, final DirectBuffer buffer, final int offset) {
        final int player = players.indexOf(slot);
        if (players.departing[player] == PlayerTable.STAYING
                || buffer.getInt(offset + Inputs.DEPARTED_SESSION) != players.session[player]) {
            return false;
        }
        final int frameLength = buffer.getShort(offset + Inputs.DEPARTED_FRAME_LENGTH) & 0xFFFF;
        if (players.departing[player] == PlayerTable.DEPARTING && frameLength > 0) {
            outbox.scratch().putBytes(Outbox.BODY_OFFSET, buffer, offset + Inputs.DEPARTED_FRAME, frameLength);
            outbox.send(Outbox.FRAME_THEN_CLOSE, players.session[player], entities.id[slot], frameLength);
        }
        return true;
    }

    /**
     * The transfer of the player in {@code slot} was called off: the character is this map's again,
     * at the epoch the abort gave it, and may be handed over again a second later. True when its
     * client left meanwhile: it was saved as logged out, and is to be removed.
     */
    boolean failed(final int slot, final int client, final long newEpoch) {
        final int player = players.indexOf(slot);
        if (players.departing[player] == PlayerTable.STAYING || client != players.session[player]) {
            return false;
        }
        final boolean clientGone = players.departing[player] == PlayerTable.DEPARTING_CLIENT_GONE;
        players.departing[player] = PlayerTable.STAYING;
        frozen--;
        players.epoch[player] = newEpoch;
        players.handOverTick[player] = clock.tick() + ticksPerSecond;
        players.selfDirty[player] = true;
        if (clientGone) {
            persistence.save(slot, Saves.LOGOUT, 0, 0);
        }
        return clientGone;
    }

    /** The player in {@code slot} leaves the map: if it was frozen, it no longer counts as such. */
    void release(final int slot) {
        final int player = players.indexOf(slot);
        if (players.departing[player] != PlayerTable.STAYING) {
            players.departing[player] = PlayerTable.STAYING;
            frozen--;
        }
    }

    /** Players frozen for a transfer away: not yet gone, nor given back. */
    int frozen() {
        return frozen;
    }

    /** Players frozen for a transfer: through a portal, or handed over as the instance moved. */
    long departures() {
        return departures;
    }
}
