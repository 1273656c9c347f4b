package io.realmcluster.tools.realmctl;

import io.realmcluster.proto.v1.MapInstance;
import io.realmcluster.proto.v1.MapLoad;
import io.realmcluster.proto.v1.NodeStatus;
import java.io.PrintStream;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** Prints map instances the way {@code realmctl get maps} shows them. */
public final class MapTable {
    private MapTable() {}

    public static void print(final List<MapInstance> instances, final PrintStream out) {
        print(instances, Map.of(), out);
    }

    /** With the players and tick p99 each instance's node last reported ({@code loads} by instance id). */
    public static void print(
            final List<MapInstance> instances, final Map<String, MapLoad> loads, final PrintStream out) {
        final Table table = new Table(
                "INSTANCE",
                "MAP",
                "KIND",
                "REALM",
                "NODE",
                "EPOCH",
                "STATE",
                "PLAYERS",
                "TICK P99",
                "OWNER",
                "MOVING TO");
        for (final MapInstance instance : instances) {
            final MapLoad load = loads.get(key(instance.getNodeId(), instance.getInstanceId()));
            table.row(
                    instance.getInstanceId(),
                    instance.getMapId(),
                    instance.getKind().name().replace("MAP_KIND_", "").toLowerCase(Locale.ROOT),
                    instance.getRealm(),
                    instance.getNodeId(),
                    instance.getEpoch(),
                    instance.getState().name().replace("INSTANCE_STATE_", "").toLowerCase(Locale.ROOT),
                    load == null ? "-" : load.getPlayers(),
                    load == null ? "-" : String.format(Locale.ROOT, "%.2f ms", load.getTickP99Ms()),
                    instance.getOwner(),
                    moving(instance));
        }
        table.print(out);
    }

    /** Where a moving instance goes and how far it got, e.g. "node-2 (handing over)"; empty when it stays. */
    public static String moving(final MapInstance instance) {
        if (instance.getMove().getToCells()) {
            return "its cells (splitting)";
        }
        if (!instance.getMove().getToInstanceId().isEmpty()) {
            return instance.getMove().getToInstanceId() + " on "
                    + instance.getMove().getToNodeId() + " (merging)";
        }
        return instance.hasMove()
                ? instance.getMove().getToNodeId() + " ("
                        + instance.getMove()
                                .getPhase()
                                .name()
                                .replace("MOVE_PHASE_", "")
                                .replace('_', ' ')
                                .toLowerCase(Locale.ROOT)
                        + ")"
                : "";
    }

    /**
     * The load of every instance, from the nodes' last reports, by node and instance: while an
     * instance moves, both its node and the target report it.
     */
    public static Map<String, MapLoad> loads(final List<NodeStatus> nodes) {
        final Map<String, MapLoad> loads = new HashMap<>();
        for (final NodeStatus node : nodes) {
            for (final MapLoad load : node.getLoad().getMapsList()) {
                loads.put(key(node.getNode().getNodeId(), load.getInstanceId()), load);
            }
        }
        return loads;
    }

    private static String key(final String nodeId, final String instanceId) {
        return nodeId + "/" + instanceId;
    }
}
