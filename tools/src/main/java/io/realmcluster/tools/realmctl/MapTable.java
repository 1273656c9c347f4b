package io.realmcluster.tools.realmctl;

import java.io.PrintStream;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import io.realmcluster.proto.v1.MapInstance;
import io.realmcluster.proto.v1.MapLoad;
import io.realmcluster.proto.v1.NodeStatus;

/** Prints map instances the way {@code realmctl get maps} shows them. */
public final class MapTable {
    private MapTable() {
    }

    public static void print(final List<MapInstance> instances, final PrintStream out) {
        print(instances, Map.of(), out);
    }

    /** With the players and tick p99 each instance's node last reported ({@code loads} by instance id). */
    public static void print(final List<MapInstance> instances, final Map<String, MapLoad> loads, final PrintStream out) {
        final Table table = new Table("INSTANCE", "MAP", "KIND", "REALM", "NODE", "EPOCH", "STATE", "PLAYERS", "TICK P99",
            "OWNER");
        for (final MapInstance instance : instances) {
            final MapLoad load = loads.get(instance.getInstanceId());
            table.row(instance.getInstanceId(), instance.getMapId(),
                instance.getKind().name().replace("MAP_KIND_", "").toLowerCase(Locale.ROOT),
                instance.getRealm(), instance.getNodeId(), instance.getEpoch(),
                instance.getState().name().replace("INSTANCE_STATE_", "").toLowerCase(Locale.ROOT),
                load == null ? "-" : load.getPlayers(),
                load == null ? "-" : String.format(Locale.ROOT, "%.2f ms", load.getTickP99Ms()),
                instance.getOwner());
        }
        table.print(out);
    }

    /** The load of every instance, from the nodes' last reports. */
    public static Map<String, MapLoad> loads(final List<NodeStatus> nodes) {
        final Map<String, MapLoad> loads = new HashMap<>();
        for (final NodeStatus node : nodes) {
            for (final MapLoad load : node.getLoad().getMapsList()) {
                loads.put(load.getInstanceId(), load);
            }
        }
        return loads;
    }
}
