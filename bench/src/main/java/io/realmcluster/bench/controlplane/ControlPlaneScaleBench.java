package io.realmcluster.bench.controlplane;

import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.op.Op;
import io.etcd.jetcd.options.PutOption;
import io.grpc.ManagedChannel;
import io.grpc.StatusRuntimeException;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.realmcluster.bench.Conditions;
import io.realmcluster.bench.cluster.BenchRealm;
import io.realmcluster.bench.cluster.StoreTls;
import io.realmcluster.common.grpc.Channels;
import io.realmcluster.common.net.HostPort;
import io.realmcluster.controlplane.etcd.EtcdStore;
import io.realmcluster.controlplane.etcd.Keys;
import io.realmcluster.processes.EtcdProcess;
import io.realmcluster.processes.FreePorts;
import io.realmcluster.processes.JavaProcess;
import io.realmcluster.proto.v1.ControlPlaneReplica;
import io.realmcluster.proto.v1.CreateInstanceRequest;
import io.realmcluster.proto.v1.InstanceState;
import io.realmcluster.proto.v1.MapInstance;
import io.realmcluster.proto.v1.MapKind;
import io.realmcluster.proto.v1.PlacementGrpc;
import io.realmcluster.tools.metrics.Scrape;
import io.realmcluster.tools.realmctl.AdminClient;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import org.HdrHistogram.Histogram;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * The control plane at the size of a large realm network: two real replicas and a real etcd (TLS)
 * against hundreds of simulated nodes ({@link SimNode}: real NodeLink streams, synthetic load,
 * instant confirmations), for each size asked: CreateInstance latency under dungeon churn, etcd's
 * writes and bytes, the leader's CPU, the time until every instance of a killed node runs elsewhere
 * or is closed, and the time a leader's SIGKILL costs. The instances are written into etcd directly
 * before the measurement, as a cluster that grew to that size would have them, so the fill does not
 * take the time of the placements it stands for.
 */
@Command(
        name = "controlplane-scale",
        mixinStandardHelpOptions = true,
        description = "The control plane and etcd under hundreds of simulated nodes: placement latency, etcd writes, "
                + "the leader's CPU, a dead node's instances, leader failover.")
public final class ControlPlaneScaleBench implements Callable<Integer> {
    private static final String PREFIX = "/realmcluster";
    /** The vanilla catalog's five-player dungeons. */
    private static final int[] DUNGEONS = {
        389, 36, 43, 33, 34, 48, 90, 47, 189, 129, 70, 209, 349, 109, 230, 289, 329, 429
    };

    private static final Duration START_DEADLINE = Duration.ofSeconds(60);

    @Option(
            names = "--nodes",
            split = ",",
            defaultValue = "50,100,200,400",
            description = "Cluster sizes, one run each (default: ${DEFAULT-VALUE}).")
    List<Integer> sizes;

    @Option(
            names = "--instances-per-node",
            split = ",",
            defaultValue = "10,100",
            description = "Instances per node, one run each with every size (default: ${DEFAULT-VALUE}).")
    List<Integer> perNode;

    @Option(
            names = "--window",
            defaultValue = "30",
            description = "Seconds of steady churn measured per run (default: ${DEFAULT-VALUE}).")
    int windowSeconds;

    @Option(
            names = "--creates-per-second",
            defaultValue = "20",
            description = "Dungeons created (and as many emptied, to close) per second in the window "
                    + "(default: ${DEFAULT-VALUE}).")
    int createsPerSecond;

    @Option(
            names = "--kills",
            defaultValue = "3",
            description = "Simulated nodes killed per run, one after another (default: ${DEFAULT-VALUE}).")
    int kills;

    @Option(
            names = "--realms",
            defaultValue = "4",
            description = "Realms the control plane serves, each with its two continents (default: ${DEFAULT-VALUE}).")
    int realms;

    @Option(
            names = "--controlplane-heap",
            defaultValue = "2g",
            description = "-Xmx of each replica (default: ${DEFAULT-VALUE}).")
    String heap;

    @Option(names = "--csv", description = "Also write the table here as CSV.")
    Path csv;

    @Option(
            names = "--plots",
            paramLabel = "DIR",
            description = "Also draw each figure against the cluster's size, a line per instances-per-node, as PNGs"
                    + " in DIR (file names start with --plot-name).")
    Path plots;

    @Option(
            names = "--plot-name",
            defaultValue = "controlplane-scale",
            description = "The plots' file name stem, e.g. to keep a before and an after (default: ${DEFAULT-VALUE}).")
    String plotName;

    @Override
    public Integer call() throws Exception {
        if (createsPerSecond < 1
                || windowSeconds < 1
                || kills < 0
                || realms < 1
                || sizes.stream().anyMatch(n -> n < 2)) {
            throw new picocli.CommandLine.ParameterException(
                    new picocli.CommandLine(this),
                    "--creates-per-second, --window and --realms must be at least 1, --kills at least 0, and every"
                            + " size in --nodes at least 2 (a node dies and one must be left)");
        }
        System.out.println(Conditions.describe());
        System.out.printf(
                "scenario:   2 control-plane replicas and etcd (TLS) on loopback, simulated nodes in this JVM; %d realms;"
                        + " %d s of churn at %d creates/s per run; %d node kills, then the leader killed%n",
                realms, windowSeconds, createsPerSecond, kills);
        final List<ScaleRow> rows = new ArrayList<>();
        final List<String> failed = new ArrayList<>();
        for (final int perNodeCount : perNode) {
            for (final int size : sizes) {
                try {
                    final ScaleRow row = run(size, perNodeCount);
                    rows.add(row);
                    System.out.println(ScaleRow.HEADER);
                    System.out.println(row.line());
                } catch (final IllegalStateException e) {
                    // A size the control plane cannot keep up with: said, and the next size is tried.
                    final String line =
                            String.format("%6d %6d  did not finish: %s", size, perNodeCount, e.getMessage());
                    failed.add(line);
                    System.out.println(line);
                }
            }
        }
        System.out.println();
        System.out.println("control plane at scale (latencies in ms; CPU of the leader in % of one core)");
        System.out.println(ScaleRow.HEADER);
        rows.forEach(row -> System.out.println(row.line()));
        failed.forEach(System.out::println);
        if (plots != null && !rows.isEmpty()) {
            plot(
                    rows,
                    "create-p99",
                    "CreateInstance p99 under churn",
                    "ms",
                    r -> r.window().creates().getValueAtPercentile(99) / 1000.0);
            plot(
                    rows,
                    "etcd-writes",
                    "etcd writes (proposals committed) per second",
                    "writes/s",
                    r -> r.window().writesPerSecond());
            plot(
                    rows,
                    "leader-cpu",
                    "the leader's CPU",
                    "% of one core",
                    r -> r.window().leaderCpuPercent());
            plot(
                    rows,
                    "dead-node",
                    "a killed node's instances all running elsewhere or closed (max)",
                    "ms",
                    r -> r.handled().getMaxValue() / 1000.0);
        }
        if (csv != null) {
            final List<String> lines = new ArrayList<>();
            lines.add(ScaleRow.CSV_HEADER);
            rows.forEach(row -> lines.add(row.csv()));
            Files.write(csv, lines, StandardCharsets.UTF_8);
            System.out.println("written: " + csv);
        }
        return 0;
    }

    /** One figure of every row against the cluster's size, a line per instances-per-node, log-log. */
    private void plot(
            final List<ScaleRow> rows,
            final String file,
            final String title,
            final String unit,
            final java.util.function.ToDoubleFunction<ScaleRow> figure)
            throws IOException {
        final java.util.Map<String, double[][]> series = new java.util.LinkedHashMap<>();
        for (final int perNodeCount : perNode) {
            series.put(
                    perNodeCount + " instances per node",
                    rows.stream()
                            .filter(row -> row.perNode() == perNodeCount)
                            .map(row -> new double[] {row.nodes(), figure.applyAsDouble(row)})
                            .toArray(double[][]::new));
        }
        final Path png = plots.resolve(plotName + "-" + file + ".png");
        io.realmcluster.bench.Plots.lines(png, title, "nodes", unit, series, true, true);
        System.out.println("written: " + png);
    }

    /** One size, from fresh processes to the leader's kill. */
    ScaleRow run(final int nodeCount, final int instancesPerNode) throws Exception {
        System.out.printf("%n== %d nodes, %d instances per node ==%n", nodeCount, instancesPerNode);
        final StoreTls tls = StoreTls.make();
        final Keys keys = new Keys(PREFIX);
        try (EtcdProcess etcd = tls.startEtcd()) {
            final List<HostPort> replicas = List.of(
                    HostPort.parse("127.0.0.1:" + FreePorts.find()), HostPort.parse("127.0.0.1:" + FreePorts.find()));
            final List<JavaProcess> processes = new ArrayList<>();
            try {
                for (int i = 0; i < replicas.size(); i++) {
                    processes.add(replica(tls, etcd, "sim-cp-" + (i + 1), replicas.get(i)));
                }
                for (final JavaProcess process : processes) {
                    process.awaitOutput("serving gRPC", START_DEADLINE);
                }
                return measure(tls, etcd, keys, replicas, processes, nodeCount, instancesPerNode);
            } finally {
                processes.forEach(JavaProcess::close);
            }
        }
    }

    private ScaleRow measure(
            final StoreTls tls,
            final EtcdProcess etcd,
            final Keys keys,
            final List<HostPort> replicas,
            final List<JavaProcess> processes,
            final int nodeCount,
            final int instancesPerNode)
            throws Exception {
        final String etcdMetrics =
                etcd.healthUrl().replaceFirst("^https?://", "").replaceFirst("/health$", "");
        try (AdminClient admin = new AdminClient(replicas, 5_000);
                EtcdStore store = EtcdStore.connect(
                        List.of(URI.create(etcd.endpoint())),
                        tls.controlPlaneFiles(),
                        Duration.ofSeconds(5),
                        new PrometheusRegistry());
                InstanceWatch watch = new InstanceWatch(store, keys);
                SimFleet fleet = new SimFleet(nodeCount, replicas)) {
            final int leaderIndex = awaitLeader(admin, -1);
            System.out.printf("leader: sim-cp-%d%n", leaderIndex + 1);
            fleet.start();
            await("every simulated node registered", Duration.ofSeconds(120), () -> fleet.registered() == nodeCount);
            final int continents = realms * 2;
            await("the continents running", Duration.ofSeconds(60), () -> fleet.running() >= continents);

            // The instances a cluster of this size runs, written as placement would have: round-robin over the nodes.
            final int dungeons = Math.max(0, nodeCount * instancesPerNode - continents);
            final long fillStart = System.nanoTime();
            fill(store, keys, fleet.nodes(), dungeons);
            await("every instance confirmed", Duration.ofSeconds(600), () -> fleet.running() >= continents + dungeons);
            final double fillSeconds = seconds(System.nanoTime() - fillStart);
            System.out.printf(
                    "filled: %,d instances written and confirmed in %.1f s%n", continents + dungeons, fillSeconds);

            final ScaleWindow window =
                    churn(admin, replicas.get(leaderIndex), processes.get(leaderIndex), etcdMetrics, fleet);
            final Histogram handled = new Histogram(TimeUnit.MINUTES.toMicros(2), 3);
            int reassigned = 0;
            int closed = 0;
            final List<SimNode> alive = new ArrayList<>(fleet.nodes());
            for (int kill = 0; kill < kills && alive.size() > 1; kill++) {
                final SimNode victim = fleet.busiest(alive);
                final List<String> had = victim.runningIds();
                final long start = System.nanoTime();
                victim.kill();
                alive.remove(victim);
                await(
                        victim.id() + "'s " + had.size() + " instances running elsewhere or closed",
                        Duration.ofSeconds(120),
                        () -> had.stream().allMatch(id -> handledSince(fleet, watch, victim.id(), id, start)));
                long last = start;
                for (final String id : had) {
                    final SimFleet.Started there = fleet.started(id);
                    if (there != null && !there.nodeId().equals(victim.id()) && there.atNanos() >= start) {
                        reassigned++;
                        last = Math.max(last, there.atNanos());
                    } else {
                        closed++;
                        last = Math.max(last, watch.deletedAt(id));
                    }
                }
                handled.recordValue(TimeUnit.NANOSECONDS.toMicros(last - start));
                System.out.printf(
                        "killed %s (%d instances): all running elsewhere or closed after %.0f ms%n",
                        victim.id(), had.size(), (last - start) / 1e6);
            }

            // The leader's SIGKILL: until the other replica places again, and until every node linked to it again.
            final int survivor = 1 - leaderIndex;
            final long onLeader = alive.stream()
                    .filter(node -> node.replicaIndex() == leaderIndex)
                    .count();
            final long welcomesBefore = fleet.welcomes();
            final long killedAt = System.nanoTime();
            processes.get(leaderIndex).kill();
            final long placedAfter = placeUntilServed(replicas.get(survivor)) - killedAt;
            await(
                    "every live node linked to the surviving replica",
                    Duration.ofSeconds(120),
                    () -> fleet.welcomes() >= welcomesBefore + onLeader && fleet.registered() == alive.size());
            final long relinkedAfter = System.nanoTime() - killedAt;
            System.out.printf(
                    "leader killed: the other replica placed after %.0f ms; every node linked again after %.0f ms;"
                            + " link breaks by status %s%n",
                    placedAfter / 1e6, relinkedAfter / 1e6, fleet.breaks());
            return new ScaleRow(
                    nodeCount,
                    instancesPerNode,
                    continents + dungeons,
                    fillSeconds,
                    window,
                    handled,
                    reassigned,
                    closed,
                    placedAfter / 1e6,
                    relinkedAfter / 1e6);
        }
    }

    /** Whether {@code instanceId}, which ran on {@code deadNode}, runs elsewhere or was closed since {@code start}. */
    private static boolean handledSince(
            final SimFleet fleet,
            final InstanceWatch watch,
            final String deadNode,
            final String instanceId,
            final long start) {
        final SimFleet.Started there = fleet.started(instanceId);
        if (there != null && !there.nodeId().equals(deadNode) && there.atNanos() >= start) {
            return true;
        }
        final Long deleted = watch.deletedAt(instanceId);
        return deleted != null && deleted >= start;
    }

    /** Dungeon instances written straight into etcd, 64 to a transaction, with their owners' bindings. */
    private void fill(final EtcdStore store, final Keys keys, final List<SimNode> nodes, final int count) {
        final List<Op> ops = new ArrayList<>();
        final long now = System.currentTimeMillis();
        for (int i = 0; i < count; i++) {
            final String realm = realm(i);
            final int map = DUNGEONS[i % DUNGEONS.length];
            final String owner = "fill-" + i;
            final String id = realm + "." + map + "." + String.format("f%07x", i);
            final MapInstance instance = MapInstance.newBuilder()
                    .setInstanceId(id)
                    .setMapId(map)
                    .setKind(MapKind.MAP_KIND_DUNGEON)
                    .setRealm(realm)
                    .setNodeId(nodes.get(i % nodes.size()).id())
                    .setState(InstanceState.INSTANCE_STATE_PENDING)
                    .setOwner(owner)
                    .setReservedPlayers(SimNode.DUNGEON_PLAYERS)
                    .setCreatedAtUnixMs(now)
                    .build();
            ops.add(Op.put(keys.instance(id), ByteSequence.from(instance.toByteArray()), PutOption.DEFAULT));
            ops.add(Op.put(
                    keys.binding(realm, map, owner), ByteSequence.from(id, StandardCharsets.UTF_8), PutOption.DEFAULT));
            if (ops.size() == 128 || i == count - 1) {
                store.txn(List.of(), List.copyOf(ops));
                ops.clear();
            }
        }
    }

    private String realm(final int i) {
        return "r" + (i % realms + 1);
    }

    /**
     * {@link #windowSeconds} of dungeon churn: {@link #createsPerSecond} CreateInstance calls a second on the leader
     * (each timed, against its intended start so that a stall counts for every call it held up), and as many running
     * dungeons emptied, which the idle timeout then closes; etcd's counters and the leader's CPU before and after.
     */
    private ScaleWindow churn(
            final AdminClient admin,
            final HostPort leader,
            final JavaProcess leaderProcess,
            final String etcdMetrics,
            final SimFleet fleet)
            throws IOException, InterruptedException {
        final Histogram creates = new Histogram(TimeUnit.SECONDS.toMicros(30), 3);
        int failed = 0;
        final ManagedChannel channel = Channels.forTargets(List.of(leader), 30);
        try {
            final PlacementGrpc.PlacementBlockingStub placement = PlacementGrpc.newBlockingStub(channel);
            final List<SimNode> nodes = fleet.nodes();
            final long intervalNanos = TimeUnit.SECONDS.toNanos(1) / createsPerSecond;
            final Scrape etcdBefore = Scrape.of(etcdMetrics);
            final long cpuBefore = BenchRealm.cpuNanos(leaderProcess.pid());
            final long heartbeatsBefore = fleet.heartbeats();
            final long start = System.nanoTime();
            final int calls = windowSeconds * createsPerSecond;
            for (int i = 0; i < calls; i++) {
                final long due = start + i * intervalNanos;
                LockSupport.parkNanos(due - System.nanoTime());
                final int map = DUNGEONS[ThreadLocalRandom.current().nextInt(DUNGEONS.length)];
                try {
                    placement
                            .withDeadlineAfter(5, TimeUnit.SECONDS)
                            .createInstance(CreateInstanceRequest.newBuilder()
                                    .setRealm(realm(i))
                                    .setMapId(map)
                                    .setOwner("churn-" + i)
                                    .setPlayers(SimNode.DUNGEON_PLAYERS)
                                    .build());
                    // From when it was due: a call held up by a slow one before it counts that wait too.
                    final long tookMicros = TimeUnit.NANOSECONDS.toMicros(System.nanoTime() - due);
                    creates.recordValue(Math.min(tookMicros, creates.getHighestTrackableValue()));
                } catch (final StatusRuntimeException e) {
                    failed++;
                }
                fleet.emptyOne(nodes);
            }
            final long wall = System.nanoTime() - start;
            final long cpu = BenchRealm.cpuNanos(leaderProcess.pid()) - cpuBefore;
            final Scrape etcdAfter = Scrape.of(etcdMetrics);
            final double secs = seconds(wall);
            final ScaleWindow window = new ScaleWindow(
                    creates,
                    failed,
                    delta(etcdBefore, etcdAfter, "etcd_server_proposals_committed_total") / secs,
                    delta(etcdBefore, etcdAfter, "etcd_network_client_grpc_received_bytes_total") / 1024 / secs,
                    delta(etcdBefore, etcdAfter, "etcd_network_client_grpc_sent_bytes_total") / 1024 / secs,
                    100.0 * cpu / wall,
                    (fleet.heartbeats() - heartbeatsBefore) / secs,
                    etcdAfter.sum("etcd_mvcc_db_total_size_in_bytes") / (1024 * 1024));
            System.out.printf(
                    "churn: %,d creates in %.1f s, %d failed; CreateInstance p50 %.1f ms, p99 %.1f ms; etcd %.0f writes/s,"
                            + " %.0f KiB/s in, %.0f KiB/s out; leader CPU %.0f%%; %.0f heartbeats/s%n",
                    creates.getTotalCount(),
                    secs,
                    failed,
                    creates.getValueAtPercentile(50) / 1000.0,
                    creates.getValueAtPercentile(99) / 1000.0,
                    window.writesPerSecond(),
                    window.inKiBPerSecond(),
                    window.outKiBPerSecond(),
                    window.leaderCpuPercent(),
                    window.heartbeatsPerSecond());
            return window;
        } finally {
            channel.shutdownNow();
        }
    }

    private static double delta(final Scrape before, final Scrape after, final String name) {
        return after.sum(name) - before.sum(name);
    }

    /** CreateInstance on {@code replica} until one succeeds; the nano time it did. */
    private long placeUntilServed(final HostPort replica) {
        final ManagedChannel channel = Channels.forTargets(List.of(replica), 30);
        try {
            final PlacementGrpc.PlacementBlockingStub placement = PlacementGrpc.newBlockingStub(channel);
            final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
            int attempt = 0;
            while (System.nanoTime() < deadline) {
                try {
                    placement
                            .withDeadlineAfter(1, TimeUnit.SECONDS)
                            .createInstance(CreateInstanceRequest.newBuilder()
                                    .setRealm(realm(0))
                                    .setMapId(DUNGEONS[0])
                                    .setOwner("failover-" + attempt++)
                                    .setPlayers(SimNode.DUNGEON_PLAYERS)
                                    .build());
                    return System.nanoTime();
                } catch (final StatusRuntimeException e) {
                    LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(20));
                }
            }
            throw new IllegalStateException("the surviving replica placed nothing within 120 s of the leader's kill");
        } finally {
            channel.shutdownNow();
        }
    }

    /** The index of the replica that leads (sim-cp-N is index N-1), other than {@code not}. */
    private static int awaitLeader(final AdminClient admin, final int not) {
        final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (System.nanoTime() < deadline) {
            try {
                for (final ControlPlaneReplica replica :
                        admin.listControlPlanes().getReplicasList()) {
                    if (replica.getLeader()) {
                        final int index = Integer.parseInt(replica.getId().substring("sim-cp-".length())) - 1;
                        if (index != not) {
                            return index;
                        }
                    }
                }
            } catch (final StatusRuntimeException e) {
                // Not answering yet.
            }
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(100));
        }
        throw new IllegalStateException("no control-plane replica leads after 60 s");
    }

    private JavaProcess replica(final StoreTls tls, final EtcdProcess etcd, final String id, final HostPort internal) {
        final List<String> args = new ArrayList<>(tls.etcdFlags(etcd));
        args.addAll(List.of(
                "--insecure-plaintext",
                "--id",
                id,
                "--listen",
                "127.0.0.1:0",
                "--internal-listen",
                internal.toString(),
                "--metrics-listen",
                "127.0.0.1:0",
                "--instance-idle-timeout",
                "2",
                "--realms",
                String.join(",", realmNames())));
        return JavaProcess.builder("io.realmcluster.controlplane.ControlPlaneMain")
                .name(id)
                .jvmArgs("-Xmx" + heap)
                .args(args)
                .start();
    }

    private List<String> realmNames() {
        final List<String> names = new ArrayList<>();
        for (int i = 0; i < realms; i++) {
            names.add("r" + (i + 1));
        }
        return names;
    }

    private static void await(final String what, final Duration deadline, final BooleanSupplier done) {
        final long end = System.nanoTime() + deadline.toNanos();
        while (!done.getAsBoolean()) {
            if (System.nanoTime() > end) {
                throw new IllegalStateException("not within " + deadline.toSeconds() + " s: " + what);
            }
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(5));
        }
    }

    private static double seconds(final long nanos) {
        return nanos / 1e9;
    }
}
