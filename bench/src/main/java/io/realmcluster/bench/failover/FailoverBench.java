package io.realmcluster.bench.failover;

import io.realmcluster.bench.Conditions;
import io.realmcluster.bench.cluster.BenchRealm;
import io.realmcluster.bench.cluster.StoreTls;
import io.realmcluster.common.net.HostPort;
import io.realmcluster.processes.EtcdProcess;
import io.realmcluster.processes.FreePorts;
import io.realmcluster.processes.JavaProcess;
import io.realmcluster.proto.v1.InstanceState;
import io.realmcluster.proto.v1.MapInstance;
import io.realmcluster.tools.realmctl.AdminClient;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.HdrHistogram.Histogram;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * Time from a node's death to its continent confirmed running on another node, with real
 * processes and a real etcd. Two ways to die, side by side: SIGKILL (the session stream breaks,
 * the control plane acts at once) and SIGSTOP (the stream stays open; only the lease's expiry
 * tells), the baseline a lease-only design would give.
 */
@Command(
        name = "failover",
        mixinStandardHelpOptions = true,
        description = "Node death to continent confirmed elsewhere: SIGKILL vs the lease-expiry baseline.")
public final class FailoverBench implements Callable<Integer> {
    private static final String CONTINENT = "main.0";

    @Option(names = "--rounds", defaultValue = "20", description = "Deaths per mode (default: ${DEFAULT-VALUE}).")
    int rounds;

    @Option(names = "--node-lease-ttl", defaultValue = "2", description = "Seconds (default: ${DEFAULT-VALUE}).")
    int leaseTtlSeconds;

    @Override
    public Integer call() throws Exception {
        System.out.println(Conditions.describe());
        System.out.printf(
                "scenario:   1 control plane, 2 nodes, etcd on loopback (TLS); %d rounds per mode; node lease TTL %d s%n",
                rounds, leaseTtlSeconds);
        final StoreTls tls = StoreTls.make();
        try (EtcdProcess etcd = tls.startEtcd()) {
            final HostPort cp = HostPort.parse("127.0.0.1:" + FreePorts.find());
            final List<String> args = new ArrayList<>(tls.etcdFlags(etcd));
            args.addAll(List.of(
                    "--insecure-plaintext",
                    "--listen",
                    "127.0.0.1:0",
                    "--internal-listen",
                    cp.toString(),
                    "--metrics-listen",
                    "127.0.0.1:0",
                    "--node-lease-ttl",
                    Integer.toString(leaseTtlSeconds),
                    "--heartbeat-interval",
                    "200"));
            try (JavaProcess controlPlane = JavaProcess.builder("io.realmcluster.controlplane.ControlPlaneMain")
                            .name("bench-cp")
                            .args(args)
                            .start();
                    AdminClient admin = new AdminClient(List.of(cp), 2_000)) {
                controlPlane.awaitOutput("serving gRPC", Duration.ofSeconds(30));
                final Histogram killed = run(admin, cp, true);
                final Histogram paused = run(admin, cp, false);
                System.out.println();
                System.out.println("node death -> continent confirmed on another node (ms)");
                System.out.printf("%-28s %8s %8s %8s %8s%n", "mode", "p50", "p99", "max", "rounds");
                print("SIGKILL (stream breaks)", killed);
                print("SIGSTOP (lease expiry)", paused);
                System.out.printf(
                        "ratio p50 SIGSTOP/SIGKILL: %.1fx%n",
                        paused.getValueAtPercentile(50) / (double) Math.max(1, killed.getValueAtPercentile(50)));
            }
        }
        return 0;
    }

    private Histogram run(final AdminClient admin, final HostPort cp, final boolean kill) throws Exception {
        final Histogram histogram = new Histogram(TimeUnit.MINUTES.toMicros(1), 3);
        JavaProcess a = node("bench-a-" + kill, cp);
        JavaProcess b = node("bench-b-" + kill, cp);
        for (int round = 0; round < rounds; round++) {
            final MapInstance before = awaitActive(admin, null);
            final JavaProcess victim = a.name().equals(before.getNodeId()) ? a : b;
            final JavaProcess other = victim == a ? b : a;
            final long start = System.nanoTime();
            if (kill) {
                victim.kill();
            } else {
                victim.pause();
            }
            final MapInstance after = awaitActive(admin, before.getNodeId());
            histogram.recordValue(TimeUnit.NANOSECONDS.toMicros(System.nanoTime() - start));
            if (!after.getNodeId().equals(other.name())) {
                throw new IllegalStateException(
                        "continent moved to " + after.getNodeId() + ", expected " + other.name());
            }
            victim.close();
            final JavaProcess replacement = node("bench-" + (kill ? "k" : "s") + round, cp);
            a = other;
            b = replacement;
        }
        a.close();
        b.close();
        return histogram;
    }

    private static JavaProcess node(final String id, final HostPort cp) {
        final JavaProcess node = JavaProcess.builder("io.realmcluster.dataplane.NodeMain")
                .name(id)
                // Nothing logs in here; the node only needs some key to start.
                .args(List.of(
                        "--token-public-keys",
                        BenchRealm.tokenPublicKey().toString(),
                        "--insecure-plaintext",
                        "--node-id",
                        id,
                        "--controlplane",
                        cp.toString(),
                        "--listen",
                        "127.0.0.1:0",
                        "--client-listen",
                        "127.0.0.1:0",
                        "--metrics-listen",
                        "127.0.0.1:0",
                        "--pools",
                        "continent",
                        "--insecure-plaintext"))
                .start();
        node.awaitOutput("registered with control plane", Duration.ofSeconds(30));
        return node;
    }

    /** Poll until the continent is confirmed on a node other than {@code notOn}; 1 ms resolution. */
    private static MapInstance awaitActive(final AdminClient admin, final String notOn) {
        final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (System.nanoTime() < deadline) {
            final Optional<MapInstance> continent = admin.listMapInstances("").getInstancesList().stream()
                    .filter(i -> i.getInstanceId().equals(CONTINENT))
                    .findFirst();
            if (continent.isPresent()
                    && continent.get().getState() == InstanceState.INSTANCE_STATE_ACTIVE
                    && !continent.get().getNodeId().equals(notOn)) {
                return continent.get();
            }
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(1));
        }
        throw new IllegalStateException("continent " + CONTINENT + " not confirmed within 60 s");
    }

    private static void print(final String mode, final Histogram h) {
        System.out.printf(
                "%-28s %8.1f %8.1f %8.1f %8d%n",
                mode,
                h.getValueAtPercentile(50) / 1000.0,
                h.getValueAtPercentile(99) / 1000.0,
                h.getMaxValue() / 1000.0,
                h.getTotalCount());
    }
}
