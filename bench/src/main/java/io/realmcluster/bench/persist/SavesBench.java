package io.realmcluster.bench.persist;

import io.realmcluster.bench.BenchPostgres;
import io.realmcluster.bench.Conditions;
import io.realmcluster.common.db.Database;
import io.realmcluster.common.db.DatabaseCredentials;
import io.realmcluster.dataplane.pipeline.SaveLog;
import io.realmcluster.dataplane.store.PostgresCharacterStore;
import io.realmcluster.dataplane.store.Saver;
import io.realmcluster.dataplane.tick.TickScheduler;
import io.realmcluster.dataplane.world.InstanceHost;
import io.realmcluster.processes.PostgresProcess;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import org.HdrHistogram.Histogram;
import org.agrona.concurrent.IdleStrategy;
import org.agrona.concurrent.SleepingIdleStrategy;
import org.agrona.concurrent.SystemNanoClock;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * Character saves per second into PostgreSQL: the node's {@link Saver} drains a save log that
 * always holds a snapshot of every ONLINE character and writes them with
 * {@link PostgresCharacterStore#save}, fenced by epoch and save sequence. Side by side in the same
 * run: the same saver with each save an item record of a character with a full backpack and
 * equipment, every save changing them (the items' rows written in the same transaction), so the
 * ratio is what items cost; and the same saver with each character saved in a transaction of its
 * own, as a server that saves characters one by one would, so the ratio is what batching buys.
 *
 * <p>PostgreSQL is the embedded one, migrated by the realm's Flyway migrations, on this machine (the
 * saver, the writer and the server share its cores), twice in the same run: as the tests run it, commits
 * not flushed, and as an operator runs it, every commit on disk before it is acknowledged
 * ({@link BenchPostgres}).
 */
@Command(
        name = "saves",
        mixinStandardHelpOptions = true,
        description = "Character saves/s into an embedded PostgreSQL: the saver's batches, with items and without,"
                + " vs one save per transaction; fsync off and durable commits.")
public final class SavesBench implements Callable<Integer> {
    private static final String NODE = "bench-node";
    /** As the node's. */
    private static final int SAVE_LOG_BYTES = 8 << 20;
    /** As the node's saver thread: sleep a millisecond when there was nothing to do. */
    private static final long SAVER_IDLE_NANOS = TimeUnit.MILLISECONDS.toNanos(1);

    private static final double GOAL_SAVES_PER_SECOND = 5_000;

    @Option(
            names = "--characters",
            defaultValue = "5000",
            description =
                    "Characters ONLINE on the node; with few, the saver's wait of up to 100 ms for company bounds the"
                            + " rate (default: ${DEFAULT-VALUE}).")
    int characters;

    @Option(
            names = "--seconds",
            defaultValue = "20",
            description = "Measured seconds per path (default: ${DEFAULT-VALUE}).")
    int seconds;

    @Option(
            names = "--warmup",
            defaultValue = "5",
            description = "Warm-up seconds per path (default: ${DEFAULT-VALUE}).")
    int warmupSeconds;

    @Override
    public Integer call() throws Exception {
        if (characters < 1) {
            throw new picocli.CommandLine.ParameterException(
                    new picocli.CommandLine(this), "--characters must be at least 1, got " + characters);
        }
        System.out.println(Conditions.describe());
        System.out.printf(
                Locale.ROOT,
                "scenario:   %d characters ONLINE on one node, each with a snapshot always waiting in the save log; one%n"
                        + "            saver thread (the node's Saver: up to %d characters per transaction, a snapshot waits up%n"
                        + "            to %d ms for company); the same saver with item records instead (%d items each: %d%n"
                        + "            equipped, a full backpack; every save restacks the backpack and swaps the rings); the same%n"
                        + "            saver with each save a transaction of its own; %d s warm-up, %d s measured per path;%n"
                        + "            all of it on two servers in turn, on this machine: the tests' (commits not flushed) and one%n"
                        + "            that commits as an operator's does (fsync and synchronous commit on, data on disk)%n",
                characters,
                Saver.MAX_BATCH,
                TimeUnit.NANOSECONDS.toMillis(Saver.MAX_DELAY_NANOS),
                SnapshotWriter.ITEMS,
                SnapshotWriter.EQUIPMENT.length,
                warmupSeconds,
                seconds);
        final Paths fast;
        try (PostgresProcess postgres = BenchPostgres.fast()) {
            fast = measure(postgres, "fsync off");
        }
        final Paths durable;
        try (PostgresProcess postgres = BenchPostgres.durable()) {
            durable = measure(postgres, "durable");
        }
        System.out.println();
        System.out.println(
                "character saves that landed, the latency of each save transaction (ms), failed: batches retried"
                        + " and saves fenced (none expected)");
        System.out.printf(
                "%-44s %10s %13s %11s %8s %8s %8s %7s%n",
                "path", "saves/s", "transactions", "mean batch", "p50", "p99", "max", "failed");
        for (final Paths server : List.of(fast, durable)) {
            server.batched.print("saver batches, " + server.label);
            server.withItems.print("saver batches, " + SnapshotWriter.ITEMS + " items changed, " + server.label);
            server.single.print("one save per transaction, " + server.label);
        }
        for (final Paths server : List.of(fast, durable)) {
            System.out.printf(
                    Locale.ROOT,
                    "ratio %s: saver batches with items/without %.2fx the saves/s, %.2fx the batch p99; batches/one per"
                            + " transaction %.2fx%n",
                    server.label,
                    server.withItems.savesPerSecond() / Math.max(1e-9, server.batched.savesPerSecond()),
                    server.withItems.latencies().getValueAtPercentile(99)
                            / (double) Math.max(1, server.batched.latencies().getValueAtPercentile(99)),
                    server.batched.savesPerSecond() / Math.max(1e-9, server.single.savesPerSecond()));
        }
        System.out.printf(
                Locale.ROOT,
                "ratio durable/fsync off: saver batches %.2fx, with items %.2fx, one per transaction %.2fx the saves/s%n",
                durable.batched.savesPerSecond() / Math.max(1e-9, fast.batched.savesPerSecond()),
                durable.withItems.savesPerSecond() / Math.max(1e-9, fast.withItems.savesPerSecond()),
                durable.single.savesPerSecond() / Math.max(1e-9, fast.single.savesPerSecond()));
        for (final Paths server : List.of(fast, durable)) {
            System.out.printf(
                    Locale.ROOT,
                    "goal (>= %,.0f character saves/s with batching), %s: %s (%,.0f saves/s)%n",
                    GOAL_SAVES_PER_SECOND,
                    server.label,
                    server.batched.savesPerSecond() >= GOAL_SAVES_PER_SECOND ? "met" : "NOT met",
                    server.batched.savesPerSecond());
        }
        return 0;
    }

    /** The three paths against {@code postgres}, its characters created and claimed first (not measured). */
    private Paths measure(final PostgresProcess postgres, final String label) throws Exception {
        try (Database database = Database.open(
                "saves-bench", postgres.jdbcUrl(), new DatabaseCredentials(postgres.user(), postgres.password()), 4)) {
            database.migrate();
            final PostgresCharacterStore store = new PostgresCharacterStore(database);
            final long setupStarted = System.nanoTime();
            final OnlineCharacters online = OnlineCharacters.create(database, store, characters, NODE);
            System.out.printf(
                    Locale.ROOT,
                    "server %-9s %s; characters created and claimed in %.1f s%n",
                    label + ":",
                    BenchPostgres.describe(postgres),
                    (System.nanoTime() - setupStarted) / 1e9);
            final long[][] items = itemIds(store, characters);
            holdItems(database, online, items);
            final Result batched = run(new MeasuredStore(store, false), online, null);
            final Result withItems = run(new MeasuredStore(store, false), online, items);
            final Result single = run(new MeasuredStore(store, true), online, null);
            return new Paths(label, batched, withItems, single);
        }
    }

    /** The three paths measured on one server. */
    private record Paths(String label, Result batched, Result withItems, Result single) {}

    /** {@link SnapshotWriter#ITEMS} item ids for each character, from the realm's sequence. */
    private static long[][] itemIds(final PostgresCharacterStore store, final int characters) throws SQLException {
        final long[] ids = store.reserveItemIds(0, characters * SnapshotWriter.ITEMS);
        final long[][] each = new long[characters][SnapshotWriter.ITEMS];
        for (int c = 0; c < characters; c++) {
            System.arraycopy(ids, c * SnapshotWriter.ITEMS, each[c], 0, SnapshotWriter.ITEMS);
        }
        return each;
    }

    /**
     * The items of each character in the database as loots would have left them (so that the items path
     * measures saves that change items, not the first insert of each), and statistics on the tables as a
     * server that has been running has them: a table never analyzed gets plans for an empty one (the
     * batch's UPDATE then scans every ONLINE character once per row of the batch).
     */
    private static void holdItems(final Database database, final OnlineCharacters online, final long[][] items)
            throws SQLException {
        final int n = online.count() * SnapshotWriter.ITEMS;
        final Long[] ids = new Long[n];
        final Long[] owners = new Long[n];
        final Integer[] templates = new Integer[n];
        final Short[] slots = new Short[n];
        int at = 0;
        for (int c = 0; c < online.count(); c++) {
            for (int i = 0; i < SnapshotWriter.ITEMS; i++) {
                ids[at] = items[c][i];
                owners[at] = online.claims[c].characterId();
                templates[at] = SnapshotWriter.template(i);
                slots[at] = (short) SnapshotWriter.slot(i, 0);
                at++;
            }
        }
        try (Connection connection = database.connection()) {
            try (PreparedStatement insert =
                    connection.prepareStatement("INSERT INTO item (item_id, character_id, template_id, count, slot)"
                            + " SELECT i, c, t, 1, s FROM unnest(?::bigint[], ?::bigint[], ?::integer[], ?::smallint[])"
                            + " AS v(i, c, t, s)")) {
                insert.setArray(1, connection.createArrayOf("bigint", ids));
                insert.setArray(2, connection.createArrayOf("bigint", owners));
                insert.setArray(3, connection.createArrayOf("integer", templates));
                insert.setArray(4, connection.createArrayOf("smallint", slots));
                insert.executeUpdate();
            }
            try (Statement analyze = connection.createStatement()) {
                analyze.execute("ANALYZE character");
                analyze.execute("ANALYZE item");
            }
        }
    }

    /**
     * Run the saver over {@code store} with the writer keeping every character dirty (with {@code items}, in
     * item records); measure after the warm-up.
     */
    private Result run(final MeasuredStore store, final OnlineCharacters online, final long[][] items)
            throws InterruptedException {
        final SaveLog log = SaveLog.allocate(SAVE_LOG_BYTES);
        // No maps run here (no tick threads either): the saver finds no map for a record's handle, so it saves the
        // character as a continent's and has nobody to confirm to, which snapshots never need.
        try (TickScheduler noTicks = new TickScheduler(0, Throwable::printStackTrace)) {
            final Saver saver = new Saver(
                    log,
                    store,
                    NODE,
                    new InstanceHost(noTicks, log),
                    SystemNanoClock.INSTANCE,
                    durable -> {},
                    Saver.LogoutListener.NONE);
            final SnapshotWriter writer = new SnapshotWriter(log, online, items);
            final SaverLoop loop = new SaverLoop(saver);
            final Thread writerThread = new Thread(writer, "snapshot-writer");
            final Thread saverThread = new Thread(loop, "saver");
            writerThread.start();
            saverThread.start();
            try {
                Thread.sleep(TimeUnit.SECONDS.toMillis(warmupSeconds));
                store.takeLatencies();
                final MeasuredStore.Totals before = store.totals();
                final long failuresBefore =
                        saver.stats().failures() + saver.stats().lost();
                final long started = System.nanoTime();
                Thread.sleep(TimeUnit.SECONDS.toMillis(seconds));
                final Histogram latencies = store.takeLatencies();
                final MeasuredStore.Totals after = store.totals();
                final long elapsed = System.nanoTime() - started;
                return new Result(
                        after.landed() - before.landed(),
                        after.transactions() - before.transactions(),
                        saver.stats().failures() + saver.stats().lost() - failuresBefore,
                        elapsed,
                        latencies);
            } finally {
                writer.stop();
                loop.stop();
                writerThread.join();
                saverThread.join();
            }
        }
    }

    /**
     * The saver's duty cycle on its own thread, as the node's agent runner does it; not an
     * {@code AgentRunner}, whose close would flush what is pending for up to 5 s after the window.
     */
    private static final class SaverLoop implements Runnable {
        private final Saver saver;
        private volatile boolean running = true;

        SaverLoop(final Saver saver) {
            this.saver = saver;
        }

        @Override
        public void run() {
            final IdleStrategy idle = new SleepingIdleStrategy(SAVER_IDLE_NANOS);
            while (running) {
                idle.idle(saver.doWork());
            }
        }

        void stop() {
            running = false;
        }
    }

    /** What one path measured. */
    private record Result(long saves, long transactions, long failed, long elapsedNanos, Histogram latencies) {
        double savesPerSecond() {
            return saves / (elapsedNanos / 1e9);
        }

        void print(final String path) {
            System.out.printf(
                    Locale.ROOT,
                    "%-44s %,10.0f %,13d %11.1f %8.2f %8.2f %8.2f %7d%n",
                    path,
                    savesPerSecond(),
                    transactions,
                    saves / (double) Math.max(1, transactions),
                    latencies.getValueAtPercentile(50) / 1e6,
                    latencies.getValueAtPercentile(99) / 1e6,
                    latencies.getMaxValue() / 1e6,
                    failed);
        }
    }
}
