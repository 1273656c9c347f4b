package io.realmcluster.bench.persist;

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
 * it, and the saver never waits for work: what it saves per second is its capacity.
 */
final class SnapshotWriter implements Runnable {
    /** The handle of no running map: the saver saves the character as a continent's and has no map to confirm to. */
    private static final int NO_MAP = 0;

    private static final long FULL_PARK_NANOS = TimeUnit.MILLISECONDS.toNanos(1);

    private final SaveLog log;
    private final OnlineCharacters characters;
    private final RingClaim claim = new RingClaim();
    private volatile boolean running = true;
    private int next;

    SnapshotWriter(final SaveLog log, final OnlineCharacters characters) {
        this.log = log;
        this.characters = characters;
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
        try (RingClaim claim = log.claim(this.claim, Saves.SNAPSHOT)) {
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
            claim.commit();
        }
        next = next + 1 == characters.count() ? 0 : next + 1;
        return true;
    }

    void stop() {
        running = false;
    }
}
