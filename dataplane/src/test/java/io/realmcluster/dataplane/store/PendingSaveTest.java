package io.realmcluster.dataplane.store;

import static org.assertj.core.api.Assertions.assertThat;

import io.realmcluster.common.items.InventorySlots;
import io.realmcluster.dataplane.pipeline.Saves;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

class PendingSaveTest {
    private static final long FROZEN_MILLIS_AGO = 300;

    @Test
    void aDepartureIsFrozenAtTheTickItsMapWroteItNotWhenTheSaverTookIt() {
        final long before = System.currentTimeMillis();
        final UnsafeBuffer record = depart(System.nanoTime() - TimeUnit.MILLISECONDS.toNanos(FROZEN_MILLIS_AGO));
        final PendingSave save = new PendingSave();
        save.apply(Saves.DEPART, record, 0, "");
        final long after = System.currentTimeMillis();

        assertThat(save.transferId()).isNotNull();
        // 300 ms before the record was written (the 1 ms for the clocks' rounding), however late the saver took it.
        assertThat(save.frozenAtMillis).isBetween(before - FROZEN_MILLIS_AGO - 1, after - FROZEN_MILLIS_AGO);
    }

    @Test
    void aDepartureFromAMapOnAClockOfItsOwnIsFrozenWhenTheSaverTookIt() {
        final long before = System.currentTimeMillis();
        final PendingSave save = new PendingSave();
        save.apply(Saves.DEPART, depart(System.nanoTime() + TimeUnit.SECONDS.toNanos(5)), 0, "");

        assertThat(save.frozenAtMillis).isBetween(before, System.currentTimeMillis());
    }

    @Test
    void aSnapshotKeepsTheItemsOfTheItemRecordBeforeItAndALaterClaimClearsThem() {
        final List<ItemStack> held = List.of(new ItemStack(5, 118, 23, 2), new ItemStack(6, 25, 15, 1));
        final PendingSave save =
                PendingSaves.items(PendingSaves.of(42, 3, 1, 0, false), 3, 2, Saves.ACTION_MOVE, 0, 0, 15, 23, held);
        PendingSaves.loot(save, 3, 3, 20, 20, 0, -1, held);
        final UnsafeBuffer snapshot = new UnsafeBuffer(new byte[Saves.LENGTH]);
        snapshot.putLong(Saves.CHARACTER, 42);
        snapshot.putLong(Saves.EPOCH, 3);
        snapshot.putLong(Saves.SEQUENCE, 4);
        save.apply(Saves.SNAPSHOT, snapshot, 0, "");

        assertThat(save.items()).containsExactlyElementsOf(held);
        assertThat(save.changes()).isEqualTo(2);
        assertThat(save.changes[0].ledgered()).as("a move destroys nothing").isFalse();
        assertThat(save.changes[0].idA).isEqualTo(6);
        assertThat(save.changes[0].idB).isEqualTo(5);
        assertThat(save.changes[1].ledgered()).as("a loot of money").isTrue();
        assertThat(save.awaited()).isTrue();

        snapshot.putLong(Saves.EPOCH, 4);
        snapshot.putLong(Saves.SEQUENCE, 1);
        save.apply(Saves.SNAPSHOT, snapshot, 0, "");
        assertThat(save.itemsChanged)
                .as("the later claim loaded its items from the database")
                .isFalse();
        assertThat(save.changes()).isZero();
        assertThat(save.awaited()).isFalse();
    }

    @Test
    void itemEntriesNoMapWritesAreSkipped() {
        final PendingSave save = PendingSaves.items(
                PendingSaves.of(42, 3, 1, 0, false),
                3,
                2,
                Saves.ACTION_MOVE,
                0,
                0,
                -1,
                -1,
                List.of(
                        new ItemStack(5, 118, 23, 2),
                        new ItemStack(6, 118, 23, 1),
                        new ItemStack(5, 118, 24, 1),
                        new ItemStack(0, 118, 25, 1),
                        new ItemStack(7, 118, 26, 0),
                        new ItemStack(8, 118, InventorySlots.COUNT, 1),
                        new ItemStack(9, 118, 27, 1)));

        assertThat(save.items()).containsExactly(new ItemStack(5, 118, 23, 2), new ItemStack(9, 118, 27, 1));
    }

    private static UnsafeBuffer depart(final long tickNanos) {
        final UnsafeBuffer record = new UnsafeBuffer(new byte[Saves.LENGTH]);
        record.putLong(Saves.CHARACTER, 42);
        record.putLong(Saves.EPOCH, 3);
        record.putLong(Saves.SEQUENCE, 7);
        record.putInt(Saves.TO_MAP, Saves.SAME_INSTANCE);
        record.putLong(Saves.FROZEN_AT_NANOS, tickNanos);
        return record;
    }
}
