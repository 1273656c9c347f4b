package io.realmcluster.dataplane.world;

import java.util.Arrays;

/**
 * What only players have (client session, what they were last told, ownership and save fencing,
 * their part in a transfer), in parallel arrays indexed by a player index and sized for the map's
 * players, with the mapping between an entity slot and its player index. The tick thread only,
 * except {@link #count()}.
 */
final class PlayerTable {
    /** A player's part in a transfer away from this map: none, frozen until it commits or fails, or frozen with its client gone. */
    static final byte STAYING = 0;

    static final byte DEPARTING = 1;
    static final byte DEPARTING_CLIENT_GONE = 2;

    /** The entity slot of each player index. */
    final int[] slot;
    /** Per player: its client session, the tick and cell of its last entity update, its own state. */
    final int[] session;

    final long[] sentTick;
    final int[] sentCell;
    final float[] sentX;
    final float[] sentY;
    final int[] ackedSequence;
    final long[] experience;
    final long[] lastMoveTick;
    final boolean[] selfDirty;
    /** WORLD_ENTERED did not fit the outbox: sent again before anything else, each tick until it does. */
    final boolean[] enterUnsent;
    /** Ownership epoch each player was claimed at, and its save sequence: every save is fenced by both. */
    final long[] epoch;

    final long[] saveSeq;
    /** Money the database holds for the player: what its client is shown; a loot adds to it once durable. */
    final long[] durableMoney;
    /** The player changed since its last snapshot went to the save log. */
    final boolean[] persistDirty;

    final byte[] departing;
    /** While the instance hands its players over: the tick from which each may be tried (again). */
    final long[] handOverTick;
    /** On a cell: the neighbour (side) its client was last told to stand by at, 0 for none; and when. */
    final byte[] standbySide;

    final long[] standbyTick;

    /** Vanilla's class id (0 unknown): what it may equip. */
    final int[] characterClass;
    /** Maximum health before equipment; equipment's health adds to it. */
    final int[] baseMaxHealth;
    /** What its equipment adds to every hit. */
    final int[] attackBonus;
    /** Item records (loot, item changes) in the save log not yet confirmed: a trade waits for none. */
    final int[] pendingItemSaves;
    /** INVENTORY is yet to be sent (after WORLD_ENTERED). */
    final boolean[] inventoryUnsent;
    /** The player's trade (an index in the map's trade table), or {@link #NO_TRADE}; and its side in it, 0 or 1. */
    final int[] trade;

    final int[] tradeSide;
    /** Its items and money are in a committing trade: item actions, loots, new trades and departures wait. */
    final boolean[] locked;

    static final int NO_TRADE = -1;

    /** The player index of each entity slot, {@link EntityTable#NONE} for a slot that holds no player. */
    private final int[] indexOfSlot;

    private final int[] freeIndexes;
    private int freeCount;
    /** Written by the tick thread only; read by load reports. */
    private volatile int count;

    /** Room for {@code maxPlayers} players among {@code entitySlots} entity slots. */
    PlayerTable(final int maxPlayers, final int entitySlots) {
        slot = new int[maxPlayers];
        session = new int[maxPlayers];
        sentTick = new long[maxPlayers];
        sentCell = new int[maxPlayers];
        sentX = new float[maxPlayers];
        sentY = new float[maxPlayers];
        ackedSequence = new int[maxPlayers];
        experience = new long[maxPlayers];
        lastMoveTick = new long[maxPlayers];
        selfDirty = new boolean[maxPlayers];
        enterUnsent = new boolean[maxPlayers];
        epoch = new long[maxPlayers];
        saveSeq = new long[maxPlayers];
        durableMoney = new long[maxPlayers];
        persistDirty = new boolean[maxPlayers];
        departing = new byte[maxPlayers];
        handOverTick = new long[maxPlayers];
        standbySide = new byte[maxPlayers];
        standbyTick = new long[maxPlayers];
        characterClass = new int[maxPlayers];
        baseMaxHealth = new int[maxPlayers];
        attackBonus = new int[maxPlayers];
        pendingItemSaves = new int[maxPlayers];
        inventoryUnsent = new boolean[maxPlayers];
        trade = new int[maxPlayers];
        Arrays.fill(trade, NO_TRADE);
        tradeSide = new int[maxPlayers];
        locked = new boolean[maxPlayers];
        indexOfSlot = new int[entitySlots];
        Arrays.fill(indexOfSlot, EntityTable.NONE);
        freeIndexes = new int[maxPlayers];
        for (int index = maxPlayers - 1; index >= 0; index--) {
            freeIndexes[freeCount++] = index;
        }
    }

    boolean full() {
        return freeCount == 0;
    }

    /** Take a player index for the player in {@code entitySlot}; the caller checked {@link #full()}. */
    int add(final int entitySlot) {
        final int index = freeIndexes[--freeCount];
        slot[index] = entitySlot;
        indexOfSlot[entitySlot] = index;
        count++;
        return index;
    }

    /** Free the player index of the player in {@code entitySlot}. */
    void remove(final int entitySlot) {
        final int index = indexOfSlot[entitySlot];
        indexOfSlot[entitySlot] = EntityTable.NONE;
        freeIndexes[freeCount++] = index;
        count--;
    }

    /** The player index of the player in {@code entitySlot}, or {@link EntityTable#NONE}. */
    int indexOf(final int entitySlot) {
        return indexOfSlot[entitySlot];
    }

    /** Players on the map. Any thread: a status the tick thread publishes. */
    int count() {
        return count;
    }
}
