package io.realmcluster.dataplane.world;

import java.util.SplittableRandom;

/**
 * Players against creatures, and against players where the map's match makes them foes: a player
 * attacks what it targets while in range, a creature killed leaves a corpse with money only its
 * killer may loot (and a stack rolled from its loot table), a player slain gets up at once where he
 * fell (the match hears of it); equipment adds to every hit. The tick thread only.
 */
final class Combat {
    static final float ATTACK_RANGE = 30f;
    static final float LOOT_RANGE = 5f;

    private final EntityTable entities;
    private final PlayerTable players;
    private final WorldClock clock;
    private final SplittableRandom random;
    private final int attackIntervalTicks;
    private final int respawnTicks;
    private final Match match;
    private final ItemActions items;
    private long kills;
    private long playersSlain;
    /** On a cell of a split continent: its neighbours' ghosts, and where blows at them go; null on a whole map. */
    private Ghosts ghosts;

    private CellActions actions;
    /** Blows sent to a neighbouring cell at a ghost of its creatures. */
    private long forwardedBlows;
    /** Kills this cell's players made of a neighbouring cell's creatures. */
    private long killsAcross;
    /** Blows this cell's players took from a neighbouring cell's creatures. */
    private long blowsTakenAcross;
    /** More than any blow deals: a neighbour's word of a larger one is not believed. */
    private static final int MAX_BLOW = 1_000_000;
    /** More than any creature gives: a kill's word from a neighbour claiming more is not believed. */
    private static final int MAX_EXPERIENCE_PER_KILL = 100_000;

    /** {@code random} is the map's one source of chance, shared with its creatures. */
    Combat(
            final EntityTable entities,
            final PlayerTable players,
            final WorldClock clock,
            final SplittableRandom random,
            final int attackIntervalTicks,
            final int respawnTicks,
            final Match match,
            final ItemActions items) {
        this.match = match;
        this.items = items;
        this.entities = entities;
        this.players = players;
        this.clock = clock;
        this.random = random;
        this.attackIntervalTicks = attackIntervalTicks;
        this.respawnTicks = respawnTicks;
    }

    /** On a cell: blows at the ghost of a neighbour's creature go to that neighbour through {@code cellActions}. */
    void cell(final Ghosts cellGhosts, final CellActions cellActions) {
        this.ghosts = cellGhosts;
        this.actions = cellActions;
    }

    /** One tick of the player in {@code slot}: a blow at its foe when due, or the foe forgotten once out of reach. */
    void act(final int slot) {
        final EntityTable e = entities;
        final long tick = clock.tick();
        final int foe = e.target[slot];
        if (foe == EntityTable.NONE || tick < e.nextActionTick[slot]) {
            return;
        }
        if (e.kind[foe] == EntityTable.GHOST_CREATURE) {
            // Its creature lives on the neighbouring cell: the blow is dealt there, and its ghost shows what came of
            // it.
            if (actions == null
                    || e.dead[foe]
                    || e.id[foe] != e.targetId[slot]
                    || e.distance(slot, foe) > ATTACK_RANGE) {
                e.target[slot] = EntityTable.NONE;
                return;
            }
            e.nextActionTick[slot] = tick + attackIntervalTicks;
            actions.blow(
                    ghosts.sideOf(foe),
                    e.id[slot],
                    e.id[foe],
                    10 + e.level[slot] * 3 + players.attackBonus[players.indexOf(slot)],
                    e.level[slot]);
            forwardedBlows++;
            return;
        }
        final boolean creature = e.kind[foe] == EntityTable.CREATURE;
        if (!(creature ? !e.dead[foe] : foePlayer(slot, foe)) || e.distance(slot, foe) > ATTACK_RANGE) {
            e.target[slot] = EntityTable.NONE;
            return;
        }
        e.nextActionTick[slot] = tick + attackIntervalTicks;
        if (creature && e.target[foe] == EntityTable.NONE) {
            e.target[foe] = slot;
            e.targetId[foe] = e.id[slot];
        }
        e.health[foe] -= 10 + e.level[slot] * 3 + players.attackBonus[players.indexOf(slot)];
        e.changedTick[foe] = tick;
        if (!creature) {
            players.selfDirty[players.indexOf(foe)] = true;
        }
        if (e.health[foe] <= 0) {
            if (creature) {
                die(foe, slot);
            } else {
                slain(foe, slot);
            }
        }
    }

    /** Whether {@code foe} is still the player {@code slot} targeted, and one the match lets it fight. */
    private boolean foePlayer(final int slot, final int foe) {
        return entities.kind[foe] == EntityTable.PLAYER
                && entities.id[foe] == entities.targetId[slot]
                && match.hostile(slot, foe);
    }

    /** A player slain by another gets up at once where he fell, and the match hears of it. */
    private void slain(final int victim, final int by) {
        final EntityTable e = entities;
        e.health[victim] = e.maxHealth[victim];
        e.target[victim] = EntityTable.NONE;
        e.target[by] = EntityTable.NONE;
        playersSlain++;
        match.died(victim);
    }

    private void die(final int creature, final int by) {
        final EntityTable e = entities;
        final long tick = clock.tick();
        e.dead[creature] = true;
        e.health[creature] = 0;
        e.target[creature] = EntityTable.NONE;
        e.killer[creature] = by;
        e.killerId[creature] = e.id[by];
        e.money[creature] = 1 + e.level[creature] * 7L + random.nextInt(e.level[creature] * 5 + 1);
        items.rollLoot(creature);
        e.changedTick[creature] = tick;
        e.nextActionTick[creature] = tick + respawnTicks;
        e.target[by] = EntityTable.NONE;
        kills++;
        gain(by, experienceFor(creature));
    }

    /** The experience a kill of the creature in {@code creature} gives. */
    private int experienceFor(final int creature) {
        return entities.level[creature] * 5 + 45;
    }

    /** The player in {@code slot} gains {@code experience}: saved with its next save. */
    private void gain(final int slot, final int experience) {
        final int player = players.indexOf(slot);
        players.experience[player] += experience;
        players.selfDirty[player] = true;
        players.persistDirty[player] = true;
    }

    /**
     * A creature of the neighbouring cell this cell's player {@code killerId} fought died of his blow there: he gains
     * its experience here (gone meanwhile: nothing, as a player gone before the blow landed).
     */
    void killedAcross(final long killerId, final int experience) {
        final int slot = entities.slotOf(killerId);
        if (slot == EntityTable.NONE
                || entities.kind[slot] != EntityTable.PLAYER
                || experience <= 0
                || experience > MAX_EXPERIENCE_PER_KILL) {
            return;
        }
        if (entities.target[slot] != EntityTable.NONE
                && entities.kind[entities.target[slot]] == EntityTable.GHOST_CREATURE) {
            entities.target[slot] = EntityTable.NONE;
        }
        gain(slot, experience);
        killsAcross++;
    }

    /** The player in {@code slot} targets a living creature, or a player its match makes a foe, in range; false when it may not. */
    boolean attack(final int slot, final long foeId) {
        final EntityTable e = entities;
        final int foe = e.slotOf(foeId);
        if (players.departing[players.indexOf(slot)] != PlayerTable.STAYING
                || foe == EntityTable.NONE
                || !(e.kind[foe] == EntityTable.CREATURE || e.kind[foe] == EntityTable.GHOST_CREATURE
                        ? !e.dead[foe]
                        : e.kind[foe] == EntityTable.PLAYER && match.hostile(slot, foe))
                || e.distance(slot, foe) > ATTACK_RANGE) {
            return false;
        }
        e.target[slot] = foe;
        e.targetId[slot] = foeId;
        return true;
    }

    /** The player in {@code slot} loots a corpse (see {@link ItemActions#loot}). */
    void loot(final int slot, final long corpseId) {
        items.loot(slot, corpseId);
    }

    /**
     * A blow from a player of a neighbouring cell (its ghost here is {@code byGhost}, or NONE) at this cell's
     * creature in {@code creature}: dealt as a player here would; a creature it kills dies here, its corpse holding
     * money and a stack for its killer, who gains the experience on his own cell.
     */
    void blowFromNeighbour(final int creature, final int byGhost, final long byId, final int amount) {
        final EntityTable e = entities;
        if (amount <= 0 || amount > MAX_BLOW) {
            return;
        }
        if (e.kind[creature] == EntityTable.PLAYER) {
            creatureBlowFromNeighbour(creature, amount);
            return;
        }
        if (e.kind[creature] != EntityTable.CREATURE || e.dead[creature]) {
            return;
        }
        e.health[creature] -= amount;
        e.changedTick[creature] = clock.inputTick();
        if (e.health[creature] <= 0) {
            final long tick = clock.inputTick();
            e.dead[creature] = true;
            e.health[creature] = 0;
            e.target[creature] = EntityTable.NONE;
            e.killer[creature] = byGhost;
            e.killerId[creature] = byId;
            e.money[creature] = 1 + e.level[creature] * 7L + random.nextInt(e.level[creature] * 5 + 1);
            items.rollLoot(creature);
            e.nextActionTick[creature] = tick + respawnTicks;
            kills++;
            if (byGhost != EntityTable.NONE && actions != null) {
                actions.kill(ghosts.sideOf(byGhost), byId, e.id[creature], experienceFor(creature));
            }
        }
    }

    /**
     * A blow from a neighbouring cell's creature at this cell's player in {@code slot}, whose ghost it fought there:
     * dealt as a creature here would (a fallen player gets up at once where he fell).
     */
    private void creatureBlowFromNeighbour(final int slot, final int amount) {
        final EntityTable e = entities;
        e.health[slot] -= amount;
        e.changedTick[slot] = clock.inputTick();
        players.selfDirty[players.indexOf(slot)] = true;
        if (e.health[slot] <= 0) {
            e.health[slot] = e.maxHealth[slot];
        }
        blowsTakenAcross++;
    }

    /** Blows this cell's players took from neighbouring cells' creatures. */
    long blowsTakenAcross() {
        return blowsTakenAcross;
    }

    /** Blows sent to a neighbouring cell at its creatures' ghosts. */
    long forwardedBlows() {
        return forwardedBlows;
    }

    long kills() {
        return kills;
    }

    /** Kills this cell's players made of a neighbouring cell's creatures (their experience came from there). */
    long killsAcross() {
        return killsAcross;
    }

    /** Players slain by players. */
    long playersSlain() {
        return playersSlain;
    }
}
