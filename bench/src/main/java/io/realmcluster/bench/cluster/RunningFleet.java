package io.realmcluster.bench.cluster;

import io.realmcluster.tools.bots.BotConfig;
import io.realmcluster.tools.bots.BotFleet;
import io.realmcluster.tools.bots.BotReport;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/** A {@link BotFleet} playing on a thread of its own until the benchmark stops it and takes its report. */
public final class RunningFleet implements AutoCloseable {
    private static final Duration REPORT_DEADLINE = Duration.ofMinutes(2);

    private final BotFleet fleet;
    private final int count;
    private final CompletableFuture<BotReport> report = new CompletableFuture<>();
    private final Thread thread;
    private final long startedNanos = System.nanoTime();

    private RunningFleet(final BotConfig config, final Path loginCa) {
        this.fleet = new BotFleet(config, loginCa);
        this.count = config.count();
        this.thread = new Thread(
                () -> {
                    try {
                        report.complete(fleet.run());
                    } catch (final Throwable e) {
                        report.completeExceptionally(e);
                    }
                },
                "bots-" + config.namePrefix());
    }

    /** Start logging the bots of {@code config} in; they play until {@link #stop()}. */
    public static RunningFleet start(final BotConfig config) {
        return start(config, null);
    }

    /** The same, with Login over TLS trusting {@code loginCa} (null: plaintext). */
    public static RunningFleet start(final BotConfig config, final Path loginCa) {
        if (!config.duration().isZero()) {
            throw new IllegalArgumentException("a running fleet plays until stopped: duration must be zero");
        }
        final RunningFleet running = new RunningFleet(config, loginCa);
        running.thread.start();
        return running;
    }

    public BotFleet fleet() {
        return fleet;
    }

    /**
     * Wait until every bot is in the world or gave up; prints how long that took and returns the
     * seconds since the start.
     */
    public double awaitInWorld(final Duration deadline) {
        final long end = System.nanoTime() + deadline.toNanos();
        while (fleet.inWorld() + fleet.failed() < count && !report.isDone()) {
            if (System.nanoTime() - end > 0) {
                throw new IllegalStateException(
                        fleet.inWorld() + " of " + count + " bots in the world after " + deadline.toSeconds() + " s");
            }
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(10));
        }
        final double seconds = (System.nanoTime() - startedNanos) / 1e9;
        System.out.printf(
                Locale.ROOT,
                "%d bots in the world after %.1f s (%d gave up)%n",
                fleet.inWorld(),
                seconds,
                fleet.failed());
        return seconds;
    }

    /** Log the bots out and return what they saw. */
    public BotReport stop() throws Exception {
        fleet.stop();
        return report.get(REPORT_DEADLINE.toSeconds(), TimeUnit.SECONDS);
    }

    @Override
    public void close() throws InterruptedException {
        fleet.stop();
        thread.join(REPORT_DEADLINE.toMillis());
    }
}
