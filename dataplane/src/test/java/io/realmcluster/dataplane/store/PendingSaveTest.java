package io.realmcluster.dataplane.store;

import static org.assertj.core.api.Assertions.assertThat;

import io.realmcluster.dataplane.pipeline.Saves;
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
