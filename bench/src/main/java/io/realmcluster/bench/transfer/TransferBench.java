package io.realmcluster.bench.transfer;

import ch.qos.logback.classic.Level;
import com.sun.management.OperatingSystemMXBean;
import io.grpc.health.v1.HealthCheckRequest;
import io.netty.util.concurrent.DefaultThreadFactory;
import io.realmcluster.bench.BenchPostgres;
import io.realmcluster.bench.Conditions;
import io.realmcluster.common.auth.PasswordHasher;
import io.realmcluster.common.grpc.GrpcTls;
import io.realmcluster.common.tls.Pki;
import io.realmcluster.common.tls.Role;
import io.realmcluster.controlplane.login.AccountStore;
import io.realmcluster.controlplane.login.CharacterRoster;
import io.realmcluster.dataplane.Node;
import io.realmcluster.dataplane.store.ClaimedCharacter;
import io.realmcluster.dataplane.store.PendingSave;
import io.realmcluster.dataplane.tick.TickScheduler;
import io.realmcluster.dataplane.transfer.TransferService;
import io.realmcluster.processes.PostgresProcess;
import io.realmcluster.proto.v1.TransferAccepted;
import io.realmcluster.proto.v1.TransferOffer;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.sql.Connection;
import java.sql.Statement;
import java.util.List;
import java.util.Queue;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;
import org.HdrHistogram.ConcurrentHistogram;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * A character's transfer from node to node with both database compare-and-sets, as the nodes do
 * it: the source's departure save (IN_TRANSFER at epoch e, the freeze), then a Transfer.Offer over
 * loopback gRPC to the target's real {@link TransferService}, whose claim (epoch e + 1) is the
 * commit point. Two nodes in this JVM, each with its own connection pool and a Stockade instance,
 * against one real PostgreSQL; characters go back and forth between them. Latency at a fixed
 * offered rate, measured from each transfer's scheduled start (a stall is counted, not hidden),
 * and throughput with K transfers at once. Side by side in the same run: the Offer in plaintext
 * and over mutual TLS (each node with its certificate of a CA made for the run, as nodes run by
 * default), and the baseline of a logout save on one node and a login claim on the other.
 */
@Command(
        name = "transfer",
        mixinStandardHelpOptions = true,
        description = "A character from node to node (freeze, Offer over gRPC, claim): latency and throughput, "
                + "against logout + login.")
public final class TransferBench implements Callable<Integer> {
    static final String REALM = "main";
    static final int STOCKADE = 34;
    private static final int PER_ACCOUNT = 10;
    /** A node's pool, as the node sizes it. */
    static final int POOL = Node.DATABASE_CONNECTIONS;

    private static final OperatingSystemMXBean CPU =
            (OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
    private static final long SPIN_NANOS = TimeUnit.MICROSECONDS.toNanos(100);
    private static final double GOAL_P50_MS = 1;
    private static final double GOAL_P99_MS = 5;
    private static final double GOAL_PER_SECOND = 1_000;
    /** Mutual TLS may cost the Offer this much of plaintext's p99. */
    private static final double GOAL_TLS_RATIO = 1.25;

    private static final String PLAINTEXT = "transfer (freeze, Offer, claim)";
    private static final String MUTUAL_TLS = "transfer, Offer over mutual TLS";
    private static final String BASELINE = "logout save + login claim";

    @Option(
            names = "--characters",
            defaultValue = "2000",
            description = "Characters going back and forth (default: ${DEFAULT-VALUE}).")
    int characters;

    @Option(
            names = "--rate",
            defaultValue = "200",
            description = "Moves offered per second for the latency measurement (default: ${DEFAULT-VALUE}).")
    int rate;

    @Option(
            names = "--seconds",
            defaultValue = "20",
            description = "Seconds of each measurement (default: ${DEFAULT-VALUE}).")
    int seconds;

    @Option(
            names = "--warmup",
            defaultValue = "10",
            description = "Seconds of each mode at full speed before any is measured (default: ${DEFAULT-VALUE}).")
    int warmupSeconds;

    @Option(
            names = "--concurrency",
            defaultValue = "16",
            description =
                    "Moves at once for the throughput, and most in flight at the rate (default: ${DEFAULT-VALUE}).")
    int concurrency;

    private final Queue<Traveller> idle = new ConcurrentLinkedQueue<>();
    private final Steps steps = new Steps(new Recorder(3), new Recorder(3), new Recorder(3));

    @Override
    public Integer call() throws Exception {
        System.out.println(Conditions.describe());
        // The target logs every transfer at INFO: a thousand lines a second would measure the console.
        ((ch.qos.logback.classic.Logger) LoggerFactory.getLogger(TransferService.class)).setLevel(Level.WARN);
        final GrpcTls tlsA = nodeTls("node-a");
        final GrpcTls tlsB = nodeTls("node-b");
        System.out.println(
                "offers:     plaintext and mutual TLS (ECDSA P-256 certificates of a CA made for the run), in turns");
        System.out.printf(
                "scenario:   2 nodes in this JVM (pools of %d connections and %d threads for the Offers, a Stockade "
                        + "instance each, the target's per-transfer INFO line off), %d characters going back and forth;%n"
                        + "            %d s warm-up of each mode, then %d s at %d/s and %d s with %d at once; all of it on two "
                        + "PostgreSQL servers in turn:%n            the tests' (commits not flushed) and one that commits as an "
                        + "operator's does (fsync and synchronous commit on, data on disk)%n",
                POOL, TransferService.THREADS, characters, warmupSeconds, seconds, rate, seconds, concurrency);
        final Report fast;
        try (PostgresProcess postgres = BenchPostgres.fast()) {
            fast = scenario(postgres, tlsA, tlsB, "fsync off");
        }
        final Report durable;
        try (PostgresProcess postgres = BenchPostgres.durable()) {
            durable = scenario(postgres, tlsA, tlsB, "durable");
        }
        report(fast);
        report(durable);
        System.out.println();
        System.out.printf(
                "durable commits against fsync off, in the same run: at %d/s p50 %.2fx, p99 %.2fx; flat out %.2fx the "
                        + "moves/s (plaintext transfer); logout + login p50 %.2fx%n",
                rate,
                ratio(durable.transfer.paced, fast.transfer.paced, 50),
                ratio(durable.transfer.paced, fast.transfer.paced, 99),
                durable.transfer.flat.perSecond / fast.transfer.flat.perSecond,
                ratio(durable.baseline.paced, fast.baseline.paced, 50));
        return 0;
    }

    /** Every mode measured against {@code postgres}: its characters made, each mode warmed up, then measured. */
    private Report scenario(final PostgresProcess postgres, final GrpcTls tlsA, final GrpcTls tlsB, final String label)
            throws Exception {
        idle.clear();
        try (TickScheduler ticks = new TickScheduler(1, Throwable::printStackTrace);
                Peer a = new Peer(0, "node-a", postgres, ticks, steps, tlsA, tlsB);
                Peer b = new Peer(1, "node-b", postgres, ticks, steps, tlsB, tlsA)) {
            System.out.println("server " + label + ": " + BenchPostgres.describe(postgres));
            final Peer[] nodes = {a, b};
            enterWorld(a);
            // Both warm up before either is measured: neither is measured while the JIT compiles the other's code.
            final Move plaintext = (character, from, to) -> transfer(character, from, to, to.plaintext);
            final Move mutualTls = (character, from, to) -> transfer(character, from, to, to.mutualTls);
            run(nodes, plaintext, 0, warmupSeconds);
            run(nodes, mutualTls, 0, warmupSeconds);
            run(nodes, TransferBench::logoutLogin, 0, warmupSeconds);
            final Result transfer = measure(nodes, plaintext);
            final Result secured = measure(nodes, mutualTls);
            final Result baseline = measure(nodes, TransferBench::logoutLogin);
            // What a step costs at this rate when it does nothing: the floor under each column of the breakdown.
            final Move floor = (character, from, to) -> floor(from, to.plaintext);
            final Move floorTls = (character, from, to) -> floor(from, to.mutualTls);
            run(nodes, floor, 0, Math.min(warmupSeconds, 2));
            run(nodes, floorTls, 0, Math.min(warmupSeconds, 2));
            return new Report(
                    label,
                    transfer,
                    secured,
                    baseline,
                    run(nodes, floor, rate, seconds),
                    run(nodes, floorTls, rate, seconds));
        }
    }

    /** Every mode's measurements against one server. */
    private record Report(String label, Result transfer, Result secured, Result baseline, Run floor, Run floorTls) {}

    /**
     * The characters, {@value #PER_ACCOUNT} to an account as players have them (with all of them in
     * one account, a login's claim would be planned over that account's index), each claimed by
     * {@code node} as a login would (not measured).
     */
    private void enterWorld(final Peer node) throws Exception {
        final AccountStore accounts = new AccountStore(node.database, new PasswordHasher(1_000));
        final CharacterRoster created = new CharacterRoster(node.database);
        long account = 0;
        for (int i = 0; i < characters; i++) {
            if (i % PER_ACCOUNT == 0) {
                account = accounts.create("TransferBench" + i / PER_ACCOUNT, "transfer-bench")
                        .getAccountId();
            }
            final long id = created.create(account, REALM, name(i), 1, 1).getCharacterId();
            final ClaimedCharacter claim = node.store.claim(id, account, node.id);
            idle.add(new Traveller(claim, 0, claim.epoch(), claim.saveSeq()));
        }
    }

    /** Letters only, as the realm's names must be: Mover + the index in base 26. */
    private static String name(final int index) {
        final StringBuilder name = new StringBuilder("Mover");
        for (int rest = index, digit = 0; digit < 5; digit++, rest /= 26) {
            name.append((char) ('a' + rest % 26));
        }
        return name.toString();
    }

    /**
     * The departure: the source saves the character IN_TRANSFER at its epoch (the first
     * compare-and-set; a node's saver freezes in that save, not with a separate
     * {@code freezeForTransfer}), then offers it to the target, which claims it.
     */
    private static void transfer(final Traveller character, final Peer from, final Peer to, final Peer.Link link)
            throws Exception {
        final UUID transferId = UUID.randomUUID();
        final long saveSeq = character.saveSeq + 1;
        final ClaimedCharacter claim = character.claim;
        final long started = System.nanoTime();
        if (!from.store.save(List.of(PendingSave.departure(claim, character.epoch, saveSeq, transferId)), from.id)[0]) {
            throw new IllegalStateException("character " + claim.characterId() + " is no longer " + from.id + "'s");
        }
        final long saved = System.nanoTime();
        from.steps.save().recordValue(saved - started);
        final TransferAccepted accepted = link.offers()
                .withDeadlineAfter(5, TimeUnit.SECONDS)
                .offer(TransferOffer.newBuilder()
                        .setTransferId(transferId.toString())
                        .setCharacterId(claim.characterId())
                        .setRealm(REALM)
                        .setEpoch(character.epoch)
                        .setSourceNode(from.id)
                        .setTargetInstanceId(to.instanceId)
                        .setX(claim.x())
                        .setY(claim.y())
                        .setZ(claim.z())
                        .setOrientation(claim.orientation())
                        .build());
        from.steps.offer().recordValue(System.nanoTime() - saved);
        character.movedTo(to, accepted.getEpoch(), saveSeq);
    }

    /** The baseline: the source saves the character's logout (OFFLINE), then the other node claims it for a login. */
    private static void logoutLogin(final Traveller character, final Peer from, final Peer to) throws Exception {
        final long saveSeq = character.saveSeq + 1;
        final ClaimedCharacter claim = character.claim;
        final long started = System.nanoTime();
        if (!from.store.save(List.of(PendingSave.logout(claim, character.epoch, saveSeq)), from.id)[0]) {
            throw new IllegalStateException("character " + claim.characterId() + " is no longer " + from.id + "'s");
        }
        final long saved = System.nanoTime();
        from.steps.save().recordValue(saved - started);
        final ClaimedCharacter login = to.store.claim(claim.characterId(), claim.accountId(), to.id);
        from.steps.claim().recordValue(System.nanoTime() - saved);
        character.movedTo(to, login.epoch(), login.saveSeq());
    }

    /**
     * Not a move: one database round trip that does nothing ({@code SELECT 1} on the source's pool)
     * and one gRPC call that does nothing (a health check over {@code link}), timed as the
     * save and the Offer are. The character stays where it is.
     */
    private static void floor(final Peer from, final Peer.Link link) throws Exception {
        final long started = System.nanoTime();
        try (Connection connection = from.database.connection();
                Statement nothing = connection.createStatement()) {
            nothing.execute("SELECT 1");
        }
        final long selected = System.nanoTime();
        from.steps.save().recordValue(selected - started);
        link.health().withDeadlineAfter(5, TimeUnit.SECONDS).check(HealthCheckRequest.getDefaultInstance());
        from.steps.offer().recordValue(System.nanoTime() - selected);
    }

    private Result measure(final Peer[] nodes, final Move move) throws InterruptedException {
        return new Result(run(nodes, move, rate, seconds), run(nodes, move, 0, seconds));
    }

    /**
     * Moves on {@code concurrency} threads for {@code runSeconds}, each of an idle character, to the
     * node that does not have it: at {@code perSecond} on a fixed schedule, latency counted from
     * each move's scheduled start; at 0, one after the other on each thread as fast as they go.
     */
    private Run run(final Peer[] nodes, final Move move, final int perSecond, final int runSeconds)
            throws InterruptedException {
        final Histogram latency = new ConcurrentHistogram(TimeUnit.MINUTES.toNanos(1), 3);
        final AtomicLong scheduled = new AtomicLong();
        final AtomicLong failed = new AtomicLong();
        final AtomicReference<Exception> firstFailure = new AtomicReference<>();
        final long start = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(10);
        final long end = start + TimeUnit.SECONDS.toNanos(runSeconds);
        final long cpuBefore = CPU.getProcessCpuTime();
        steps.take();
        final ExecutorService threads =
                Executors.newFixedThreadPool(concurrency, new DefaultThreadFactory("source", true));
        for (int t = 0; t < concurrency; t++) {
            threads.execute(() -> {
                while (true) {
                    final long due = perSecond > 0
                            ? start + scheduled.getAndIncrement() * 1_000_000_000L / perSecond
                            : Math.max(start, System.nanoTime());
                    if (due >= end) {
                        return;
                    }
                    sleepUntil(due);
                    final Traveller character = idle.poll();
                    if (character == null) {
                        return;
                    }
                    try {
                        move.apply(character, nodes[character.node], nodes[1 - character.node]);
                        latency.recordValue(System.nanoTime() - due);
                        idle.add(character);
                    } catch (final Exception e) {
                        // Where the character is now is unknown: it plays no more.
                        failed.incrementAndGet();
                        firstFailure.compareAndSet(null, e);
                    }
                }
            });
        }
        threads.shutdown();
        threads.awaitTermination(runSeconds + 60L, TimeUnit.SECONDS);
        final double elapsed = (System.nanoTime() - start) / 1e9;
        final long moves = Math.max(1, latency.getTotalCount());
        return new Run(
                latency,
                moves / elapsed,
                (CPU.getProcessCpuTime() - cpuBefore) / 1_000 / moves,
                failed.get(),
                firstFailure.get(),
                steps.take());
    }

    /** Parks until shortly before {@code nanoTime}, then spins: a late wake-up would count as the move's latency. */
    private static void sleepUntil(final long nanoTime) {
        for (long left = nanoTime - System.nanoTime(); left > 0; left = nanoTime - System.nanoTime()) {
            if (left > SPIN_NANOS) {
                LockSupport.parkNanos(left - SPIN_NANOS);
            } else {
                Thread.onSpinWait();
            }
        }
    }

    private void report(final Report report) {
        final Result transfer = report.transfer;
        final Result secured = report.secured;
        final Result baseline = report.baseline;
        final Run floor = report.floor;
        final Run floorTls = report.floorTls;
        System.out.println();
        System.out.println("=== PostgreSQL " + report.label + " ===");
        System.out.println(
                "cpu us: this JVM's CPU time per move (both nodes, the sources, its ticks, JIT and GC; not PostgreSQL's)");
        System.out.printf("latency at %d/s offered, from each move's scheduled start (ms)%n", rate);
        System.out.printf(
                "%-38s %8s %7s %7s %7s %7s %7s %9s %7s%n",
                "mode", "moves/s", "p50", "p90", "p99", "p99.9", "max", "cpu us", "failed");
        transfer.paced.printLatency(PLAINTEXT);
        secured.paced.printLatency(MUTUAL_TLS);
        baseline.paced.printLatency(BASELINE);
        System.out.printf(
                "ratio mutual TLS/plaintext: p50 %.2fx, p99 %.2fx (goal <= %.2fx: %s), p99.9 %.2fx%n",
                ratio(secured.paced, transfer.paced, 50),
                ratio(secured.paced, transfer.paced, 99),
                GOAL_TLS_RATIO,
                verdict(ratio(secured.paced, transfer.paced, 99) <= GOAL_TLS_RATIO),
                ratio(secured.paced, transfer.paced, 99.9));
        System.out.printf(
                "ratio baseline/transfer (plaintext): p50 %.2fx, p99 %.2fx, p99.9 %.2fx%n",
                ratio(baseline.paced, transfer.paced, 50),
                ratio(baseline.paced, transfer.paced, 99),
                ratio(baseline.paced, transfer.paced, 99.9));
        System.out.println();
        System.out.printf(
                "where a move's time goes at %d/s (ms, p50 / p99): the source's save; the Offer's round trip, of which the "
                        + "target's claim (the baseline's login claim);%nand, at the same rate, a database round trip and a gRPC call that "
                        + "do nothing%n",
                rate);
        System.out.printf("%-38s %15s %15s %15s%n", "mode", "save", "Offer trip", "claim");
        transfer.paced.printSteps(PLAINTEXT);
        secured.paced.printSteps(MUTUAL_TLS);
        baseline.paced.printSteps(BASELINE);
        floor.printSteps("floor: SELECT 1, a health check");
        floorTls.printSteps("floor over mutual TLS");
        System.out.println();
        System.out.printf("throughput with %d moves at once (latency in ms)%n", concurrency);
        System.out.printf("%-38s %8s %7s %7s %9s %7s%n", "mode", "moves/s", "p50", "p99", "cpu us", "failed");
        transfer.flat.printThroughput(PLAINTEXT);
        secured.flat.printThroughput(MUTUAL_TLS);
        baseline.flat.printThroughput(BASELINE);
        System.out.printf(
                "ratio mutual TLS/plaintext: %.2fx; transfer/baseline: %.2fx%n",
                secured.flat.perSecond / transfer.flat.perSecond, transfer.flat.perSecond / baseline.flat.perSecond);
        System.out.println();
        for (final Result each : List.of(transfer, secured)) {
            final double p50 = each.paced.millis(50);
            final double p99 = each.paced.millis(99);
            System.out.printf(
                    "goals at %d/s, %s, %s: p50 <= %.0f ms %s (%.2f ms), p99 <= %.0f ms %s (%.2f ms); sustained >= "
                            + "%,.0f/s %s (%,.0f/s)%n",
                    rate,
                    each == transfer ? "plaintext" : "mutual TLS",
                    report.label,
                    GOAL_P50_MS,
                    verdict(p50 <= GOAL_P50_MS),
                    p50,
                    GOAL_P99_MS,
                    verdict(p99 <= GOAL_P99_MS),
                    p99,
                    GOAL_PER_SECOND,
                    verdict(each.flat.perSecond >= GOAL_PER_SECOND),
                    each.flat.perSecond);
        }
        for (final Result each : List.of(transfer, secured, baseline)) {
            for (final Run run : List.of(each.paced, each.flat)) {
                if (run.firstFailure != null) {
                    System.out.println("first failure: " + run.firstFailure);
                }
            }
        }
    }

    private static String verdict(final boolean met) {
        return met ? "met" : "NOT met";
    }

    private static double ratio(final Run a, final Run b, final double percentile) {
        return a.latency.getValueAtPercentile(percentile)
                / (double) Math.max(1, b.latency.getValueAtPercentile(percentile));
    }

    /** Moves a character from its node to the other; throws when it did not land. */
    @FunctionalInterface
    private interface Move {
        void apply(Traveller character, Peer from, Peer to) throws Exception;
    }

    /** A character, the claim it was created from, and who holds it now: the node, the epoch, the last save. */
    private static final class Traveller {
        final ClaimedCharacter claim;
        int node;
        long epoch;
        long saveSeq;

        Traveller(final ClaimedCharacter claim, final int node, final long epoch, final long saveSeq) {
            this.claim = claim;
            this.node = node;
            this.epoch = epoch;
            this.saveSeq = saveSeq;
        }

        void movedTo(final Peer to, final long newEpoch, final long newSaveSeq) {
            node = to.index;
            epoch = newEpoch;
            saveSeq = newSaveSeq;
        }
    }

    /** What one mode measured: at the offered rate, and flat out. */
    private record Result(Run paced, Run flat) {}

    /** One measurement: latencies (ns), moves per second that landed, this JVM's CPU time per move, moves that failed. */
    private record Run(
            Histogram latency, double perSecond, long cpuMicros, long failed, Exception firstFailure, StepTimes steps) {
        double millis(final double percentile) {
            return latency.getValueAtPercentile(percentile) / 1e6;
        }

        void printLatency(final String mode) {
            System.out.printf(
                    "%-38s %8.0f %7.2f %7.2f %7.2f %7.2f %7.2f %9d %7d%n",
                    mode,
                    perSecond,
                    millis(50),
                    millis(90),
                    millis(99),
                    millis(99.9),
                    latency.getMaxValue() / 1e6,
                    cpuMicros,
                    failed);
        }

        void printSteps(final String mode) {
            System.out.printf(
                    "%-38s %15s %15s %15s%n", mode, spread(steps.save()), spread(steps.offer()), spread(steps.claim()));
        }

        private static String spread(final Histogram step) {
            return step.getTotalCount() == 0
                    ? "-"
                    : String.format(
                            "%.2f / %.2f", step.getValueAtPercentile(50) / 1e6, step.getValueAtPercentile(99) / 1e6);
        }

        void printThroughput(final String mode) {
            System.out.printf(
                    "%-38s %,8.0f %7.2f %7.2f %9d %7d%n", mode, perSecond, millis(50), millis(99), cpuMicros, failed);
        }
    }

    /** {@code node}'s certificate of a CA made in a temporary directory for this run. */
    private GrpcTls nodeTls(final String node) throws IOException {
        if (pki == null) {
            pki = Pki.at(Files.createTempDirectory("transfer-bench-pki"));
            pki.init("bench", Pki.CA_VALIDITY);
        }
        return GrpcTls.load(pki.issue(Role.NODE, node, List.of("127.0.0.1"), Pki.VALIDITY));
    }

    private Pki pki;
}
