package io.realmcluster.tools.chaos;

import io.realmcluster.common.db.Database;
import io.realmcluster.common.db.DatabaseCredentials;
import io.realmcluster.common.net.HostPort;
import io.realmcluster.common.tls.TlsFiles;
import io.realmcluster.processes.ScriptProcess;
import io.realmcluster.proto.v1.ControlPlaneReplica;
import io.realmcluster.proto.v1.InstanceState;
import io.realmcluster.proto.v1.MapInstance;
import io.realmcluster.proto.v1.NodeState;
import io.realmcluster.proto.v1.NodeStatus;
import io.realmcluster.tools.localcluster.LocalEtcd;
import io.realmcluster.tools.localcluster.LocalPki;
import io.realmcluster.tools.localcluster.LocalPorts;
import io.realmcluster.tools.localcluster.PidFiles;
import io.realmcluster.tools.localcluster.RollingRestart;
import io.realmcluster.tools.metrics.Scrape;
import io.realmcluster.tools.realmctl.AdminClient;
import java.io.IOException;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.concurrent.TimeoutException;

/**
 * The local cluster a chaos run works on: {@code bin/local-cluster} as a child, in a session of its own,
 * without bots of its own (the run's bots play in this JVM, where it hears them), and its processes by
 * their pid files, which its supervisor rewrites when it restarts one.
 */
final class ChaosCluster implements AutoCloseable {
    private static final Duration UP_DEADLINE = Duration.ofMinutes(5);
    private static final long ADMIN_DEADLINE_MILLIS = 5_000;
    /** A rolling restart's deadlines, the operator's defaults: a node's drain, and a process's exit and return. */
    private static final Duration ROLLOUT_DRAIN = Duration.ofSeconds(300);

    private static final Duration ROLLOUT_RESTART = Duration.ofSeconds(180);
    private static final Duration METRICS_DEADLINE = Duration.ofSeconds(2);
    /** An etcd member's own gauge: 1 on the raft leader, 0 on the others. */
    private static final String IS_LEADER = "etcd_server_is_leader 1";

    private static final HttpClient HTTP = HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(METRICS_DEADLINE)
            .build();

    private final Path run;
    private final int nodes;
    private final LocalEtcd etcd;
    private final LocalPorts ports;
    private final PidFiles pids;
    private final TlsFiles operator;
    private final ScriptProcess launcher;

    private ChaosCluster(
            final Path run, final int nodes, final LocalEtcd etcd, final int offset, final ScriptProcess launcher) {
        this.run = run;
        this.nodes = nodes;
        this.etcd = etcd;
        this.ports = new LocalPorts(offset);
        this.pids = new PidFiles(run);
        this.operator = LocalPki.operator(run);
        this.launcher = launcher;
    }

    /** Start a fresh local cluster in {@code run} and wait until it is up; its output goes to RUN/chaos-launcher.log. */
    static ChaosCluster start(
            final Path home,
            final Path run,
            final int nodes,
            final LocalEtcd etcd,
            final int offset,
            final PrintStream out)
            throws IOException {
        Files.createDirectories(run);
        final ScriptProcess launcher = ScriptProcess.builder(
                        "local-cluster",
                        List.of(
                                home.resolve("bin/local-cluster").toString(),
                                "--fresh",
                                "--run-dir",
                                run.toString(),
                                "--port-offset",
                                Integer.toString(offset),
                                "--nodes",
                                Integer.toString(nodes),
                                "--etcd-members",
                                Integer.toString(etcd.members()),
                                "--bots",
                                "0"))
                .inOwnSession()
                .logFile(run.resolveSibling(run.getFileName() + "-launcher.log"))
                // Stopped by the run itself at JVM exit, after it healed the fault in progress (ChaosMain): a SIGKILL
                // of the launcher would leave a paused PostgreSQL stopped and its cluster's processes behind.
                .stopOnJvmExit(false)
                .start();
        out.println("chaos: starting bin/local-cluster in " + run + " (its output: " + launcher.logFile() + ")");
        try {
            launcher.awaitOutput("realm cluster is up", UP_DEADLINE);
        } catch (final RuntimeException e) {
            launcher.terminate();
            throw e;
        }
        return new ChaosCluster(run, nodes, etcd, offset, launcher);
    }

    Path run() {
        return run;
    }

    int nodes() {
        return nodes;
    }

    /** The cluster's etcd: its members' names. */
    LocalEtcd etcd() {
        return etcd;
    }

    /**
     * The etcd member leading raft now, by each member's /metrics; the first member when none says it leads
     * (an election under way, or a member that does not answer).
     */
    String etcdLeader() {
        for (int member = 1; member <= etcd.members(); member++) {
            final HttpRequest request = HttpRequest.newBuilder(
                            URI.create("http://127.0.0.1:" + ports.etcdMetrics(member) + "/metrics"))
                    .timeout(METRICS_DEADLINE)
                    .GET()
                    .build();
            try {
                final HttpResponse<String> metrics = HTTP.send(request, HttpResponse.BodyHandlers.ofString());
                if (metrics.statusCode() == 200 && metrics.body().lines().anyMatch(IS_LEADER::equals)) {
                    return etcd.name(member);
                }
            } catch (final IOException e) {
                // Not this one; ask the next.
            } catch (final InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        return etcd.name(1);
    }

    /** Where players log in. */
    HostPort login() {
        return new HostPort("127.0.0.1", ports.controlPlane());
    }

    /** Each node's count of saves that landed, from its metrics; a node that does not answer at once is left out. */
    SaveRate.Reading saves() {
        final Map<String, Double> counters = new HashMap<>();
        for (int node = 1; node <= nodes; node++) {
            try {
                counters.put(
                        "node-" + node,
                        Scrape.of("127.0.0.1:" + ports.nodeMetrics(node)).sum(SaveRate.SAVES));
            } catch (final IOException e) {
                // Down or paused: its saves are counted at the next reading it answers.
            } catch (final InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        return SaveRate.of(System.nanoTime(), counters);
    }

    /** The control plane's internal port, where nodes link and operators call. */
    int controlPlaneInternalPort() {
        return ports.controlPlaneInternal();
    }

    /** The realm CA players trust. */
    Path ca() {
        return LocalPki.ca(run);
    }

    AdminClient admin() {
        return new AdminClient(
                List.of(new HostPort("127.0.0.1", ports.controlPlaneInternal())), ADMIN_DEADLINE_MILLIS, operator);
    }

    /** The pid of the launcher's child {@code name} (node-1, cp-1, etcd or etcd-2, postgres) now. */
    long pid(final String name) {
        final OptionalLong pid = pids.read(name);
        if (pid.isEmpty()) {
            throw new IllegalStateException("no pid file for " + name + " in " + run.resolve("pids"));
        }
        return pid.getAsLong();
    }

    /** The id of the leading control-plane replica (a pid file's name). */
    String leader() {
        try (AdminClient admin = admin()) {
            return admin.listControlPlanes().getReplicasList().stream()
                    .filter(ControlPlaneReplica::getLeader)
                    .map(ControlPlaneReplica::getId)
                    .findFirst()
                    .orElseThrow(() -> new IllegalStateException("no control plane leads"));
        }
    }

    /** The nodes by the address their players connect to. */
    Map<InetSocketAddress, String> nodesByClientAddress() {
        final Map<InetSocketAddress, String> byAddress = new HashMap<>();
        try (AdminClient admin = admin()) {
            for (final NodeStatus node : admin.listNodes().getNodesList()) {
                byAddress.put(
                        new InetSocketAddress(
                                node.getNode().getClient().getHost(),
                                node.getNode().getClient().getPort()),
                        node.getNode().getNodeId());
            }
        }
        return byAddress;
    }

    /** The node running most players now. */
    String busiestNode() {
        try (AdminClient admin = admin()) {
            return admin.listNodes().getNodesList().stream()
                    .max(java.util.Comparator.comparingLong(n -> n.getLoad().getPlayers()))
                    .map(n -> n.getNode().getNodeId())
                    .orElseThrow(() -> new IllegalStateException("no node registered"));
        }
    }

    /**
     * Whether the cluster is whole: every node registered and ready, and every continent of every realm
     * confirmed running. An Admin call that fails is a no.
     */
    boolean whole() {
        try (AdminClient admin = admin()) {
            final List<NodeStatus> registered = admin.listNodes().getNodesList();
            if (registered.size() != nodes
                    || registered.stream().anyMatch(n -> n.getState() != NodeState.NODE_STATE_READY)) {
                return false;
            }
            final List<MapInstance> continents = admin.listMapInstances("").getInstancesList().stream()
                    .filter(i -> i.getOwner().isEmpty())
                    .toList();
            return !continents.isEmpty()
                    && continents.stream()
                            .allMatch(i -> i.getState() == InstanceState.INSTANCE_STATE_ACTIVE && !i.hasMove());
        } catch (final RuntimeException e) {
            return false;
        }
    }

    /** The realm main's database (the local cluster's PostgreSQL, over TLS), for the run's own checks. */
    Database database() {
        return Database.open(
                "chaos",
                "jdbc:postgresql://127.0.0.1:" + ports.postgres() + "/postgres",
                new DatabaseCredentials("postgres", "postgres"),
                ca(),
                1);
    }

    /** The resident memory of {@code name} in KiB, read from /proc; -1 when it cannot be read. */
    long residentKiB(final String name) {
        try {
            for (final String line : Files.readAllLines(Path.of("/proc", Long.toString(pid(name)), "status"))) {
                if (line.startsWith("VmRSS:")) {
                    return Long.parseLong(line.replaceAll("[^0-9]", ""));
                }
            }
        } catch (final IOException | RuntimeException e) {
            return -1;
        }
        return -1;
    }

    /** Every child the launcher runs, by its pid file's name. */
    List<String> children() {
        return pids.names("");
    }

    /**
     * {@code bin/local-cluster rollout restart nodes}, as an operator runs it beside the launcher: each node
     * drained, stopped, started again by the launcher, uncordoned; its lines go to {@code out}.
     */
    void restartNodes(final PrintStream out) throws InterruptedException, TimeoutException {
        try (AdminClient admin = admin()) {
            new RollingRestart(admin, pids, out, ROLLOUT_DRAIN, ROLLOUT_RESTART).restartNodes();
        }
    }

    /** SIGTERM to the launcher, which stops its children in order; waits for it (an interrupt does not cut it short). */
    @Override
    public void close() {
        final boolean interrupted = Thread.interrupted();
        try {
            launcher.terminate();
            launcher.waitForExit(Duration.ofMinutes(2));
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
