package io.realmcluster.bench.persist;

import io.realmcluster.dataplane.store.CharacterStore;
import io.realmcluster.dataplane.store.ForwardingCharacterStore;
import io.realmcluster.dataplane.store.PendingSave;
import java.sql.SQLException;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;

/**
 * The character store as the saver sees it, timing each save transaction (one call of
 * {@link CharacterStore#save}) and counting the saves that landed. For the baseline it splits
 * every batch the saver hands it, so each character is saved in a transaction of its own.
 */
final class MeasuredStore extends ForwardingCharacterStore {
    private final boolean onePerTransaction;
    private final Recorder latencies = new Recorder(3);
    private final AtomicLong transactions = new AtomicLong();
    private final AtomicLong landed = new AtomicLong();

    /** Counts since the store was created; a window is the difference of two. */
    record Totals(long transactions, long landed) {}

    MeasuredStore(final CharacterStore store, final boolean onePerTransaction) {
        super(store);
        this.onePerTransaction = onePerTransaction;
    }

    @Override
    public boolean[] save(final List<PendingSave> saves, final String nodeId) throws SQLException {
        if (!onePerTransaction) {
            return timed(saves, nodeId);
        }
        final boolean[] each = new boolean[saves.size()];
        for (int i = 0; i < saves.size(); i++) {
            each[i] = timed(List.of(saves.get(i)), nodeId)[0];
        }
        return each;
    }

    private boolean[] timed(final List<PendingSave> saves, final String nodeId) throws SQLException {
        final long started = System.nanoTime();
        final boolean[] result = store.save(saves, nodeId);
        latencies.recordValue(System.nanoTime() - started);
        transactions.incrementAndGet();
        for (final boolean one : result) {
            if (one) {
                landed.incrementAndGet();
            }
        }
        return result;
    }

    Totals totals() {
        return new Totals(transactions.get(), landed.get());
    }

    /** Transaction latencies in nanoseconds since the last call (the first call: since creation). Any thread. */
    Histogram takeLatencies() {
        return latencies.getIntervalHistogram();
    }
}
