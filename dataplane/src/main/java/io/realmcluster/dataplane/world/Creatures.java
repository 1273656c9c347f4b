package io.realmcluster.dataplane.world;

import java.util.SplittableRandom;

/**
 * The creatures' minds: each wanders around its home, aggroes on a player who comes close, chases
 * and hits it until it is left behind past the leash, and a corpse respawns at home after a while.
 * The tick thread only.
 */
final class Creatures {
    static final long CREATURE_ID_BASE = 1L << 48;
    /** Vanilla run speed, 7 yards per second; walking creatures go at 2.5. */
    static final float RUN_SPEED = 7f;

    static final float WALK_SPEED = 2.5f;
    static final float AGGRO_RADIUS = 10f;
    static final float LEASH_RADIUS = 40f;
    static final float WANDER_RADIUS = 15f;
    static final float MELEE_RANGE = 5f;

    private final EntityTable entities;
    private final PlayerTable players;
    private final WorldClock clock;
    private final SplittableRandom random;
    private final int ticksPerSecond;
    private final int attackIntervalTicks;
    private final float[] homeX;
    private final float[] homeY;
    private final float[] goalX;
    private final float[] goalY;
    private final Nearest nearestPlayer = new Nearest(EntityTable.PLAYER);
    private final Nearest nearestCreature = new Nearest(EntityTable.CREATURE);
    private final Nearest nearestGhostPlayer = new Nearest(EntityTable.GHOST_PLAYER);
    /**
     * On a cell of a split continent: the neighbours' ghosts, and where blows at a ghost player go (the player's own
     * cell deals them); null on a whole map, where creatures fight only players of their own map.
     */
    private Ghosts ghosts;

    private CellActions actions;

    /** {@code random} is the map's one source of chance: the same seed and inputs give the same world. */
    Creatures(
            final EntityTable entities,
            final PlayerTable players,
            final WorldClock clock,
            final SplittableRandom random,
            final int ticksPerSecond,
            final int attackIntervalTicks) {
        this.entities = entities;
        this.players = players;
        this.clock = clock;
        this.random = random;
        this.ticksPerSecond = ticksPerSecond;
        this.attackIntervalTicks = attackIntervalTicks;
        final int capacity = entities.capacity();
        homeX = new float[capacity];
        homeY = new float[capacity];
        goalX = new float[capacity];
        goalY = new float[capacity];
    }

    /** The {@code index}th creature of the map, of a level between {@code minLevel} and {@code maxLevel}, at home at (px, py). */
    /**
     * Draw what {@link #spawn} draws for creature {@code index} and add nothing: a cell of a split continent skips
     * the creatures whose home is in another cell, and its own come out as they would on the whole continent.
     */
    void skip(final int minLevel, final int maxLevel) {
        random.nextInt(maxLevel - minLevel + 1);
        random.nextInt(100);
    }

    /** Creature {@code index} at home at (px, py). Draws from the random source as {@link #skip} does. */
    void spawn(final int index, final float px, final float py, final int minLevel, final int maxLevel) {
        final int slot = entities.add(CREATURE_ID_BASE + index, EntityTable.CREATURE, px, py);
        homeX[slot] = px;
        homeY[slot] = py;
        goalX[slot] = px;
        goalY[slot] = py;
        entities.level[slot] = minLevel + random.nextInt(maxLevel - minLevel + 1);
        entities.maxHealth[slot] = 20 + entities.level[slot] * 12;
        entities.health[slot] = entities.maxHealth[slot];
        entities.target[slot] = EntityTable.NONE;
        entities.killer[slot] = EntityTable.NONE;
        entities.killerId[slot] = 0;
        entities.nextActionTick[slot] = random.nextInt(100);
    }

    /** One tick of the creature in {@code slot}. */
    void act(final int slot) {
        final EntityTable e = entities;
        final long tick = clock.tick();
        if (e.dead[slot]) {
            if (tick >= e.nextActionTick[slot]) {
                respawn(slot);
            }
            return;
        }
        final int victim = e.target[slot];
        if (victim != EntityTable.NONE) {
            if (!fights(victim)
                    || e.id[victim] != e.targetId[slot]
                    || EntityTable.distance(homeX[slot], homeY[slot], e.x[victim], e.y[victim]) > LEASH_RADIUS) {
                e.target[slot] = EntityTable.NONE;
                goalX[slot] = homeX[slot];
                goalY[slot] = homeY[slot];
                return;
            }
            if (e.distance(slot, victim) > MELEE_RANGE) {
                step(slot, e.x[victim], e.y[victim], RUN_SPEED);
            } else if (tick >= e.nextActionTick[slot]) {
                hit(slot, victim, tick);
            }
            return;
        }
        if ((tick + slot) % 10 == 0) {
            int player = nearestPlayer.find(e.x[slot], e.y[slot], AGGRO_RADIUS);
            if (player == EntityTable.NONE && actions != null) {
                player = nearestGhostPlayer.find(e.x[slot], e.y[slot], AGGRO_RADIUS);
            }
            if (player != EntityTable.NONE) {
                e.target[slot] = player;
                e.targetId[slot] = e.id[player];
                return;
            }
        }
        if (tick >= e.nextActionTick[slot]) {
            goalX[slot] = homeX[slot] + (random.nextFloat() * 2 - 1) * WANDER_RADIUS;
            goalY[slot] = homeY[slot] + (random.nextFloat() * 2 - 1) * WANDER_RADIUS;
            e.nextActionTick[slot] = tick + 5L * ticksPerSecond + random.nextInt(10 * ticksPerSecond);
        }
        step(slot, goalX[slot], goalY[slot], WALK_SPEED);
    }

    /** On a cell: blows at ghost players go to their cells through {@code cellActions}, and ghosts draw aggro. */
    void cell(final Ghosts cellGhosts, final CellActions cellActions) {
        this.ghosts = cellGhosts;
        this.actions = cellActions;
    }

    /** Whether a creature fights the entity in {@code slot}: a player here, or on a cell the ghost of a neighbour's. */
    private boolean fights(final int slot) {
        final byte kind = entities.kind[slot];
        return kind == EntityTable.PLAYER || (kind == EntityTable.GHOST_PLAYER && actions != null);
    }

    private void hit(final int slot, final int victim, final long tick) {
        final EntityTable e = entities;
        e.nextActionTick[slot] = tick + attackIntervalTicks;
        if (e.kind[victim] == EntityTable.GHOST_PLAYER) {
            // The player lives on the neighbouring cell: the blow is dealt there, and its ghost shows what came of it.
            actions.blow(ghosts.sideOf(victim), e.id[slot], e.id[victim], 2 + e.level[slot], e.level[slot]);
            return;
        }
        e.health[victim] -= 2 + e.level[slot];
        e.changedTick[victim] = tick;
        players.selfDirty[players.indexOf(victim)] = true;
        if (e.health[victim] <= 0) {
            // A fallen player gets up at once here; death and corpse runs come with the full game.
            e.health[victim] = e.maxHealth[victim];
            e.target[slot] = EntityTable.NONE;
        }
    }

    private void respawn(final int slot) {
        final EntityTable e = entities;
        e.dead[slot] = false;
        e.health[slot] = e.maxHealth[slot];
        e.killer[slot] = EntityTable.NONE;
        e.killerId[slot] = 0;
        e.money[slot] = 0;
        e.lootTemplate[slot] = 0;
        e.lootCount[slot] = 0;
        goalX[slot] = homeX[slot];
        goalY[slot] = homeY[slot];
        e.changedTick[slot] = clock.tick();
        e.moveTo(slot, homeX[slot], homeY[slot]);
    }

    private void step(final int slot, final float toX, final float toY, final float speed) {
        final EntityTable e = entities;
        final float dx = toX - e.x[slot];
        final float dy = toY - e.y[slot];
        final float length = (float) Math.sqrt(dx * dx + dy * dy);
        if (length < 0.01f) {
            return;
        }
        final float reach = Math.min(length, speed / ticksPerSecond);
        e.o[slot] = (float) Math.atan2(dy, dx);
        e.changedTick[slot] = clock.tick();
        e.moveTo(slot, e.x[slot] + dx / length * reach, e.y[slot] + dy / length * reach);
    }

    /** The id of the creature nearest to (px, py) within {@code radius}, alive or dead, or -1. */
    long nearest(final float px, final float py, final float radius) {
        final int slot = nearestCreature.find(px, py, radius);
        return slot == EntityTable.NONE ? -1 : entities.id[slot];
    }

    /** Finds the nearest entity of one kind with a walk; on a tie the last one walked wins. */
    private final class Nearest implements EntityTable.Visitor {
        private final byte kind;
        private float px;
        private float py;
        private int best;
        private float bestDistance;

        Nearest(final byte kind) {
            this.kind = kind;
        }

        int find(final float x, final float y, final float radius) {
            px = x;
            py = y;
            best = EntityTable.NONE;
            bestDistance = radius;
            entities.forEachNear(x, y, radius, this);
            return best;
        }

        @Override
        public void visit(final int other) {
            if (entities.kind[other] == kind) {
                final float d = EntityTable.distance(px, py, entities.x[other], entities.y[other]);
                if (d <= bestDistance) {
                    best = other;
                    bestDistance = d;
                }
            }
        }
    }
}
