package io.realmcluster.tools.chaos;

import io.realmcluster.tools.localcluster.LocalEtcd;
import java.io.PrintStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeoutException;

/**
 * Does a fault to the local cluster and undoes what needs undoing: a kill is the launcher's supervisor's to
 * repair (it restarts the process, as systemd would); a pause ends with SIGCONT after its hold.
 */
final class FaultInjector {
    /** What a fault was done to: the child's name, and the node whose players it took away (or null). */
    record Target(String name, String faultedNode) {}

    private final ChaosCluster cluster;
    private final Duration hold;
    private final Duration nodePause;
    /** Where a rolling restart says what it does. */
    private final PrintStream out;

    /**
     * @param hold      how long a pause of the control plane, PostgreSQL or etcd, or a node's partition, lasts
     * @param nodePause how long a node stands still: past its lease, so the control plane takes it for dead
     * @param out       where a rolling restart says what it does
     */
    FaultInjector(final ChaosCluster cluster, final Duration hold, final Duration nodePause, final PrintStream out) {
        this.cluster = cluster;
        this.out = out;
        this.hold = hold;
        this.nodePause = nodePause;
    }

    /** Why {@code fault} cannot run on this cluster or machine, or null when it can. */
    String unavailable(final Fault fault) {
        return unavailable(fault, cluster.etcd());
    }

    /** Why {@code fault} cannot run on a cluster whose etcd is {@code etcd}, or on this machine; null when it can. */
    static String unavailable(final Fault fault, final LocalEtcd etcd) {
        if (fault == Fault.ETCD_MEMBER_KILL && etcd.members() == 1) {
            return "etcd runs as a single member here, whose kill is etcd-kill; run with --etcd-members 3";
        }
        return fault == Fault.NODE_PARTITION ? Partition.unavailable() : null;
    }

    /** Do {@code fault}; returns once its hold is over (pauses) or at once (kills). */
    Target inject(final Fault fault) throws InterruptedException {
        return switch (fault) {
            case NODE_KILL -> {
                final String node = cluster.busiestNode();
                signal("KILL", node);
                yield new Target(node, node);
            }
            case LEADER_KILL -> {
                final String leader = cluster.leader();
                signal("KILL", leader);
                yield new Target(leader, null);
            }
            case CONTROLPLANE_PAUSE -> {
                final String leader = cluster.leader();
                pause(List.of(leader), hold);
                yield new Target(leader, null);
            }
            case NODE_PAUSE -> {
                final String node = cluster.busiestNode();
                pause(List.of(node), nodePause);
                yield new Target(node, node);
            }
            case POSTGRES_PAUSE -> {
                pause(List.of("postgres"), hold);
                yield new Target("postgres", null);
            }
            case ETCD_KILL -> {
                cluster.etcd().names().forEach(member -> signal("KILL", member));
                yield new Target("etcd", null);
            }
            case ETCD_PAUSE -> {
                pause(cluster.etcd().names(), hold);
                yield new Target("etcd", null);
            }
            case ETCD_MEMBER_KILL -> {
                final String leader = cluster.etcdLeader();
                signal("KILL", leader);
                yield new Target(leader, null);
            }
            case ROLLOUT_RESTART -> {
                try {
                    cluster.restartNodes(out);
                } catch (final TimeoutException e) {
                    throw new IllegalStateException("the rolling restart did not finish: " + e.getMessage(), e);
                }
                yield new Target("nodes", null);
            }
            case NODE_PARTITION -> {
                // Cut off for the hold: past its lease, so the control plane gives its maps away, and the node,
                // whose peers still hear the control plane, closes its own; its players log in again there.
                final String node = cluster.busiestNode();
                try (Partition cut = Partition.cut(
                        node, Signals.withDescendants(cluster.pid(node)), cluster.controlPlaneInternalPort())) {
                    Thread.sleep(hold.toMillis());
                }
                yield new Target(node, node);
            }
        };
    }

    private void signal(final String signal, final String name) {
        Signals.send(signal, cluster.pid(name));
    }

    /** SIGSTOP to each of {@code names} and every process it started, the hold, then SIGCONT to them all. */
    private void pause(final List<String> names, final Duration duration) throws InterruptedException {
        final List<Long> pids = new ArrayList<>();
        for (final String name : names) {
            pids.addAll(Signals.withDescendants(cluster.pid(name)));
        }
        for (final long pid : pids) {
            Signals.send("STOP", pid);
        }
        try {
            Thread.sleep(duration.toMillis());
        } finally {
            for (int i = pids.size() - 1; i >= 0; i--) {
                Signals.send("CONT", pids.get(i));
            }
        }
    }
}
