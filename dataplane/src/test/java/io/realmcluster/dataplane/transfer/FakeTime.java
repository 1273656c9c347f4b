package io.realmcluster.dataplane.transfer;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.agrona.concurrent.EpochClock;
import org.agrona.concurrent.NanoClock;

/** A nano clock, an epoch clock and the waits of the transfer threads, all moved by the test. */
final class FakeTime implements NanoClock, EpochClock, Pause {
    private static final long START_NANOS = TimeUnit.DAYS.toNanos(3);
    private static final long START_MILLIS = 1_700_000_000_000L;
    private long nanos = START_NANOS;
    private final List<Long> pauses = new ArrayList<>();
    Runnable onPause = () -> {};

    @Override
    public long nanoTime() {
        return nanos;
    }

    @Override
    public long time() {
        return START_MILLIS + millis();
    }

    @Override
    public void pauseNanos(final long pause) {
        pauses.add(pause);
        advance(pause);
        onPause.run();
    }

    void advance(final long by) {
        nanos += by;
    }

    long millis() {
        return TimeUnit.NANOSECONDS.toMillis(nanos - START_NANOS);
    }

    List<Long> pausesMillis() {
        return pauses.stream().map(TimeUnit.NANOSECONDS::toMillis).toList();
    }
}
