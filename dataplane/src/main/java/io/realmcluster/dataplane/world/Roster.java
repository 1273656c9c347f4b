package io.realmcluster.dataplane.world;

import io.realmcluster.dataplane.pipeline.Inputs;
import io.realmcluster.dataplane.pipeline.Outbox;
import io.realmcluster.dataplane.pipeline.Saves;
import io.realmcluster.proto.client.DisconnectReason;
import io.realmcluster.proto.client.ServerMessages;
import org.agrona.DirectBuffer;

/**
 * Who is on the map: a player joins (or is refused, with a reason its client is told), leaves and
 * is saved as logged out, or is dropped unsaved because its character is owned elsewhere now. The
 * tick thread only.
 */
final class Roster {
    private final EntityTable entities;
    private final PlayerTable players;
    private final Persistence persistence;
    private final Visibility visibility;
    private final Transfers transfers;
    private final Outbox outbox;
    private final WorldClock clock;
    private final Match match;
    private final Inventory inventory;
    private final Trades trades;
    /** The neighbouring cells' ghosts on a cell of a split continent; null on a whole map. */
    private Ghosts ghosts;

    Roster(
            final EntityTable entities,
            final PlayerTable players,
            final Persistence persistence,
            final Visibility visibility,
            final Transfers transfers,
            final Outbox outbox,
            final WorldClock clock,
            final Match match,
            final Inventory inventory,
            final Trades trades) {
        this.match = match;
        this.inventory = inventory;
        this.trades = trades;
        this.entities = entities;
        this.players = players;
        this.persistence = persistence;
        this.visibility = visibility;
        this.transfers = transfers;
        this.outbox = outbox;
        this.clock = clock;
    }

    /** On a cell of a split continent: its neighbours' ghosts, one of which a player crossing over replaces. */
    void ghosts(final Ghosts cellGhosts) {
        this.ghosts = cellGhosts;
    }

    /** A player enters with the state its JOIN carries; false (its client told why) when it may not. */
    boolean join(final long entity, final DirectBuffer buffer, final int offset) {
        final int client = buffer.getInt(offset + Inputs.JOIN_SESSION);
        final int ghost = entities.slotOf(entity);
        if (ghosts != null && ghost != EntityTable.NONE && entities.kind[ghost] == EntityTable.GHOST_PLAYER) {
            // It crossed over from a neighbouring cell, where it was mirrored here: it is this cell's own now.
            ghosts.forget(ghost);
        }
        final boolean full = entities.full() || players.full();
        if (entities.slotOf(entity) != EntityTable.NONE
                || full
                || entity >= Creatures.CREATURE_ID_BASE
                || entity <= 0) {
            refuse(entity, client, full ? DisconnectReason.MAP_FULL : DisconnectReason.DUPLICATE_LOGIN);
            return false;
        }
        final EntityTable e = entities;
        final int slot = e.add(
                entity,
                EntityTable.PLAYER,
                buffer.getFloat(offset + Inputs.JOIN_X),
                buffer.getFloat(offset + Inputs.JOIN_Y));
        e.z[slot] = buffer.getFloat(offset + Inputs.JOIN_Z);
        e.o[slot] = buffer.getFloat(offset + Inputs.JOIN_O);
        e.level[slot] = buffer.getInt(offset + Inputs.JOIN_LEVEL);
        e.maxHealth[slot] = Math.max(1, buffer.getInt(offset + Inputs.JOIN_HEALTH));
        e.health[slot] = e.maxHealth[slot];
        e.money[slot] = buffer.getLong(offset + Inputs.JOIN_MONEY);
        e.target[slot] = EntityTable.NONE;
        e.dead[slot] = false;
        e.nextActionTick[slot] = clock.tick();
        e.changedTick[slot] = clock.inputTick();
        final PlayerTable p = players;
        final int player = p.add(slot);
        p.durableMoney[player] = e.money[slot];
        p.epoch[player] = buffer.getLong(offset + Inputs.JOIN_EPOCH);
        p.saveSeq[player] = buffer.getLong(offset + Inputs.JOIN_SAVE_SEQ);
        p.persistDirty[player] = false;
        p.departing[player] = PlayerTable.STAYING;
        p.handOverTick[player] = 0;
        p.standbySide[player] = 0;
        p.lastMoveTick[player] = clock.tick();
        p.session[player] = client;
        p.sentCell[player] = Grid.NONE;
        p.ackedSequence[player] = 0;
        p.experience[player] = buffer.getLong(offset + Inputs.JOIN_EXPERIENCE);
        p.selfDirty[player] = true;
        p.characterClass[player] = buffer.getByte(offset + Inputs.JOIN_CLASS) & 0xFF;
        p.baseMaxHealth[player] = e.maxHealth[slot];
        p.pendingItemSaves[player] = 0;
        p.trade[player] = PlayerTable.NO_TRADE;
        p.locked[player] = false;
        inventory.join(player, buffer, offset);
        e.health[slot] = e.maxHealth[slot];
        match.joined(slot, buffer.getByte(offset + Inputs.JOIN_RACE) & 0xFF, buffer.getByte(offset + Inputs.JOIN_TEAM));
        visibility.worldEntered(slot);
        return true;
    }

    private void refuse(final long entity, final int client, final DisconnectReason why) {
        outbox.send(
                Outbox.FRAME_THEN_CLOSE,
                client,
                entity,
                ServerMessages.disconnect(
                        outbox.scratch(),
                        Outbox.BODY_OFFSET,
                        why,
                        why == DisconnectReason.MAP_FULL
                                ? "this map has no room for another player"
                                : "this character is already in the world"));
    }

    /** The player's client left ({@code client}, or {@link Inputs#ANY_SESSION}): save it and let it go. */
    void leave(final long entity, final int client) {
        final int slot = entities.playerSlot(entity);
        if (slot == EntityTable.NONE || (client != Inputs.ANY_SESSION && client != session(slot))) {
            return;
        }
        if (transfers.frozen(slot)) {
            transfers.clientGone(slot);
            return;
        }
        // A full save log leaves the character as its last snapshot saved it: a second of movement at most.
        persistence.save(slot, Saves.LOGOUT, 0, 0);
        remove(slot);
    }

    /** The character is owned elsewhere (another login, or a transfer's target): drop it without saving, and close its session. */
    void lost(
            final long entity,
            final int client,
            final long lostEpoch,
            final DisconnectReason reason,
            final String text) {
        final int slot = entities.playerSlot(entity);
        // A session's index is reused: the player who logged in again since, on the index its last session had,
        // holds a later claim and is not the one lost.
        if (slot == EntityTable.NONE || client != session(slot) || lostEpoch != players.epoch[players.indexOf(slot)]) {
            return;
        }
        outbox.send(
                Outbox.FRAME_THEN_CLOSE,
                client,
                entity,
                ServerMessages.disconnect(outbox.scratch(), Outbox.BODY_OFFSET, reason, text));
        remove(slot);
    }

    /** Take the player in {@code slot} off the map, telling those around. */
    void remove(final int slot) {
        trades.leaving(slot);
        match.leaving(slot);
        visibility.entityGone(slot);
        transfers.release(slot);
        players.remove(slot);
        entities.remove(slot);
    }

    /** The client session of the player in {@code slot}. */
    int session(final int slot) {
        return players.session[players.indexOf(slot)];
    }
}
