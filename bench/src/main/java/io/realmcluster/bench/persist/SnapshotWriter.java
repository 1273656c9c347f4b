package io.realmcluster.bench.persist;

import io.realmcluster.common.items.InventorySlots;
import io.realmcluster.dataplane.pipeline.RingClaim;
import io.realmcluster.dataplane.pipeline.SaveLog;
import io.realmcluster.dataplane.pipeline.Saves;
import io.realmcluster.dataplane.store.ClaimedCharacter;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * The maps' side of the save log, as fast as the saver takes it: a SNAPSHOT of each character in
 * turn, moved a little from where it was claimed, with its next save sequence; when the log is full
 * it waits a millisecond. So every character is dirty again by the time the saver comes back for
 * it, and the saver never waits for work: what it saves per second is its capacity. With items, each
 * record is an ITEMS record instead (a move: no ledger entry) of a character holding a full backpack
 * and equipment, of which every backpack stack's count changes and the two rings swap fingers.
 */
final class SnapshotWriter implements Runnable {
    /** Equipment each character wears: chest, feet, main hand, and the two rings that swap at each save. */
    static final int[] EQUIPMENT = {
        InventorySlots.CHEST,
        InventorySlots.FEET,
        InventorySlots.MAIN_HAND,
        InventorySlots.FINGER_1,
        InventorySlots.FINGER_2
    };

    private static final int[] GEAR = {193, 1374, 25, 5009, 13390};
    private static final int POTION = 118;
    /** Items each character holds with items: the equipment and a full backpack. */
    static final int ITEMS = EQUIPMENT.length + InventorySlots.BACKPACK_SIZE;

    /** The handle of no running map: the saver saves the character as a continent's and has no map to confirm to. */
    private static final int NO_MAP = 0;

    private static final long FULL_PARK_NANOS = TimeUnit.MILLISECONDS.toNanos(1);

    private final SaveLog log;
    private final OnlineCharacters characters;
    /** Each character's item ids ({@link #ITEMS} each), or null: snapshots only. */
    private final long[][] items;

    private final RingClaim claim = new RingClaim();
    private volatile boolean running = true;
    private int next;

    SnapshotWriter(final SaveLog log, final OnlineCharacters characters, final long[][] items) {
        this.log = log;
        this.characters = characters;
        this.items = items;
    }

    @Override
    public void run() {
        while (running) {
            if (!writeNext()) {
                LockSupport.parkNanos(FULL_PARK_NANOS);
            }
        }
    }

    /** Write the next character's snapshot; false when the log is full. */
    boolean writeNext() {
        try (RingClaim claim = log.claim(this.claim, items == null ? Saves.SNAPSHOT : Saves.ITEMS)) {
            if (!claim.claimed()) {
                return false;
            }
            final ClaimedCharacter c = characters.claims[next];
            final long seq = ++characters.saveSeqs[next];
            final float step = (seq % 64) * 0.5f;
            Saves.encode(
                    claim.buffer(),
                    claim.index(),
                    c.characterId(),
                    c.epoch(),
                    seq,
                    NO_MAP,
                    0,
                    c.level(),
                    c.mapId(),
                    c.experience() + seq,
                    c.money(),
                    c.x() + step,
                    c.y() + step,
                    c.z(),
                    c.orientation(),
                    0,
                    0);
            if (items != null) {
                items(claim, items[next], seq);
            }
            claim.commit();
        }
        next = next + 1 == characters.count() ? 0 : next + 1;
        return true;
    }

    /** The ITEMS record's change and items: the rings swapped, every backpack stack's count changed. */
    private static void items(final RingClaim claim, final long[] ids, final long seq) {
        final int swap = (int) (seq & 1);
        Saves.change(
                claim.buffer(),
                claim.index(),
                Saves.ACTION_MOVE,
                0,
                0,
                InventorySlots.FINGER_1,
                InventorySlots.FINGER_2);
        for (int i = 0; i < ITEMS; i++) {
            final int count = i < EQUIPMENT.length ? 1 : 1 + (int) ((seq + i) % 5);
            Saves.item(claim.buffer(), claim.index(), i, ids[i], template(i), slot(i, swap), count);
        }
        Saves.itemCount(claim.buffer(), claim.index(), ITEMS);
    }

    /** The template of a character's {@code i}th item: its equipment's, then potions. */
    static int template(final int i) {
        return i < EQUIPMENT.length ? GEAR[i] : POTION;
    }

    /** The slot of a character's {@code i}th item: the rings trade fingers when {@code swap} is 1. */
    static int slot(final int i, final int swap) {
        if (i >= EQUIPMENT.length) {
            return InventorySlots.BACKPACK_START + i - EQUIPMENT.length;
        }
        return i >= 3 ? EQUIPMENT[3 + ((i - 3) ^ swap)] : EQUIPMENT[i];
    }

    void stop() {
        running = false;
    }
}
