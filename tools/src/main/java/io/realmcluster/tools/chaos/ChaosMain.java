package io.realmcluster.tools.chaos;

import io.realmcluster.common.cli.CommandLines;
import io.realmcluster.common.cli.Logging;
import io.realmcluster.tools.bots.BotConfig;
import io.realmcluster.tools.bots.BotFleet;
import io.realmcluster.tools.bots.BotReport;
import io.realmcluster.tools.localcluster.LocalEtcd;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code bin/chaos}: a local cluster under bots, and every fault of {@link Fault} injected in a seeded random
 * order until the time is up; after each, the cluster is given time to settle and checked (docs/architecture.md,
 * "A chaos run"). Prints a row per fault as it goes and the table at the end; exits 1 on any breach.
 */
@Command(
        name = "chaos",
        mixinStandardHelpOptions = true,
        description = "Run a local cluster under bots and inject faults in a seeded random order, checking after"
                + " each that nobody else was disconnected, the faulted node's players came back, nothing"
                + " confirmed was lost and realmctl check is green. Exit code 0 when no fault breached, 1 otherwise.")
public final class ChaosMain implements Callable<Integer> {
    /** The checks hold this long in a row before a fault counts as settled. */
    private static final Duration STABLE = Duration.ofSeconds(5);

    @Option(names = "--home", hidden = true, required = true, description = "Repository root (set by bin/chaos).")
    Path home;

    @Option(
            names = "--minutes",
            defaultValue = "30",
            description = "How long to inject faults; every fault runs at least once (default: ${DEFAULT-VALUE}).")
    double minutes;

    @Option(names = "--seed", description = "The order's seed (default: drawn, and printed to replay the run).")
    Long seed;

    @Option(
            names = "--faults",
            split = ",",
            paramLabel = "FAULT",
            description = "Which faults, e.g. node-kill,etcd-pause (default: all): node-kill, leader-kill,"
                    + " controlplane-pause, node-pause, postgres-pause, etcd-kill, etcd-pause, etcd-member-kill"
                    + " (with --etcd-members 3), node-partition (as root), rollout-restart.")
    List<String> faults;

    @Option(names = "--bots", defaultValue = "100", description = "Bots in the world (default: ${DEFAULT-VALUE}).")
    int bots;

    @Option(
            names = "--dungeon-share",
            defaultValue = "0.2",
            description = "Share of the bots that go through portals (default: ${DEFAULT-VALUE}).")
    double dungeonShare;

    @Option(names = "--nodes", defaultValue = "2", description = "Nodes of the cluster (default: ${DEFAULT-VALUE}).")
    int nodes;

    @Option(
            names = "--etcd-members",
            defaultValue = "1",
            description = "etcd members of the cluster: 1, or 3 for etcd-member-kill (default: ${DEFAULT-VALUE}).")
    int etcdMembers;

    @Option(
            names = "--hold-seconds",
            defaultValue = "30",
            description =
                    "How long a pause of the control plane, PostgreSQL or etcd, or a node's partition, lasts (default:"
                            + " ${DEFAULT-VALUE}).")
    int holdSeconds;

    @Option(
            names = "--node-pause-seconds",
            defaultValue = "12",
            description = "How long a node stands still: past its 6 s lease (default: ${DEFAULT-VALUE}).")
    int nodePauseSeconds;

    @Option(
            names = "--settle-seconds",
            defaultValue = "120",
            description = "The most a fault may take to settle after it ends (default: ${DEFAULT-VALUE}).")
    int settleSeconds;

    @Option(
            names = "--run-dir",
            paramLabel = "DIR",
            description = "The cluster's data and logs (default: HOME/run/chaos).")
    Path runDir;

    @Option(
            names = "--port-offset",
            defaultValue = "500",
            description = "Shift the local cluster's ports, to run beside another (default: ${DEFAULT-VALUE}).")
    int portOffset;

    @Option(
            names = {"-v", "--verbose"},
            description = "Log what the bots and the run do.")
    boolean verbose;

    public static void main(final String[] args) {
        System.exit(CommandLines.execute("chaos", new ChaosMain(), args));
    }

    @Override
    public Integer call() throws Exception {
        Logging.configure(verbose);
        final PrintStream out = System.out;
        final long chosenSeed =
                seed != null ? seed : ThreadLocalRandom.current().nextLong();
        final List<Fault> chosen = faults == null
                ? Arrays.asList(Fault.values())
                : faults.stream().map(Fault::of).distinct().toList();
        if (bots < 1 || nodes < 2) {
            throw new IllegalArgumentException(
                    "a chaos run needs bots and at least 2 nodes, got --bots " + bots + " --nodes " + nodes);
        }
        final LocalEtcd etcd = new LocalEtcd(etcdMembers);
        final Path run = (runDir != null ? runDir : home.resolve("run").resolve("chaos")).toAbsolutePath();
        out.printf(
                Locale.ROOT,
                "chaos: %s; seed %d; faults %s; %d bots on %d nodes, %d etcd member%s; holds of %d s, node pauses of %d s;"
                        + " %.1f minutes%n",
                Instant.now(),
                chosenSeed,
                chosen.stream().map(Fault::label).toList(),
                bots,
                nodes,
                etcd.members(),
                etcd.members() == 1 ? "" : "s",
                holdSeconds,
                nodePauseSeconds,
                minutes);
        final List<FaultOutcome> outcomes = new ArrayList<>();
        final Map<String, long[]> memory = new LinkedHashMap<>();
        final CountDownLatch finished = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(stopper(Thread.currentThread(), finished, out));
        try (ChaosCluster cluster = ChaosCluster.start(home, run, nodes, etcd, portOffset, out)) {
            cluster.children().forEach(name -> memory.put(name, new long[] {cluster.residentKiB(name), -1}));
            final ChaosEvents events = new ChaosEvents();
            // Letters only, as character names are: the seed's last digits as letters, so that runs do not collide.
            final StringBuilder prefix = new StringBuilder("Ch");
            for (long digits = Math.abs(chosenSeed % 1_000_000), i = 0; i < 4; i++, digits /= 26) {
                prefix.append((char) ('a' + digits % 26));
            }
            final BotFleet fleet = new BotFleet(
                            new BotConfig(
                                            List.of(cluster.login()),
                                            bots,
                                            Duration.ZERO,
                                            "main",
                                            prefix.toString(),
                                            Math.min(bots, 32),
                                            2,
                                            Duration.ofSeconds(20))
                                    .withDungeons(dungeonShare, Duration.ofMinutes(2))
                                    .withNodeTls(cluster.ca()),
                            cluster.ca())
                    .events(events);
            final CompletableFuture<BotReport> report = CompletableFuture.supplyAsync(() -> {
                try {
                    return fleet.run();
                } catch (final InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IllegalStateException(e);
                }
            });
            awaitCondition(() -> fleet.inWorld() >= bots, Duration.ofMinutes(5), "every bot in the world");
            out.println("chaos: " + bots + " bots in the world; injecting faults");
            final FaultRound rounds = new FaultRound(
                    cluster,
                    fleet,
                    events,
                    new FaultInjector(
                            cluster, Duration.ofSeconds(holdSeconds), Duration.ofSeconds(nodePauseSeconds), out),
                    Duration.ofSeconds(settleSeconds),
                    STABLE);
            out.println(FaultOutcome.header());
            final ChaosPlan plan = new ChaosPlan(chosen, chosenSeed);
            final long end = System.nanoTime() + (long) (minutes * 60e9);
            int round = 0;
            while (round < chosen.size() || System.nanoTime() - end < 0) {
                final FaultOutcome outcome = rounds.run(++round, plan.next());
                outcomes.add(outcome);
                out.println(outcome.row());
                outcome.breaches().forEach(breach -> out.println("      breach: " + breach));
            }
            fleet.stop();
            final BotReport seen = report.get(2, TimeUnit.MINUTES);
            cluster.children()
                    .forEach(name ->
                            memory.computeIfAbsent(name, n -> new long[] {-1, -1})[1] = cluster.residentKiB(name));
            out.println();
            out.println("chaos: the bots' report");
            seen.summaryLines().forEach(line -> out.println("  " + line));
        } finally {
            finished.countDown();
        }
        printSummary(out, outcomes, memory, chosenSeed);
        return outcomes.stream().allMatch(o -> o.breaches().isEmpty()) ? 0 : 1;
    }

    /**
     * Run at JVM exit: a run stopped midway (Ctrl-C, SIGTERM) is interrupted, so that the fault in progress is healed
     * (a paused process continued, a cut-off node let through again) and the cluster stopped, and waited for.
     */
    private static Thread stopper(final Thread runner, final CountDownLatch finished, final PrintStream out) {
        return new Thread(
                () -> {
                    if (finished.getCount() == 0) {
                        return;
                    }
                    out.println("chaos: stopped midway: healing the fault in progress and stopping the cluster");
                    runner.interrupt();
                    try {
                        if (!finished.await(3, TimeUnit.MINUTES)) {
                            out.println("chaos: the cluster did not stop within 3 minutes; its processes may remain");
                        }
                    } catch (final InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                },
                "chaos-stopper");
    }

    private static void printSummary(
            final PrintStream out,
            final List<FaultOutcome> outcomes,
            final Map<String, long[]> memory,
            final long seed) {
        out.println();
        out.println("chaos: every fault (seed " + seed + ")");
        out.println(FaultOutcome.header());
        outcomes.forEach(o -> out.println(o.row()));
        out.println();
        out.println("chaos: resident memory of each process at the start and the end (MiB; a restarted one is new)");
        memory.forEach((name, kib) ->
                out.printf(Locale.ROOT, "  %-12s %8s %8s%n", name, mebibytes(kib[0]), mebibytes(kib[1])));
        final long breached =
                outcomes.stream().filter(o -> !o.breaches().isEmpty()).count();
        out.println();
        out.println("chaos: " + outcomes.size() + " faults, " + breached + " breached"
                + (breached == 0 ? "; nothing lost" : ""));
    }

    private static String mebibytes(final long kib) {
        return kib < 0 ? "-" : Long.toString(kib / 1024);
    }

    /** Wait until {@code condition} holds, checking twice a second; fail after {@code deadline}. */
    static void awaitCondition(
            final java.util.function.BooleanSupplier condition, final Duration deadline, final String what)
            throws InterruptedException {
        final long end = System.nanoTime() + deadline.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() - end > 0) {
                throw new IllegalStateException("not reached within " + deadline.toSeconds() + " s: " + what);
            }
            TimeUnit.MILLISECONDS.sleep(500);
        }
    }
}
