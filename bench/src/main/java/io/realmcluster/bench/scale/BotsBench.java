package io.realmcluster.bench.scale;

import io.realmcluster.bench.Conditions;
import io.realmcluster.bench.cluster.BenchRealm;
import io.realmcluster.bench.cluster.FleetOptions;
import io.realmcluster.bench.cluster.RunningFleet;
import io.realmcluster.bench.cluster.TickPriority;
import io.realmcluster.common.net.HostPort;
import io.realmcluster.tools.bots.BotReport;
import io.realmcluster.tools.metrics.Scrape;
import io.realmcluster.tools.metrics.TickWindow;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * One node process carrying many bots over loopback TCP, each sending a move 20 times a second:
 * the node's tick durations (from its own histogram, both continents together) and the bots'
 * latency from a move to the node's echo of it. Side by side in the same run, on the same node:
 * a baseline of fewer bots, so the ratio shows what the extra players cost; and, each on a realm of
 * its own, the node's tick threads at ordinary and at real-time priority.
 *
 * <p>Everything shares this machine: etcd, PostgreSQL, the control plane, the node, and the bots
 * (in this JVM), so the numbers are an upper bound of what the node alone would show.
 */
@Command(
        name = "bots",
        mixinStandardHelpOptions = true,
        description =
                "One node under N bots over loopback: tick p99 and max, input-to-update latency, against fewer bots.")
public final class BotsBench implements Callable<Integer> {
    private static final double SLOW_TICK_SECONDS = 0.05;

    @Option(
            names = "--counts",
            defaultValue = "1000,5000",
            split = ",",
            description =
                    "Bots of each run, one run after the other on the same node; the first is the baseline (default: ${DEFAULT-VALUE}).")
    List<Integer> counts;

    @Option(
            names = "--seconds",
            defaultValue = "60",
            description =
                    "Measured seconds per run, after every bot entered the world and a warm-up (default: ${DEFAULT-VALUE}).")
    int seconds;

    @Option(
            names = "--spread",
            defaultValue = "600",
            description =
                    "Yards from the start area over which bots make their homes, as players spread over a zone (default: ${DEFAULT-VALUE}).")
    float spreadYards;

    @Option(
            names = "--warmup",
            defaultValue = "90",
            description =
                    "Seconds in the world before measuring, time for the bots to walk to their homes (default: ${DEFAULT-VALUE}).")
    int warmupSeconds;

    @Option(
            names = "--moves",
            defaultValue = "tcp",
            split = ",",
            description =
                    "How the bots send their moves: tcp, udp, or tcp,udp (each count runs once each way, and udp is "
                            + "compared with tcp) (default: ${DEFAULT-VALUE}).")
    List<Moves> moves;

    /** The transport of the bots' moves; everything else, and all the node sends, goes over TCP. */
    enum Moves {
        tcp,
        udp
    }

    @Option(
            names = "--tick-priority",
            defaultValue = "ordinary,realtime",
            split = ",",
            description =
                    "How the node's tick threads are scheduled: ordinary, realtime (the node's --tick-realtime-priority "
                            + TickPriority.REALTIME
                            + ", needs root or CAP_SYS_NICE), or both: every run on a fresh realm for each, one after "
                            + "the other, realtime compared with ordinary (default: ${DEFAULT-VALUE}).")
    List<TickPriority> priorities;

    @Option(
            names = "--clients",
            defaultValue = "plaintext",
            split = ",",
            description =
                    "How the realm speaks: plaintext, tls (as a realm runs by default: mutual TLS inside the cluster, "
                            + "Login and the node's game clients over TLS, verified by the bots), or both: every run on a "
                            + "fresh realm for each, tls compared with plaintext (default: ${DEFAULT-VALUE}).")
    List<Clients> clients;

    /** The realm's connections, the bots' among them: plaintext or TLS. */
    enum Clients {
        plaintext,
        tls
    }

    @Mixin
    FleetOptions fleet;

    @Override
    public Integer call() throws Exception {
        System.out.println(Conditions.describe());
        System.out.printf(
                "scenario:   1 node saving to PostgreSQL (both continents, 1 tick thread per core, tick threads at %s priority,%n"
                        + "            each on a fresh realm), runs of %s bots over loopback, a move each 50 ms,%n"
                        + "            moves over %s, half on each continent, homes spread over %.0f yards around the start area;%n"
                        + "            etcd, PostgreSQL, 1 control plane and the bots (%d event loops, in this JVM) on the same machine;%n"
                        + "            clients over %s; %d s warm-up, %d s measured per run%n",
                priorities, counts, moves, spreadYards, fleet.ioThreads(), clients, warmupSeconds, seconds);
        final List<Run> runs = new ArrayList<>();
        final int capacity = counts.stream().mapToInt(Integer::intValue).max().orElse(1);
        for (final Clients transport : clients) {
            for (final TickPriority priority : priorities) {
                runRealm(transport, priority, capacity, runs);
            }
        }
        printRatios(runs);
        for (final String line : runs.get(runs.size() - 1).report.summaryLines()) {
            System.out.println(line);
        }
        return 0;
    }

    /** Every count and way of moving on a fresh realm whose node has {@code priority} and speaks {@code transport}. */
    private void runRealm(
            final Clients transport, final TickPriority priority, final int capacity, final List<Run> runs)
            throws Exception {
        try (BenchRealm realm = BenchRealm.start(transport == Clients.tls)) {
            final BenchRealm.Node node = realm.node("bench-node", capacity, priority.nodeArgs());
            realm.awaitActive(node.id(), 2);
            priority.check(node.metrics());
            for (final int count : counts) {
                for (final Moves way : moves) {
                    runs.add(run(
                            realm.controlPlane(),
                            node.metrics(),
                            count,
                            way,
                            priority,
                            realm.tlsCa(),
                            "Run" + (char) ('a' + runs.size())));
                    System.out.println();
                    Run.header();
                    runs.forEach(Run::print);
                    System.out.println();
                }
            }
        }
    }

    /** Side by side: the largest count against the smallest, udp against tcp, realtime against ordinary, tls against plaintext. */
    private void printRatios(final List<Run> runs) {
        final Run first = runs.get(0);
        final Run last = runs.get(runs.size() - 1);
        if (last.bots != first.bots) {
            ratio(
                    last.bots + "/" + first.bots + " bots" + (moves.size() > 1 ? " over " + last.moves : "")
                            + (priorities.size() > 1 ? " at " + last.priority + " priority" : ""),
                    runs.stream()
                            .filter(r -> r.moves == last.moves && r.priority == last.priority)
                            .findFirst()
                            .orElse(first),
                    last);
        }
        for (final Run udp : runs) {
            runs.stream()
                    .filter(tcp -> udp.moves == Moves.udp
                            && tcp.moves == Moves.tcp
                            && tcp.bots == udp.bots
                            && tcp.priority == udp.priority
                            && tcp.clients == udp.clients)
                    .findFirst()
                    .ifPresent(tcp -> ratio(
                            "udp/tcp at " + udp.bots + " bots"
                                    + (priorities.size() > 1 ? ", " + udp.priority + " priority" : ""),
                            tcp,
                            udp));
        }
        for (final Run realtime : runs) {
            runs.stream()
                    .filter(ordinary -> realtime.priority == TickPriority.realtime
                            && ordinary.priority == TickPriority.ordinary
                            && ordinary.bots == realtime.bots
                            && ordinary.moves == realtime.moves
                            && ordinary.clients == realtime.clients)
                    .findFirst()
                    .ifPresent(ordinary -> ratio(
                            "realtime/ordinary priority at " + realtime.bots + " bots over " + realtime.moves,
                            ordinary,
                            realtime));
        }
        for (final Run tls : runs) {
            runs.stream()
                    .filter(plain -> tls.clients == Clients.tls
                            && plain.clients == Clients.plaintext
                            && plain.bots == tls.bots
                            && plain.moves == tls.moves
                            && plain.priority == tls.priority)
                    .findFirst()
                    .ifPresent(plain -> ratio(
                            "tls/plaintext clients at " + tls.bots + " bots over " + tls.moves + ", " + tls.priority
                                    + " priority",
                            plain,
                            tls));
        }
    }

    private static void ratio(final String what, final Run baseline, final Run run) {
        System.out.printf(
                Locale.ROOT,
                "ratio %s: tick p99 %.2fx, echo p50 %.2fx, echo p99 %.2fx%n",
                what,
                run.ticks.p99Seconds() / baseline.ticks.p99Seconds(),
                run.report.latencyP50Micros() / (double) Math.max(1, baseline.report.latencyP50Micros()),
                run.report.latencyP99Micros() / (double) Math.max(1, baseline.report.latencyP99Micros()));
    }

    /** Log {@code bots} bots in, let them play, measure a window, log them out. */
    private Run run(
            final HostPort cp,
            final String metrics,
            final int bots,
            final Moves way,
            final TickPriority priority,
            final Path tlsCa,
            final String prefix)
            throws Exception {
        try (RunningFleet running = RunningFleet.start(
                fleet.fleet(cp, bots, prefix, spreadYards)
                        .withMovesOverUdp(way == Moves.udp)
                        .withNodeTls(tlsCa),
                tlsCa)) {
            running.awaitInWorld(Duration.ofMinutes(10));
            // The warm-up and the window are the measurement: they are waited out, not polled.
            Thread.sleep(TimeUnit.SECONDS.toMillis(warmupSeconds));
            running.fleet().resetLatency();
            final Scrape before = Scrape.of(metrics);
            final int inWorld = running.fleet().inWorld();
            final long movesBefore = running.fleet().movesSent();
            Thread.sleep(TimeUnit.SECONDS.toMillis(seconds));
            final Scrape after = Scrape.of(metrics);
            final long movesPerSecond = (running.fleet().movesSent() - movesBefore) / seconds;
            return new Run(
                    bots,
                    way,
                    priority,
                    tlsCa != null ? Clients.tls : Clients.plaintext,
                    inWorld,
                    movesPerSecond,
                    TickWindow.between(before, after),
                    TickWindow.between(TickWindow.CPU, before, after),
                    TickWindow.ticksOver(before, after, SLOW_TICK_SECONDS),
                    Math.round(after.sum("realm_node_dropped_frames") - before.sum("realm_node_dropped_frames")),
                    Math.round(after.sum("realm_node_dropped_inputs") - before.sum("realm_node_dropped_inputs")),
                    Math.round((after.sum("realm_node_client_datagrams_total")
                                    - before.sum("realm_node_client_datagrams_total"))
                            / seconds),
                    running.stop());
        }
    }

    private record Run(
            int bots,
            Moves moves,
            TickPriority priority,
            Clients clients,
            int inWorld,
            long movesPerSecond,
            TickWindow ticks,
            TickWindow tickCpu,
            long slowTicks,
            long droppedFrames,
            long droppedInputs,
            long datagramsPerSecond,
            BotReport report) {
        static void header() {
            System.out.println(
                    "moves the bots sent a second (20 a bot when they keep up), node tick duration and the tick "
                            + "thread's CPU time per tick (ms, histogram bucket bounds), frames and inputs the node dropped, datagrams "
                            + "it took a second, bots' move-to-echo latency (ms)");
            System.out.printf(
                    "%-6s %5s %8s %9s %8s %8s %9s %9s %8s %9s %9s %7s %10s %10s %8s %9s %9s %9s %9s%n",
                    "bots",
                    "moves",
                    "priority",
                    "clients",
                    "moves/s",
                    "in world",
                    "tick p99",
                    "tick max",
                    "> 50 ms",
                    "cpu p99",
                    "overruns",
                    "ticks",
                    "drop frm",
                    "drop inp",
                    "udp/s",
                    "echo p50",
                    "echo p99",
                    "echo max",
                    "failed");
        }

        void print() {
            System.out.printf(
                    Locale.ROOT,
                    "%-6d %5s %8s %9s %8d %8d %9s %9s %8d %9s %9.0f %7d %10d %10d %8d %9.1f %9.1f %9.1f %9d%n",
                    bots,
                    moves,
                    priority,
                    clients,
                    movesPerSecond,
                    inWorld,
                    bound(ticks.p99Seconds()),
                    bound(ticks.maxSeconds()),
                    slowTicks,
                    bound(tickCpu.p99Seconds()),
                    ticks.overruns(),
                    ticks.ticks(),
                    droppedFrames,
                    droppedInputs,
                    datagramsPerSecond,
                    report.latencyP50Micros() / 1000.0,
                    report.latencyP99Micros() / 1000.0,
                    report.latencyMaxMicros() / 1000.0,
                    bots - report.enteredWorld() + report.unexpectedDisconnectCount());
        }

        private static String bound(final double seconds) {
            return Double.isInfinite(seconds) ? "> 250" : String.format(Locale.ROOT, "<= %.1f", seconds * 1000);
        }
    }
}
