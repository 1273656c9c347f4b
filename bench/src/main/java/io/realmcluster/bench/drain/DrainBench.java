package io.realmcluster.bench.drain;

import io.realmcluster.bench.Conditions;
import io.realmcluster.bench.cluster.BenchRealm;
import io.realmcluster.bench.cluster.FleetOptions;
import io.realmcluster.bench.cluster.RunningFleet;
import io.realmcluster.bench.cluster.TickPriority;
import io.realmcluster.proto.v1.CreateAccountRequest;
import io.realmcluster.proto.v1.CreateCharacterRequest;
import io.realmcluster.proto.v1.InvariantReport;
import io.realmcluster.tools.bots.BotConfig;
import io.realmcluster.tools.bots.BotNames;
import io.realmcluster.tools.bots.BotReport;
import io.realmcluster.tools.metrics.Scrape;
import io.realmcluster.tools.metrics.TickWindow;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * Drain of a node under load: N bots play on node-a's two continents, node-a is drained to node-b,
 * node-b back to node-a (two warm-ups, reported: each node has been source and target once), then
 * node-a to node-b again (measured).
 * For each drain: the time until the drained node is empty and until every player is in the world
 * on the other, how long each player was out of the world (the target's arrival histogram, from the
 * tick the source froze the player to the join reaching the target's map, next to the source's
 * histogram of the same players' REDIRECTs; for the measured drain also the bots' own redirect gap), and the tick durations of both nodes meanwhile. Side by side in
 * the same run, the same players on the same node: the baseline of leaving without a drain, every
 * player logging out and in again.
 */
@Command(
        name = "drain",
        mixinStandardHelpOptions = true,
        description =
                "Drain a node with N bots: time to empty, ticks each player missed, against logout and login again.")
public final class DrainBench implements Callable<Integer> {
    private static final String PASSWORD = "drain-bench-password";
    private static final String PREFIX = "Drn";
    private static final double TICK_SECONDS = 0.05;
    private static final Duration DEADLINE = Duration.ofMinutes(10);
    private static final String SESSIONS = "realm_node_client_sessions";
    private static final String ARRIVAL_BUCKET = "realm_node_transfer_arrival_seconds_bucket{le=\"";
    private static final String REDIRECT_BUCKET = "realm_node_transfer_redirect_seconds_bucket{le=\"";

    @Option(
            names = "--bots",
            defaultValue = "1000",
            description = "Players on the drained node (default: ${DEFAULT-VALUE}).")
    int bots;

    @Option(
            names = "--warmup",
            defaultValue = "20",
            description =
                    "Seconds the bots play after all entered the world, before they leave (default: ${DEFAULT-VALUE}).")
    int warmupSeconds;

    @Option(
            names = "--spread",
            defaultValue = "300",
            description = "Yards from the start area over which bots make their homes (default: ${DEFAULT-VALUE}).")
    float spreadYards;

    @Option(names = "--udp-moves", description = "Bots send their moves as UDP datagrams instead of over TCP.")
    boolean udpMoves;

    @Option(
            names = "--tick-priority",
            defaultValue = "ordinary",
            description =
                    "How both nodes' tick threads are scheduled: ordinary, or realtime (the nodes' --tick-realtime-priority "
                            + TickPriority.REALTIME + ", needs root or CAP_SYS_NICE) (default: ${DEFAULT-VALUE}).")
    TickPriority priority;

    @Mixin
    FleetOptions fleet;

    @Override
    public Integer call() throws Exception {
        System.out.println(Conditions.describe());
        System.out.printf(
                "scenario:   %d bots (a move each 50 ms, %s, half on each continent, homes over %.0f yards) on node-a, "
                        + "which runs both continents;%n"
                        + "            node-b empty; tick threads at %s priority; etcd, PostgreSQL, 1 control plane, 2 nodes and the bots%n"
                        + "            (%d event loops, in this JVM) on this machine;%n"
                        + "            %d s of play before each way of leaving node-a%n",
                bots,
                udpMoves ? "moves over UDP" : "moves over TCP",
                spreadYards,
                priority,
                fleet.ioThreads(),
                warmupSeconds);
        try (BenchRealm realm = BenchRealm.start()) {
            final BenchRealm.Node a = realm.node("node-a", 2 * bots, priority.nodeArgs());
            realm.awaitActive(a.id(), 2);
            final BenchRealm.Node b = realm.node("node-b", 2 * bots, priority.nodeArgs());
            priority.check(a.metrics());
            priority.check(b.metrics());
            createCharacters(realm);
            final BotConfig config = fleet.fleet(realm.controlPlane(), bots, PREFIX, spreadYards)
                    .withExistingAccounts(PASSWORD)
                    .withMovesOverUdp(udpMoves);

            System.out.println("baseline: the players log out of node-a and log in again");
            try (RunningFleet first = RunningFleet.start(config)) {
                first.awaitInWorld(DEADLINE);
                play();
                final long stopped = System.nanoTime();
                first.fleet().stop();
                awaitSessions(a, 0);
                final double empty = secondsSince(stopped);
                final BotReport out = first.stop();
                final long again = System.nanoTime();
                try (RunningFleet second = RunningFleet.start(config)) {
                    second.awaitInWorld(DEADLINE);
                    final double back = empty + secondsSince(again);
                    // Two warm-up drains, so that each node has been source and target before the measured one.
                    final List<Drain> drains = new ArrayList<>();
                    for (int i = 1; i <= 3; i++) {
                        final BenchRealm.Node from = i % 2 == 1 ? a : b;
                        final BenchRealm.Node to = from == a ? b : a;
                        play();
                        if (i == 3) {
                            second.fleet().resetLatency();
                        }
                        System.out.printf(
                                "drain %d: %s to %s%s%n",
                                i, from.id(), to.id(), i < 3 ? " (a warm-up, reported)" : ", measured");
                        drains.add(drain(realm, from, to, second));
                        realm.admin().setSchedulable(from.id(), true);
                    }
                    final BotReport stayed = second.stop();
                    print(empty, back, out, stayed, drains);
                    final InvariantReport check = realm.admin().checkInvariants();
                    System.out.println("invariants after the drains: " + (check.getOk() ? "ok" : check));
                    for (final String line : stayed.summaryLines()) {
                        System.out.println(line);
                    }
                }
            }
        }
        return 0;
    }

    /** Drain {@code from} to {@code to}, which takes every player: how long it took, and both nodes' metrics around it. */
    private static Drain drain(
            final BenchRealm realm, final BenchRealm.Node from, final BenchRealm.Node to, final RunningFleet fleet)
            throws Exception {
        final int players = fleet.fleet().inWorld();
        final Scrape beforeFrom = Scrape.of(from.metrics());
        final Scrape beforeTo = Scrape.of(to.metrics());
        final long started = System.nanoTime();
        realm.admin().drainNode(from.id());
        BenchRealm.await(
                from.id() + " empty",
                DEADLINE,
                () -> realm.admin().listMapInstances(from.id()).getInstancesCount() == 0 && sessions(from) == 0);
        final double empty = secondsSince(started);
        awaitSessions(to, players);
        final double back = secondsSince(started);
        return new Drain(
                from.id(),
                to.id(),
                empty,
                back,
                beforeFrom,
                Scrape.of(from.metrics()),
                beforeTo,
                Scrape.of(to.metrics()));
    }

    /** One drain: seconds until {@code from} was empty and until every player was in the world on {@code to}. */
    private record Drain(
            String from,
            String to,
            double emptySeconds,
            double backSeconds,
            Scrape beforeFrom,
            Scrape afterFrom,
            Scrape beforeTo,
            Scrape afterTo) {}

    private void createCharacters(final BenchRealm realm) {
        final long started = System.nanoTime();
        for (int i = 0; i < bots; i++) {
            final String account = BotNames.account(PREFIX, i);
            realm.admin()
                    .createAccount(CreateAccountRequest.newBuilder()
                            .setName(account)
                            .setPassword(PASSWORD)
                            .build());
            // Human and orc warriors, alternately: one continent each, as the bots' own characters.
            realm.admin()
                    .createCharacter(CreateCharacterRequest.newBuilder()
                            .setAccount(account)
                            .setRealm(FleetOptions.REALM)
                            .setName(BotNames.character(PREFIX, i))
                            .setRace(1 + i % 2)
                            .setClass_(1)
                            .build());
        }
        System.out.printf(Locale.ROOT, "%d accounts and characters created in %.1f s%n", bots, secondsSince(started));
    }

    /** The bots play: this wait is part of the scenario, not a synchronization. */
    private void play() throws InterruptedException {
        Thread.sleep(TimeUnit.SECONDS.toMillis(warmupSeconds));
    }

    private static void awaitSessions(final BenchRealm.Node node, final int count) {
        BenchRealm.await(count + " client sessions on " + node.id(), DEADLINE, () -> sessions(node) == count);
    }

    private static int sessions(final BenchRealm.Node node) {
        try {
            return (int) Scrape.of(node.metrics()).sum(SESSIONS);
        } catch (final IOException e) {
            throw new UncheckedIOException(e);
        } catch (final InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static double secondsSince(final long startedNanos) {
        return (System.nanoTime() - startedNanos) / 1e9;
    }

    private void print(
            final double baselineEmpty,
            final double baselineBack,
            final BotReport out,
            final BotReport in,
            final List<Drain> drains) {
        final Drain warm = drains.get(drains.size() - 1);
        System.out.println();
        System.out.printf("%d players leave their node for the other (seconds; out of world per player in ms)%n", bots);
        System.out.printf(
                "%-40s %9s %9s %10s %10s %10s %11s%n",
                "way", "to empty", "all back", "out p50", "out p99", "out max", "unexpected");
        System.out.printf(
                Locale.ROOT,
                "%-40s %9.2f %9.2f %10s %10s %10s %11d%n",
                "logout, login again (baseline)",
                baselineEmpty,
                baselineBack,
                ">= " + ms(in.loginToWorldP50Micros()),
                ">= " + ms(in.loginToWorldP99Micros()),
                "",
                out.unexpectedDisconnectCount());
        for (int i = 0; i < drains.size() - 1; i++) {
            System.out.printf(
                    Locale.ROOT,
                    "%-40s %9.2f %9.2f %10s %10s %10s %11s%n",
                    "drain " + (i + 1) + ", " + drains.get(i).from + " (warm-up)",
                    drains.get(i).emptySeconds,
                    drains.get(i).backSeconds,
                    "",
                    "",
                    "",
                    "");
        }
        System.out.printf(
                Locale.ROOT,
                "%-40s %9.2f %9.2f %10s %10s %10s %11d%n",
                "drain " + drains.size() + ", " + warm.from + " (measured)",
                warm.emptySeconds,
                warm.backSeconds,
                ms(in.redirectGapP50Micros()),
                ms(in.redirectGapP99Micros()),
                ms(in.redirectGapMaxMicros()),
                in.unexpectedDisconnectCount());
        System.out.printf(
                Locale.ROOT,
                "ratio baseline/measured drain: to empty %.2fx, all back %.2fx, out of world p50 >= %.2fx%n",
                baselineEmpty / warm.emptySeconds,
                baselineBack / warm.backSeconds,
                in.loginToWorldP50Micros() / (double) Math.max(1, in.redirectGapP50Micros()));
        System.out.println(
                "out of world: baseline, the bots' login to WORLD_ENTERED (the logout before it not counted);");
        System.out.println(
                "              measured drain, the bots' last state from the old node to their first from the new one (one 50 ms update interval included);");
        System.out.println("              unexpected disconnects of all drains together");
        for (final Drain drain : drains) {
            printArrivals(drain);
            printTicks(drain);
            printCounts(drain.from, drain.beforeFrom, drain.afterFrom);
            printCounts(drain.to, drain.beforeTo, drain.afterTo);
        }
    }

    /**
     * Over a drain, from the tick the source froze each player: its REDIRECT leaving the source (the
     * source's histogram) and its join reaching the target's map (the target's), and from the
     * latter the ticks each player missed. A client standing by at the target (STANDBY) is in its map
     * as soon as the target claimed it, often before the source's REDIRECT; one that is not needs a
     * reconnect after the REDIRECT, which is what lies between the rows then.
     */
    private static void printArrivals(final Drain drain) {
        final Map<Double, Long> redirected = cumulative(drain.beforeFrom, drain.afterFrom, REDIRECT_BUCKET);
        final Map<Double, Long> arrived = cumulative(drain.beforeTo, drain.afterTo, ARRIVAL_BUCKET);
        final long total = arrived.getOrDefault(Double.POSITIVE_INFINITY, 0L);
        System.out.println();
        System.out.printf(
                "%s -> %s: players by the time from the tick %s froze them (%d players)%n",
                drain.from, drain.to, drain.from, total);
        final StringBuilder bounds = new StringBuilder(String.format("%-26s", "at most (ms)"));
        arrived.keySet()
                .forEach(bound -> bounds.append(String.format(
                        Locale.ROOT,
                        " %6s",
                        bound.isInfinite() ? "all" : String.format(Locale.ROOT, "%.0f", bound * 1000))));
        System.out.println(bounds);
        printRow("REDIRECT sent by " + drain.from, arrived, redirected);
        printRow("in " + drain.to + "'s map", arrived, arrived);
        final long withinTwoTicks = arrived.getOrDefault(2 * TICK_SECONDS, 0L);
        System.out.printf(
                Locale.ROOT,
                "players who missed at most 2 ticks of 50 ms (arrival <= 100 ms): %d of %d (%.1f%%)%n",
                withinTwoTicks,
                total,
                total == 0 ? 0 : 100.0 * withinTwoTicks / total);
    }

    /** One cumulative row under the bounds of {@code columns}. */
    private static void printRow(final String name, final Map<Double, Long> columns, final Map<Double, Long> row) {
        final StringBuilder counts = new StringBuilder(String.format("%-26s", name));
        columns.keySet()
                .forEach(bound -> counts.append(String.format(Locale.ROOT, " %6d", row.getOrDefault(bound, 0L))));
        System.out.println(counts);
    }

    /** A histogram's cumulative bucket counts added between two scrapes, by upper bound in seconds. */
    private static Map<Double, Long> cumulative(final Scrape before, final Scrape after, final String bucket) {
        final Map<Double, Long> cumulative = new TreeMap<>();
        after.samples().forEach((key, value) -> {
            if (key.startsWith(bucket)) {
                final String le = key.substring(bucket.length(), key.indexOf('"', bucket.length()));
                final double bound = le.equals("+Inf") ? Double.POSITIVE_INFINITY : Double.parseDouble(le);
                cumulative.put(bound, Math.round(value - before.samples().getOrDefault(key, 0.0)));
            }
        });
        return cumulative;
    }

    /** Tick durations of both nodes over a drain; the drained node's window ends after its maps left. */
    private static void printTicks(final Drain drain) {
        System.out.printf(
                "%-8s %9s %9s %7s   (tick durations during the drain, ms, histogram bucket bounds)%n",
                "node", "tick p99", "tick max", "ticks");
        printTicks(drain.from, TickWindow.between(drain.beforeFrom, drain.afterFrom));
        printTicks(drain.to, TickWindow.between(drain.beforeTo, drain.afterTo));
    }

    private static void printTicks(final String node, final TickWindow w) {
        System.out.printf(
                Locale.ROOT, "%-8s %9s %9s %7d%n", node, bound(w.p99Seconds()), bound(w.maxSeconds()), w.ticks());
    }

    /**
     * What the node counted during the drain: sessions closed by reason, transfers out by outcome and
     * their mean time from the freeze being durable to the map being told.
     */
    private static void printCounts(final String node, final Scrape before, final Scrape after) {
        final StringBuilder line = new StringBuilder(node).append(" counted:");
        new TreeMap<>(after.samples()).forEach((key, value) -> {
            if (key.startsWith("realm_node_client_disconnects_total")
                    || key.startsWith("realm_node_transfers_out_total")
                    || key.startsWith("realm_node_saves_dropped_total")) {
                final long delta = Math.round(value - before.samples().getOrDefault(key, 0.0));
                if (delta != 0) {
                    line.append(' ')
                            .append(key.substring("realm_node_".length()).replace("_total", ""))
                            .append('=')
                            .append(delta);
                }
            }
        });
        final double completed = delta(before, after, "realm_node_transfers_out_total{outcome=\"completed\"}");
        if (completed > 0) {
            line.append(String.format(
                    Locale.ROOT,
                    " transfer_out_mean_ms=%.1f",
                    1000 * delta(before, after, "realm_node_transfer_out_seconds_total") / completed));
        }
        final double batches = delta(before, after, "realm_node_save_batches_total");
        if (batches > 0) {
            line.append(String.format(
                    Locale.ROOT,
                    " save_batches=%.0f saves=%.0f save_batch_mean_ms=%.1f",
                    batches,
                    delta(before, after, "realm_node_saves_total"),
                    1000 * delta(before, after, "realm_node_save_batch_seconds_total") / batches));
        }
        System.out.println(line);
    }

    private static double delta(final Scrape before, final Scrape after, final String key) {
        return after.samples().getOrDefault(key, 0.0) - before.samples().getOrDefault(key, 0.0);
    }

    private static String bound(final double seconds) {
        return Double.isInfinite(seconds) ? "> 250" : String.format(Locale.ROOT, "<= %.1f", seconds * 1000);
    }

    private static String ms(final long micros) {
        return String.format(Locale.ROOT, "%.1f", micros / 1000.0);
    }
}
