package io.realmcluster.dataplane.world;

import io.realmcluster.dataplane.pipeline.Outbox;
import io.realmcluster.proto.client.ClientProtocol;
import io.realmcluster.proto.client.ServerMessages;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * What each player is told about itself and the entities around it (see docs/client-protocol.md,
 * Visibility), through the {@link Outbox}: its own state every tick it changed; every
 * {@link #UPDATE_EVERY_TICKS} ticks (players spread over them) the entities within the visibility
 * distance that changed or came into sight since its last update; everything in sight when it
 * enters the map; who left; what was said near it. The tick thread only.
 */
final class Visibility {
    /** Entity updates go to each player every this many ticks (10 Hz at 20 Hz ticks); its own state every tick. */
    static final int UPDATE_EVERY_TICKS = 2;
    /** How far a say carries, as in the game: those farther away may see the speaker but do not hear it. */
    static final float SAY_RANGE = 25f;
    /**
     * Every player in the cells around is told that an entity left, not only those within sight: a
     * client forgets by its own position, which may run ahead of the one the server holds.
     */
    private static final float GONE_RANGE = Float.POSITIVE_INFINITY;

    private final Outbox outbox;
    private final UnsafeBuffer out;
    private final int mapId;
    private final float visibilityYards;
    private final EntityTable entities;
    private final PlayerTable players;
    private final WorldClock clock;
    /** The map's match: which players a viewer may fight, flagged hostile in its updates. */
    private final Match match;

    private final Updates updates = new Updates();
    private final EntityTable.Visitor toNearbyPlayers = this::sendToPlayer;
    /** What {@link #toNearbyPlayers} sends: the body in {@link #out}, to every player in range but {@link #except}. */
    private int bodyLength;

    private int except;

    Visibility(
            final Outbox outbox,
            final int mapId,
            final float visibilityYards,
            final EntityTable entities,
            final PlayerTable players,
            final WorldClock clock,
            final Match match) {
        this.outbox = outbox;
        this.out = outbox.scratch();
        this.mapId = mapId;
        this.visibilityYards = visibilityYards;
        this.entities = entities;
        this.players = players;
        this.clock = clock;
        this.match = match;
    }

    /** Tell the player in {@code slot} what changed: its own state, and (when due) the entities in sight. */
    void publish(final int slot) {
        final int player = players.indexOf(slot);
        if (players.enterUnsent[player]) {
            // Its client knows nothing of this map until WORLD_ENTERED: nothing else goes before it.
            worldEntered(slot);
            if (players.enterUnsent[player]) {
                return;
            }
        }
        if (players.selfDirty[player]) {
            players.selfDirty[player] = false;
            sendSelf(slot, player);
        }
        final long tick = clock.tick();
        final boolean reset = players.sentCell[player] == Grid.NONE;
        if (!reset && (tick + slot) % UPDATE_EVERY_TICKS != 0) {
            return;
        }
        updates.send(slot, player, reset, tick);
        players.sentTick[player] = tick;
        players.sentCell[player] = entities.cellOf(slot);
        players.sentX[player] = entities.x[slot];
        players.sentY[player] = entities.y[slot];
    }

    private void sendSelf(final int slot, final int player) {
        outbox.send(
                Outbox.FRAME,
                players.session[player],
                entities.id[slot],
                ServerMessages.selfState(
                        out,
                        Outbox.BODY_OFFSET,
                        players.ackedSequence[player],
                        entities.x[slot],
                        entities.y[slot],
                        entities.z[slot],
                        entities.o[slot],
                        entities.health[slot],
                        entities.maxHealth[slot],
                        entities.level[slot],
                        players.durableMoney[player],
                        players.experience[player]));
    }

    /** Send WORLD_ENTERED; a full outbox leaves it to send again first thing at the next tick. */
    void worldEntered(final int slot) {
        final int player = players.indexOf(slot);
        players.enterUnsent[player] = !outbox.send(
                Outbox.FRAME,
                players.session[player],
                entities.id[slot],
                ServerMessages.worldEntered(
                        out,
                        Outbox.BODY_OFFSET,
                        entities.id[slot],
                        mapId,
                        entities.x[slot],
                        entities.y[slot],
                        entities.z[slot],
                        entities.o[slot],
                        visibilityYards));
    }

    /** Tell the players around that the entity in {@code slot} leaves the map. */
    void entityGone(final int slot) {
        bodyLength = ServerMessages.entityGone(out, Outbox.BODY_OFFSET, entities.id[slot]);
        except = slot;
        entities.forEachNear(slot, GONE_RANGE, toNearbyPlayers);
    }

    /** What the player in {@code slot} said, to every player within {@link #SAY_RANGE}, itself too. */
    void say(final int slot, final DirectBuffer text, final int textOffset, final int textLength) {
        bodyLength = ServerMessages.chat(out, Outbox.BODY_OFFSET, entities.id[slot], text, textOffset, textLength);
        except = Grid.NONE;
        entities.forEachNear(slot, SAY_RANGE, toNearbyPlayers);
    }

    private void sendToPlayer(final int other) {
        if (entities.kind[other] == EntityTable.PLAYER && other != except) {
            outbox.send(Outbox.FRAME, players.session[players.indexOf(other)], entities.id[other], bodyLength);
        }
    }

    /** One player's ENTITY_UPDATES, built by a walk over what it can see: records that fill a frame send it. */
    private final class Updates implements EntityTable.Visitor {
        private int viewer;
        private int viewerIndex;
        private boolean reset;
        private long since;
        private float range;
        private int flags;
        private int count;

        void send(final int slot, final int player, final boolean resetView, final long tick) {
            viewer = slot;
            viewerIndex = player;
            reset = resetView;
            since = players.sentTick[player];
            range = visibilityYards * visibilityYards;
            flags = reset ? ClientProtocol.UPDATES_FLAG_RESET : 0;
            count = 0;
            ServerMessages.updatesHeader(out, Outbox.BODY_OFFSET, (int) tick, flags);
            entities.forEachNear(slot, visibilityYards, this);
            if (count > 0 || flags != 0) {
                flush();
            }
        }

        @Override
        public void visit(final int other) {
            // In sight now (the walk's radius), and news: it changed, or it was out of sight from where the
            // player last was.
            if (other == viewer
                    || (!reset
                            && entities.changedTick[other] <= since
                            && EntityTable.squared(
                                            players.sentX[viewerIndex],
                                            players.sentY[viewerIndex],
                                            entities.x[other],
                                            entities.y[other])
                                    <= range)) {
                return;
            }
            if (count == ClientProtocol.MAX_RECORDS) {
                flush();
                flags = 0;
                count = 0;
                ServerMessages.updatesHeader(out, Outbox.BODY_OFFSET, (int) clock.tick(), flags);
            }
            record(other, Outbox.BODY_OFFSET + ClientProtocol.UPDATES_RECORDS + count * ClientProtocol.RECORD_LENGTH);
            count++;
        }

        private void flush() {
            outbox.send(
                    Outbox.FRAME,
                    players.session[viewerIndex],
                    entities.id[viewer],
                    ServerMessages.updatesCount(out, Outbox.BODY_OFFSET, count));
        }

        private void record(final int entity, final int at) {
            int recordFlags = 0;
            if (entities.dead[entity]) {
                recordFlags |= ClientProtocol.RECORD_FLAG_DEAD;
                if (entities.killer[entity] == viewer
                        && (entities.money[entity] > 0 || entities.lootTemplate[entity] != 0)) {
                    recordFlags |= ClientProtocol.RECORD_FLAG_LOOTABLE;
                }
            } else if (entities.kind[entity] == EntityTable.PLAYER && match.hostile(viewer, entity)) {
                recordFlags |= ClientProtocol.RECORD_FLAG_HOSTILE;
            }
            ServerMessages.Record.write(
                    out,
                    at,
                    entities.id[entity],
                    entities.seenAsPlayer(entity) ? ClientProtocol.KIND_PLAYER : ClientProtocol.KIND_CREATURE,
                    recordFlags,
                    entities.x[entity],
                    entities.y[entity],
                    entities.z[entity],
                    entities.o[entity],
                    entities.health[entity],
                    entities.maxHealth[entity]);
        }
    }
}
