package io.realmcluster.bench.cells;

import io.realmcluster.bench.Conditions;
import io.realmcluster.bench.cluster.BenchRealm;
import io.realmcluster.bench.cluster.FleetOptions;
import io.realmcluster.bench.cluster.RunningFleet;
import io.realmcluster.proto.v1.InstanceState;
import io.realmcluster.proto.v1.MapInstance;
import io.realmcluster.tools.bots.BotConfig;
import io.realmcluster.tools.bots.BotFleet;
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
import java.util.concurrent.locks.LockSupport;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * Eastern Kingdoms split into two cells on two nodes, with bots walking to and fro across the boundary: how many
 * crossings a second the cells sustain, the longest gap in updates a player sees at each, each cell's tick, and
 * the CPU a crossing costs both nodes. Side by side in the same run, four windows of the same bots:
 *
 * <ol>
 *   <li>the continent whole on one node, the bots walking across its middle (nothing to cross);
 *   <li>split, the bots crossing: a warm-up, reported (the crossings' code compiles);
 *   <li>split, the same walk turned along the boundary (as many moves, ghosts both ways, no crossing): the
 *       baseline the crossings' CPU is counted from;
 *   <li>split, the bots crossing, standing by on the neighbour's node as a client does (seamless);
 *   <li>split, the bots crossing but ignoring STANDBY: each crossing is a REDIRECT and a new TLS connection, as a
 *       portal transfer's return to the world is.
 * </ol>
 */
@Command(
        name = "crossings",
        mixinStandardHelpOptions = true,
        description = "A continent split in two cells over two nodes, bots crossing its boundary: crossings per "
                + "second, gap in updates, tick, CPU per crossing against the same players not crossing.")
public final class CrossingsBench implements Callable<Integer> {
    private static final String PREFIX = "Crs";
    private static final String CONTINENT = "main.0";
    private static final Duration DEADLINE = Duration.ofMinutes(5);
    private static final String CROSSINGS = "realm_node_cell_crossings_total";
    private static final String TICK_CPU = "realm_node_tick_cpu_seconds_sum";
    private static final String PLAYERS = "realm_node_players";
    private static final int TICKS_PER_SECOND = 20;

    @Option(
            names = "--bots",
            defaultValue = "200",
            description = "Bots, all walking across the middle of Eastern Kingdoms (default: ${DEFAULT-VALUE}).")
    int bots;

    @Option(
            names = "--window",
            defaultValue = "30",
            description = "Seconds each window is measured (default: ${DEFAULT-VALUE}).")
    int windowSeconds;

    @Option(
            names = "--settle",
            defaultValue = "10",
            description = "Seconds the bots play before each window (default: ${DEFAULT-VALUE}).")
    int settleSeconds;

    @Mixin
    FleetOptions fleet;

    /** One window's figures: both nodes' CPU, ticks and crossings, and what the bots saw. */
    record Window(
            String name,
            double seconds,
            long cpuA,
            long cpuB,
            TickWindow tickA,
            TickWindow tickB,
            double crossings,
            BotReport.Crossings seen,
            double tickCpuSecondsA,
            double tickCpuSecondsB,
            double playersA,
            double playersB,
            Map<String, Long> threadNanos) {
        /** The tick threads' CPU per player per tick (20 a second), both nodes' maps together, in microseconds. */
        double tickCpuPerPlayerMicros() {
            final double players = playersA + playersB;
            return players == 0 ? 0 : (tickCpuSecondsA + tickCpuSecondsB) / seconds / TICKS_PER_SECOND / players * 1e6;
        }

        double cpuNanos() {
            return cpuA + cpuB;
        }

        double crossingsPerSecond() {
            return crossings / seconds;
        }
    }

    @Override
    public Integer call() throws Exception {
        if (bots < 1 || windowSeconds < 5 || settleSeconds < 0) {
            throw new IllegalArgumentException("--bots must be at least 1, --window at least 5 s, --settle at least 0");
        }
        System.out.println(Conditions.describe());
        System.out.printf(
                Locale.ROOT,
                "scenario:   %d bots walking to and fro across the middle of Eastern Kingdoms, 16 yd each way at 6 yd/s "
                        + "(a move each 50 ms over TCP), nothing else;%n"
                        + "            mutual TLS everywhere; etcd, PostgreSQL, 1 control plane, 2 nodes and the bots (%d "
                        + "event loops, in this JVM) on this machine;%n"
                        + "            %d s windows after %d s of play each%n",
                bots,
                fleet.ioThreads(),
                windowSeconds,
                settleSeconds);
        try (BenchRealm realm = BenchRealm.start(true)) {
            final BenchRealm.Node a = realm.node("node-a", 4 * bots);
            realm.awaitActive(a.id(), 2);
            final BenchRealm.Node b = realm.node("node-b", 4 * bots);
            final BotConfig config = fleet.fleet(realm.controlPlane(), bots, PREFIX, 20f)
                    .withCrossers(1.0)
                    .withNodeTls(realm.tlsCa());
            final List<Window> windows = new ArrayList<>();
            try (RunningFleet running = RunningFleet.start(config, realm.tlsCa())) {
                running.awaitInWorld(DEADLINE);
                final BotFleet bots = running.fleet();
                windows.add(window("whole, walking across the middle", a, b, bots));

                final long splitStarted = System.nanoTime();
                realm.admin().setCellLayout(CONTINENT, 2);
                BenchRealm.await("main.0 to run as 2 cells on 2 nodes", DEADLINE, () -> runsAsCells(realm));
                System.out.printf(
                        Locale.ROOT,
                        "split: main.0 runs as 2 cells on 2 nodes after %.1f s%n",
                        (System.nanoTime() - splitStarted) / 1e9);
                // The crossings' code warms up (its JIT compiles cost CPU the measured windows must not carry).
                windows.add(window("split, crossing (warm-up)", a, b, bots));
                bots.crossersAcross(false);
                windows.add(window("split, walking along the boundary", a, b, bots));
                bots.crossersAcross(true);
                windows.add(window("split, crossing (standby)", a, b, bots));
                bots.standBy(false);
                windows.add(window("split, crossing by REDIRECT", a, b, bots));
                bots.standBy(true);
                final BotReport report = running.stop();
                System.out.println();
                report.summaryLines().forEach(System.out::println);
            }
            print(windows);
        }
        return 0;
    }

    private static boolean runsAsCells(final BenchRealm realm) {
        final List<MapInstance> cells = realm.admin().listMapInstances("").getInstancesList().stream()
                .filter(i -> i.getInstanceId().startsWith(CONTINENT + "."))
                .toList();
        return cells.size() == 2
                && cells.stream().allMatch(i -> i.getState() == InstanceState.INSTANCE_STATE_ACTIVE && !i.hasMove())
                && !cells.get(0).getNodeId().equals(cells.get(1).getNodeId())
                && realm.admin().listMapInstances("").getInstancesList().stream()
                        .noneMatch(i -> i.getInstanceId().equals(CONTINENT));
    }

    private Window window(final String name, final BenchRealm.Node a, final BenchRealm.Node b, final BotFleet bots)
            throws InterruptedException {
        sleepSeconds(settleSeconds);
        bots.resetLatency();
        final Scrape beforeA = scrape(a);
        final Scrape beforeB = scrape(b);
        final Map<String, Long> threadsBefore = threads(a, b);
        final long cpuA = BenchRealm.cpuNanos(a.process().pid());
        final long cpuB = BenchRealm.cpuNanos(b.process().pid());
        final long started = System.nanoTime();
        sleepSeconds(windowSeconds);
        final double seconds = (System.nanoTime() - started) / 1e9;
        final long usedA = BenchRealm.cpuNanos(a.process().pid()) - cpuA;
        final long usedB = BenchRealm.cpuNanos(b.process().pid()) - cpuB;
        final Scrape afterA = scrape(a);
        final Scrape afterB = scrape(b);
        final double crossings =
                afterA.sum(CROSSINGS) - beforeA.sum(CROSSINGS) + afterB.sum(CROSSINGS) - beforeB.sum(CROSSINGS);
        final Window window = new Window(
                name,
                seconds,
                usedA,
                usedB,
                TickWindow.between(beforeA, afterA),
                TickWindow.between(beforeB, afterB),
                crossings,
                bots.crossingsSoFar(),
                afterA.sum(TICK_CPU) - beforeA.sum(TICK_CPU),
                afterB.sum(TICK_CPU) - beforeB.sum(TICK_CPU),
                afterA.sum(PLAYERS),
                afterB.sum(PLAYERS),
                minus(threads(a, b), threadsBefore));
        System.out.printf(
                Locale.ROOT,
                "window %-36s %.0f crossings (%.1f/s), CPU node-a %.2f node-b %.2f cores%n",
                name + ":",
                crossings,
                window.crossingsPerSecond(),
                usedA / 1e9 / seconds,
                usedB / 1e9 / seconds);
        return window;
    }

    private static void print(final List<Window> windows) {
        System.out.println();
        System.out.printf(
                Locale.ROOT,
                "%-36s %10s %10s %10s %10s %10s %10s %10s %12s %14s%n",
                "window",
                "cross/s",
                "seamless",
                "gap p50",
                "gap p99",
                "gap max",
                "tick a p99",
                "tick b p99",
                "CPU cores",
                "tick us/player");
        for (final Window w : windows) {
            System.out.printf(
                    Locale.ROOT,
                    "%-36s %10.1f %10d %10s %10s %10s %10s %10s %12.3f %14.2f%n",
                    w.name(),
                    w.crossingsPerSecond(),
                    w.seen().seamless(),
                    millis(w.seen().gapP50Micros()),
                    millis(w.seen().gapP99Micros()),
                    millis(w.seen().gapMaxMicros()),
                    bucket(w.tickA()),
                    bucket(w.tickB()),
                    w.cpuNanos() / 1e9 / w.seconds(),
                    w.tickCpuPerPlayerMicros());
        }
        final Window along = windows.get(2);
        System.out.println();
        for (final Window crossing : windows.subList(3, windows.size())) {
            if (crossing.crossings() <= 0) {
                System.out.printf(Locale.ROOT, "%s: no crossings, no CPU per crossing%n", crossing.name());
                continue;
            }
            final double perSecond = crossing.cpuNanos() / crossing.seconds() - along.cpuNanos() / along.seconds();
            final double perCrossingMicros = perSecond / crossing.crossingsPerSecond() / 1e3;
            System.out.printf(
                    Locale.ROOT,
                    "CPU per crossing, %s: %.0f us both nodes together (against walking along the boundary); "
                            + "100 crossings/s would take %.1f%% of a core%n",
                    crossing.name(),
                    perCrossingMicros,
                    perCrossingMicros * 100 / 1e6 * 100);
        }
        // Where a crossing's CPU goes: by thread kind, both nodes, against walking along the boundary.
        final Window seamless = windows.get(3);
        if (seamless.crossings() > 0) {
            System.out.println();
            System.out.println(
                    "CPU per crossing by thread kind (both nodes; crossing (standby) against walking along, us):");
            final Map<String, Double> perCrossing = new TreeMap<>();
            seamless.threadNanos().forEach((kind, nanos) -> {
                final double extra =
                        nanos / seamless.seconds() - along.threadNanos().getOrDefault(kind, 0L) / along.seconds();
                perCrossing.put(kind, extra / seamless.crossingsPerSecond() / 1e3);
            });
            perCrossing.entrySet().stream()
                    .sorted(Map.Entry.<String, Double>comparingByValue().reversed())
                    .limit(10)
                    .forEach(e -> System.out.printf(Locale.ROOT, "  %-28s %8.0f%n", e.getKey(), e.getValue()));
        }
        final Window standby = windows.get(3);
        final Window redirect = windows.get(4);
        if (standby.crossings() > 0 && redirect.crossings() > 0) {
            final double standbyCost = (standby.cpuNanos() / standby.seconds() - along.cpuNanos() / along.seconds())
                    / standby.crossingsPerSecond();
            final double redirectCost = (redirect.cpuNanos() / redirect.seconds() - along.cpuNanos() / along.seconds())
                    / redirect.crossingsPerSecond();
            System.out.printf(
                    Locale.ROOT,
                    "ratio CPU per crossing REDIRECT/standby: %.2fx; gap p99 REDIRECT/standby: %.2fx%n",
                    redirectCost / standbyCost,
                    (double) redirect.seen().gapP99Micros()
                            / Math.max(1, standby.seen().gapP99Micros()));
        }
    }

    /** Both nodes' CPU by thread kind so far (ns). */
    private static Map<String, Long> threads(final BenchRealm.Node a, final BenchRealm.Node b) {
        final Map<String, Long> sum =
                new TreeMap<>(BenchRealm.cpuNanosByThread(a.process().pid()));
        BenchRealm.cpuNanosByThread(b.process().pid()).forEach((kind, nanos) -> sum.merge(kind, nanos, Long::sum));
        return sum;
    }

    private static Map<String, Long> minus(final Map<String, Long> after, final Map<String, Long> before) {
        final Map<String, Long> delta = new TreeMap<>();
        after.forEach((kind, nanos) -> delta.put(kind, nanos - before.getOrDefault(kind, 0L)));
        return delta;
    }

    private static String bucket(final TickWindow tick) {
        return tick.ticks() == 0 ? "-" : String.format(Locale.ROOT, "<=%.0f ms", tick.p99Seconds() * 1000);
    }

    private static String millis(final long micros) {
        return String.format(Locale.ROOT, "%.0f ms", micros / 1000.0);
    }

    private static Scrape scrape(final BenchRealm.Node node) {
        try {
            return Scrape.of(node.metrics());
        } catch (final IOException e) {
            throw new UncheckedIOException(e);
        } catch (final InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static void sleepSeconds(final int seconds) {
        // A benchmark's measured window: the bots play while it runs.
        LockSupport.parkNanos(TimeUnit.SECONDS.toNanos(seconds));
    }
}
