package io.realmcluster.tools.localcluster;

import io.realmcluster.common.cli.StartupException;
import io.realmcluster.proto.v1.NodeState;
import io.realmcluster.tools.realmctl.AdminClient;
import java.io.PrintStream;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.OptionalLong;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;

/**
 * Restarts the local cluster's nodes and control planes one at a time, beside the launcher that
 * supervises them: a node is drained (its maps move with their players, nobody is disconnected),
 * marked for a wanted restart in {@code RUN/pids}, sent SIGTERM, awaited until it registers again,
 * and uncordoned; a control plane is sent SIGTERM and awaited until it answers with every node.
 */
public final class RollingRestart {
    private static final long POLL_MILLIS = 250;

    private final AdminClient admin;
    private final PidFiles pids;
    private final PrintStream out;
    private final Duration drainDeadline;
    private final Duration restartDeadline;

    public RollingRestart(
            final AdminClient admin,
            final PidFiles pids,
            final PrintStream out,
            final Duration drainDeadline,
            final Duration restartDeadline) {
        this.admin = admin;
        this.pids = pids;
        this.out = out;
        this.drainDeadline = drainDeadline;
        this.restartDeadline = restartDeadline;
    }

    /** Every node with a pid file, in name order. */
    public void restartNodes() throws InterruptedException, TimeoutException {
        final List<String> nodes = pids.names("node-");
        if (nodes.isEmpty()) {
            throw new IllegalStateException(
                    "no node has a pid file in " + pids.directory() + "; is the launcher running?");
        }
        for (final String node : nodes) {
            restartNode(node);
        }
        final List<String> cordoned = call("list the nodes", admin::listNodes).getNodesList().stream()
                .filter(n -> n.getState() != NodeState.NODE_STATE_READY)
                .map(n -> n.getNode().getNodeId() + " " + n.getState())
                .toList();
        out.println("rollout: " + nodes.size() + " nodes restarted"
                + (cordoned.isEmpty() ? "; every node ready (uncordoned)" : "; not ready: " + cordoned));
    }

    /** Every control plane with a pid file, in name order; nodes keep their maps and players meanwhile. */
    void restartControlPlanes(final int expectedNodes) throws InterruptedException, TimeoutException {
        final List<String> controlPlanes = pids.names("cp-");
        if (controlPlanes.isEmpty()) {
            throw new IllegalStateException(
                    "no control plane has a pid file in " + pids.directory() + "; is the launcher running?");
        }
        for (final String controlPlane : controlPlanes) {
            final long started = System.currentTimeMillis();
            out.println("rollout: " + controlPlane + ": stopping it (SIGTERM); the launcher starts it again");
            stop(controlPlane);
            await(controlPlane + " answering with all " + expectedNodes + " nodes registered", restartDeadline, () -> {
                try {
                    return admin.listNodes().getNodesCount() >= expectedNodes;
                } catch (final StartupException notYet) {
                    return false;
                }
            });
            out.println("rollout: " + controlPlane + ": back, " + expectedNodes + " nodes registered, in "
                    + seconds(System.currentTimeMillis() - started));
        }
    }

    private void restartNode(final String node) throws InterruptedException, TimeoutException {
        final long started = System.currentTimeMillis();
        out.println("rollout: " + node + ": draining (its maps move to the other nodes with their players)");
        call("drain " + node, () -> admin.drainNode(node));
        await(node + " without map instances", drainDeadline, () -> {
            try {
                return admin.listMapInstances(node).getInstancesCount() == 0;
            } catch (final StartupException notYet) {
                return false;
            }
        });
        out.println("rollout: " + node + ": drained in " + seconds(System.currentTimeMillis() - started)
                + "; stopping it (SIGTERM); the launcher starts it again");
        final long stopped = System.currentTimeMillis();
        stop(node);
        await(node + " registered again", restartDeadline, () -> {
            try {
                return admin.listNodes().getNodesList().stream()
                        .anyMatch(n -> n.getNode().getNodeId().equals(node) && n.getRegisteredAtUnixMs() >= stopped);
            } catch (final StartupException notYet) {
                return false;
            }
        });
        call("uncordon " + node, () -> admin.setSchedulable(node, true));
        out.println("rollout: " + node + ": registered again and uncordoned, in "
                + seconds(System.currentTimeMillis() - started));
    }

    /** Mark the exit as wanted, SIGTERM the process of the pid file, and wait until it has exited. */
    private void stop(final String name) throws InterruptedException, TimeoutException {
        final OptionalLong pid = pids.read(name);
        final ProcessHandle process =
                pid.isEmpty() ? null : ProcessHandle.of(pid.getAsLong()).orElse(null);
        if (process == null || !process.isAlive()) {
            throw new IllegalStateException(name + " does not run (pid file " + pid + " in " + pids.directory()
                    + "); is the launcher running?");
        }
        pids.requestRestart(name);
        process.destroy();
        // Polled, not onExit(): the process is the launcher's child, not this one's, and a wait on another's child
        // was seen never to end in a JVM that had waited on other processes (the node had long exited).
        if (!exited(process, restartDeadline)) {
            // The node had its grace; the launcher would do the same at its stop.
            out.println("rollout: " + name + " still runs " + seconds(restartDeadline.toMillis())
                    + " after SIGTERM; SIGKILL");
            process.destroyForcibly();
            if (!exited(process, Duration.ofSeconds(10))) {
                throw new TimeoutException(name + " (pid " + process.pid() + ") still runs 10 s after SIGKILL");
            }
        }
    }

    /** Whether {@code process} is gone within {@code deadline} (its pid gone, or another process's now). */
    private static boolean exited(final ProcessHandle process, final Duration deadline) throws InterruptedException {
        final long until = System.nanoTime() + deadline.toNanos();
        while (process.isAlive()) {
            if (System.nanoTime() - until > 0) {
                return false;
            }
            Thread.sleep(POLL_MILLIS);
        }
        return true;
    }

    /** An Admin API call, asked again while the control plane does not answer, until the restart deadline. */
    private <T> T call(final String what, final Supplier<T> call) throws InterruptedException, TimeoutException {
        final long deadline = System.currentTimeMillis() + restartDeadline.toMillis();
        while (true) {
            try {
                return call.get();
            } catch (final StartupException e) {
                if (System.currentTimeMillis() > deadline) {
                    throw new TimeoutException("cannot " + what + " within " + seconds(restartDeadline.toMillis())
                            + ": " + e.getMessage());
                }
            }
            Thread.sleep(POLL_MILLIS);
        }
    }

    private static void await(final String what, final Duration deadline, final Check check)
            throws InterruptedException, TimeoutException {
        final long end = System.currentTimeMillis() + deadline.toMillis();
        while (!check.done()) {
            if (System.currentTimeMillis() > end) {
                throw new TimeoutException("no " + what + " within " + seconds(deadline.toMillis()));
            }
            Thread.sleep(POLL_MILLIS);
        }
    }

    @FunctionalInterface
    private interface Check {
        boolean done();
    }

    private static String seconds(final long millis) {
        return String.format(Locale.ROOT, "%.1f s", millis / 1000.0);
    }
}
