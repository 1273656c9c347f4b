package io.realmcluster.dataplane.net;

import io.realmcluster.dataplane.pipeline.Ingress;
import io.realmcluster.dataplane.pipeline.Inputs;
import io.realmcluster.dataplane.pipeline.RingClaim;
import io.realmcluster.dataplane.store.ClaimedCharacter;
import io.realmcluster.dataplane.store.ItemStack;
import io.realmcluster.dataplane.transfer.Arrivals;
import io.realmcluster.dataplane.world.InstanceHost;
import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;

/**
 * Players' inputs onto their map's ingress ring, through a claim of one thread's own: each session has one for
 * its event loop, the UDP thread one for the moves it forwards. An input that finds the ring full is dropped
 * and counted; a join or a leave tells its caller, which must not lose it.
 */
final class PlayerInputs {
    private final RingClaim claim = new RingClaim();
    private final ClientMetrics metrics;

    PlayerInputs(final ClientMetrics metrics) {
        this.metrics = metrics;
    }

    void move(
            final Ingress ingress,
            final long entity,
            final int sequence,
            final float x,
            final float y,
            final float z,
            final float o,
            final int flags) {
        try (RingClaim claim = ingress.claim(this.claim, Inputs.MOVE, Inputs.MOVE_LENGTH)) {
            if (!claimed(claim)) {
                return;
            }
            Inputs.encodeMove(claim.buffer(), claim.index(), entity, sequence, x, y, z, o, flags);
            claim.commit();
        }
    }

    void chat(final Ingress ingress, final long entity, final DirectBuffer text, final int offset, final int length) {
        try (RingClaim claim = ingress.claim(this.claim, Inputs.CHAT, Inputs.CHAT_TEXT + length)) {
            if (!claimed(claim)) {
                return;
            }
            Inputs.encodeChat(claim.buffer(), claim.index(), entity, text, offset, length);
            claim.commit();
        }
    }

    /** An input aimed at another entity, {@code type} {@link Inputs#ATTACK} or {@link Inputs#LOOT}. */
    void target(final Ingress ingress, final int type, final long entity, final long targetId) {
        try (RingClaim claim = ingress.claim(this.claim, type, Inputs.TARGET_LENGTH)) {
            if (!claimed(claim)) {
                return;
            }
            Inputs.encodeTarget(claim.buffer(), claim.index(), entity, targetId);
            claim.commit();
        }
    }

    /** An item or trade request of the client's ({@code opcode} ITEM_MOVE ... TRADE_CANCEL), dropped when the ring is full. */
    void itemRequest(
            final Ingress ingress,
            final long entity,
            final byte opcode,
            final int a,
            final int b,
            final int count,
            final long value) {
        try (RingClaim claim = ingress.claim(this.claim, Inputs.ITEM_REQUEST, Inputs.REQUEST_LENGTH)) {
            if (!claimed(claim)) {
                return;
            }
            Inputs.encodeItemRequest(claim.buffer(), claim.index(), entity, opcode, a, b, count, value);
            claim.commit();
        }
    }

    /** The character goes to a battleground's map at (x, y, z, o); false when the ring is full. */
    boolean enterBattleground(
            final Ingress ingress,
            final long entity,
            final int session,
            final int mapId,
            final float x,
            final float y,
            final float z,
            final float o) {
        return travel(ingress, Inputs.ENTER_BATTLEGROUND, entity, session, mapId, x, y, z, o);
    }

    /** The character leaves its battleground for its entry point on {@code mapId}; false when the ring is full. */
    boolean leaveBattleground(
            final Ingress ingress,
            final long entity,
            final int session,
            final int mapId,
            final float x,
            final float y,
            final float z,
            final float o) {
        return travel(ingress, Inputs.LEAVE_BATTLEGROUND, entity, session, mapId, x, y, z, o);
    }

    private boolean travel(
            final Ingress ingress,
            final int type,
            final long entity,
            final int session,
            final int mapId,
            final float x,
            final float y,
            final float z,
            final float o) {
        try (RingClaim claim = ingress.claim(this.claim, type, Inputs.ENTER_LENGTH)) {
            if (!claimed(claim)) {
                return false;
            }
            Inputs.encodeEnterBattleground(claim.buffer(), claim.index(), entity, session, mapId, x, y, z, o);
            claim.commit();
            return true;
        }
    }

    /** The character leaves its map, which saves it; false when the ring is full (try again: it must not be lost). */
    boolean leave(final Ingress ingress, final long entity, final int session) {
        try (RingClaim claim = ingress.claim(this.claim, Inputs.PLAYER_LEAVE, Inputs.LEAVE_LENGTH)) {
            if (!claimed(claim)) {
                return false;
            }
            Inputs.encodeLeave(claim.buffer(), claim.index(), entity, session);
            claim.commit();
            return true;
        }
    }

    /**
     * The claimed {@code character} joins {@code running} (the instance {@code instance}) as {@code entity}, for
     * the session at index {@code session}: where a transfer put it ({@code arrival}, when it names this
     * instance), else where it was saved on this map, else at the map's spawn point. False when the ring is full.
     */
    boolean join(
            final Ingress ingress,
            final InstanceHost.Running running,
            final String instance,
            final long entity,
            final ClaimedCharacter character,
            final Arrivals.Arrival arrival,
            final int session) {
        return join(
                ingress,
                running,
                instance,
                entity,
                character,
                arrival,
                session,
                arrival != null && arrival.instanceId().equals(instance) ? arrival.team() : Inputs.TEAM_BY_RACE);
    }

    /** The same, on the side {@code team} in a battleground ({@link Inputs#TEAM_BY_RACE}: its race's). */
    boolean join(
            final Ingress ingress,
            final InstanceHost.Running running,
            final String instance,
            final long entity,
            final ClaimedCharacter character,
            final Arrivals.Arrival arrival,
            final int session,
            final byte team) {
        final int items = Math.min(character.items().size(), Inputs.MAX_JOIN_ITEMS);
        try (RingClaim claim = ingress.claim(this.claim, Inputs.PLAYER_JOIN, Inputs.joinLength(items))) {
            if (!claimed(claim)) {
                return false;
            }
            final MutableDirectBuffer buffer = claim.buffer();
            final int index = claim.index();
            final int level = character.level();
            if (arrival != null && arrival.instanceId().equals(instance)) {
                // Transferred here: it enters where the transfer put it (a portal's far side).
                Inputs.encodeJoin(
                        buffer,
                        index,
                        entity,
                        arrival.x(),
                        arrival.y(),
                        arrival.z(),
                        arrival.orientation(),
                        level,
                        health(level),
                        character.money(),
                        session);
            } else if (character.mapId() == running.world().mapId()) {
                Inputs.encodeJoin(
                        buffer,
                        index,
                        entity,
                        character.x(),
                        character.y(),
                        character.z(),
                        character.orientation(),
                        level,
                        health(level),
                        character.money(),
                        session);
            } else {
                // Not saved on this map yet: the map's spawn point, spread so that a crowd does not stack.
                final float spread = (float) (Math.floorMod(entity * 2654435761L, 40L) - 20);
                Inputs.encodeJoin(
                        buffer,
                        index,
                        entity,
                        running.world().spawnX() + spread,
                        running.world().spawnY() - spread,
                        0f,
                        0f,
                        level,
                        health(level),
                        character.money(),
                        session);
            }
            Inputs.joinOwnership(buffer, index, character.epoch(), character.saveSeq(), character.experience());
            Inputs.joinSide(buffer, index, character.race(), team);
            Inputs.joinClass(buffer, index, character.characterClass());
            for (int i = 0; i < items; i++) {
                final ItemStack item = character.items().get(i);
                Inputs.joinItem(buffer, index, i, item.itemId(), item.templateId(), item.slot(), item.count());
            }
            claim.commit();
            return true;
        }
    }

    private boolean claimed(final RingClaim claim) {
        if (!claim.claimed()) {
            metrics.droppedInput();
            return false;
        }
        return true;
    }

    /** Health at a level, until classes and stats come with the full game. */
    private static int health(final int level) {
        return 80 + 20 * Math.max(1, level);
    }
}
