package io.realmcluster.tools.realmctl;

import io.realmcluster.common.cli.StartupException;
import io.realmcluster.proto.v1.InstanceState;
import io.realmcluster.proto.v1.MapInstance;
import io.realmcluster.proto.v1.NodeStatus;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Supplier;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/**
 * {@code realmctl move INSTANCE --to NODE}: move one map instance with its players (they see a
 * loading screen, not a disconnect), and follow it until it runs on the new node.
 */
@Command(
        name = "move",
        mixinStandardHelpOptions = true,
        description = "Move a map instance, with its players, to another node.")
final class MoveCommand implements Callable<Integer> {
    private static final long POLL_MILLIS = 250;

    @ParentCommand
    Realmctl root;

    @Parameters(paramLabel = "INSTANCE", description = "Map instance id, e.g. main.0 (see realmctl get maps).")
    String instanceId;

    @Option(names = "--to", required = true, paramLabel = "NODE", description = "The node it moves to.")
    String toNodeId;

    @Option(names = "--wait", paramLabel = "DURATION", defaultValue = "PT5M", description = WAIT_HELP)
    Duration wait;

    static final String WAIT_HELP = "How long to follow it before giving up on waiting (ISO-8601, default: "
            + "${DEFAULT-VALUE}; PT0S returns at once).";

    @Override
    public Integer call() {
        try (AdminClient client = root.admin()) {
            final MapInstance started = client.moveInstance(instanceId, toNodeId);
            System.out.printf("moving %s from %s to %s%n", instanceId, started.getNodeId(), toNodeId);
            final long begun = System.nanoTime();
            final MapInstance done = follow(wait, () -> {
                final MapInstance instance = find(client.listMapInstances("").getInstancesList(), instanceId);
                if (instance == null) {
                    throw new StartupException(
                            instanceId + " is gone (closed, or lost with its node) before it finished moving");
                }
                if (instance.getNodeId().equals(toNodeId) && !instance.hasMove()) {
                    return instance.getState() == InstanceState.INSTANCE_STATE_ACTIVE
                            ? new Step(instance, null)
                            : new Step(null, "confirming on " + toNodeId);
                }
                if (!instance.hasMove()) {
                    throw new StartupException(
                            "the move of " + instanceId + " was called off (the control plane's log says why); "
                                    + "it still runs on " + instance.getNodeId() + " with its players");
                }
                return new Step(
                        null,
                        MapTable.moving(instance) + ", " + players(client, instance.getNodeId(), instanceId)
                                + " players left on " + instance.getNodeId());
            });
            if (done == null) {
                System.out.printf("%s is still moving after %s; follow it with realmctl get maps%n", instanceId, wait);
                return wait.isZero() ? 0 : 1;
            }
            System.out.printf(
                    "%s runs on %s (epoch %d) after %.1f s%n",
                    instanceId, done.getNodeId(), done.getEpoch(), (System.nanoTime() - begun) / 1e9);
            return 0;
        }
    }

    /** One look at a move or a drain: its result once finished, or how far it got. */
    record Step(MapInstance result, String progress) {}

    /**
     * Look every {@value #POLL_MILLIS} ms until {@code look} has a result or {@code wait} ran out
     * (null); prints each new progress line.
     */
    static MapInstance follow(final Duration wait, final Supplier<Step> look) {
        final long deadline = System.nanoTime() + wait.toNanos();
        String last = null;
        while (true) {
            final Step step = look.get();
            if (step.result() != null) {
                return step.result();
            }
            if (!Objects.equals(step.progress(), last)) {
                System.out.printf("  %s%n", step.progress());
                last = step.progress();
            }
            if (System.nanoTime() - deadline >= 0) {
                return null;
            }
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(POLL_MILLIS));
        }
    }

    static MapInstance find(final List<MapInstance> instances, final String instanceId) {
        for (final MapInstance instance : instances) {
            if (instance.getInstanceId().equals(instanceId)) {
                return instance;
            }
        }
        return null;
    }

    /** Players {@code nodeId} last reported in {@code instanceId}. */
    static int players(final AdminClient client, final String nodeId, final String instanceId) {
        final NodeStatus node = client.getNode(nodeId);
        for (final var load : node.getLoad().getMapsList()) {
            if (load.getInstanceId().equals(instanceId)) {
                return load.getPlayers();
            }
        }
        return 0;
    }

    /**
     * {@code realmctl drain NODE}: move everything off a node, with its players, and follow it
     * until the node runs nothing; the node stays drained (takes nothing new) until uncordoned.
     */
    @Command(
            name = "drain",
            mixinStandardHelpOptions = true,
            description = "Move every map instance off a node, with its players, and keep new ones off it.")
    static final class Drain implements Callable<Integer> {
        @ParentCommand
        Realmctl root;

        @Parameters(paramLabel = "NODE", description = "Node id.")
        String nodeId;

        @Option(names = "--wait", paramLabel = "DURATION", defaultValue = "PT10M", description = WAIT_HELP)
        Duration wait;

        @Override
        public Integer call() {
            try (AdminClient client = root.admin()) {
                final NodeStatus node = client.drainNode(nodeId);
                System.out.printf(
                        "draining node/%s: %d map instances, %d players%n",
                        nodeId,
                        client.listMapInstances(nodeId).getInstancesCount(),
                        node.getLoad().getPlayers());
                final long begun = System.nanoTime();
                final MapInstance empty = MapInstance.getDefaultInstance();
                final MapInstance done = follow(wait, () -> {
                    final List<MapInstance> left =
                            client.listMapInstances(nodeId).getInstancesList();
                    if (left.isEmpty()) {
                        return new Step(empty, null);
                    }
                    final StringBuilder progress = new StringBuilder(String.format(
                            Locale.ROOT,
                            "%d map instances, %d players left",
                            left.size(),
                            client.getNode(nodeId).getLoad().getPlayers()));
                    for (final MapInstance instance : left) {
                        if (instance.hasMove()) {
                            progress.append("; ")
                                    .append(instance.getInstanceId())
                                    .append(" -> ")
                                    .append(MapTable.moving(instance));
                        }
                    }
                    return new Step(null, progress.toString());
                });
                if (done == null) {
                    System.out.printf(
                            "node/%s still runs %s after %s; follow it with realmctl get maps%n",
                            nodeId, client.listMapInstances(nodeId).getInstancesCount() + " map instances", wait);
                    return wait.isZero() ? 0 : 1;
                }
                System.out.printf(
                        "node/%s drained in %.1f s: it runs nothing and takes nothing new until "
                                + "realmctl uncordon %s%n",
                        nodeId, (System.nanoTime() - begun) / 1e9, nodeId);
                return 0;
            }
        }
    }
}
