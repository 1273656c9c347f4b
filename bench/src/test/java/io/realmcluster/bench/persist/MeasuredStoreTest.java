package io.realmcluster.bench.persist;

import static org.assertj.core.api.Assertions.assertThat;

import io.realmcluster.dataplane.pipeline.SaveLog;
import io.realmcluster.dataplane.store.ClaimedCharacter;
import io.realmcluster.dataplane.store.EphemeralCharacterStore;
import io.realmcluster.dataplane.store.Saver;
import io.realmcluster.dataplane.tick.TickScheduler;
import io.realmcluster.dataplane.world.InstanceHost;
import org.agrona.concurrent.CachedNanoClock;
import org.junit.jupiter.api.Test;

/**
 * The saves benchmark counts what it says, or its numbers mean nothing: the writer's snapshots
 * reach the store through the real saver, a transaction is one call of the store, only saves that
 * landed count, and the baseline gives every character a transaction of its own.
 */
class MeasuredStoreTest {
    private static final String NODE = "node-t";
    private static final int CHARACTERS = 3;

    @Test
    void theSaversBatchIsOneTransactionOfEveryDirtyCharacter() {
        assertThat(saveEachOnce(false)).isEqualTo(new MeasuredStore.Totals(1, CHARACTERS));
    }

    @Test
    void theBaselineSavesEachCharacterInATransactionOfItsOwn() {
        assertThat(saveEachOnce(true)).isEqualTo(new MeasuredStore.Totals(CHARACTERS, CHARACTERS));
    }

    /** One snapshot of each character into the save log, one flush of the saver into the measured store. */
    private static MeasuredStore.Totals saveEachOnce(final boolean onePerTransaction) {
        final EphemeralCharacterStore characters = new EphemeralCharacterStore();
        final ClaimedCharacter[] claims = new ClaimedCharacter[CHARACTERS];
        for (int i = 0; i < CHARACTERS; i++) {
            claims[i] = characters.claim(i + 1, 1, NODE);
        }
        final MeasuredStore store = new MeasuredStore(characters, onePerTransaction);
        final SaveLog log = SaveLog.allocate(1 << 16);
        final SnapshotWriter writer = new SnapshotWriter(log, new OnlineCharacters(claims), null);
        final CachedNanoClock clock = new CachedNanoClock();
        try (TickScheduler noTicks = new TickScheduler(0, Throwable::printStackTrace)) {
            final Saver saver = new Saver(
                    log, store, NODE, new InstanceHost(noTicks, log), clock, durable -> {}, Saver.LogoutListener.NONE);
            for (int i = 0; i < CHARACTERS; i++) {
                assertThat(writer.writeNext()).isTrue();
            }
            saver.doWork();
            clock.advance(Saver.MAX_DELAY_NANOS);
            saver.doWork();
            assertThat(saver.stats().saved()).isEqualTo(CHARACTERS);
        }
        assertThat(store.takeLatencies().getTotalCount())
                .isEqualTo(store.totals().transactions());
        return store.totals();
    }
}
