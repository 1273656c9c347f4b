package io.realmcluster.dataplane.store;

import io.realmcluster.dataplane.pipeline.Saves;
import org.agrona.concurrent.UnsafeBuffer;

/** Saves as the saver builds them from the save log, for tests of the store. */
public final class PendingSaves {
    private PendingSaves() {}

    /** A snapshot of {@code character} at level 2 a few yards off the start point. */
    public static PendingSave at(final long character, final long epoch, final long seq) {
        return of(character, epoch, seq, 0, false);
    }

    /** A snapshot (or a logout) with {@code money}. */
    public static PendingSave of(
            final long character, final long epoch, final long seq, final long money, final boolean logout) {
        final UnsafeBuffer record = new UnsafeBuffer(new byte[Saves.LENGTH]);
        record.putLong(Saves.CHARACTER, character);
        record.putLong(Saves.EPOCH, epoch);
        record.putLong(Saves.SEQUENCE, seq);
        record.putInt(Saves.LEVEL, 2);
        record.putLong(Saves.MONEY, money);
        record.putFloat(Saves.X, 10f);
        final PendingSave save = new PendingSave();
        save.apply(logout ? Saves.LOGOUT : Saves.SNAPSHOT, record, 0, "");
        return save;
    }
}
