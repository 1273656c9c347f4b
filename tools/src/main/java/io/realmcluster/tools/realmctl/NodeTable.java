package io.realmcluster.tools.realmctl;

import io.realmcluster.proto.v1.Endpoint;
import io.realmcluster.proto.v1.NodeStatus;
import java.io.PrintStream;
import java.util.List;
import java.util.Locale;

/** Prints nodes the way {@code realmctl get nodes} shows them. */
public final class NodeTable {
    private NodeTable() {}

    public static void print(
            final List<NodeStatus> nodes, final boolean wide, final long nowMillis, final PrintStream out) {
        final Table table = wide
                ? new Table(
                        "NODE",
                        "STATE",
                        "GRPC",
                        "CLIENTS",
                        "POOLS",
                        "PLAYERS",
                        "MAPS",
                        "CAPACITY",
                        "CONTROLPLANE",
                        "VERSION",
                        "AGE")
                : new Table("NODE", "STATE", "GRPC", "CLIENTS", "POOLS", "PLAYERS", "MAPS", "AGE");
        for (final NodeStatus node : nodes) {
            final String state = state(node);
            final String age = age(nowMillis - node.getNode().getStartedAtUnixMs());
            if (wide) {
                table.row(
                        node.getNode().getNodeId(),
                        state,
                        address(node.getNode().getGrpc()),
                        address(node.getNode().getClient()),
                        String.join(",", node.getNode().getPoolsList()),
                        node.getLoad().getPlayers(),
                        node.getLoad().getMapInstances(),
                        node.getNode().getCapacityPlayers(),
                        node.getControlplaneId(),
                        node.getNode().getVersion(),
                        age);
            } else {
                table.row(
                        node.getNode().getNodeId(),
                        state,
                        address(node.getNode().getGrpc()),
                        address(node.getNode().getClient()),
                        String.join(",", node.getNode().getPoolsList()),
                        node.getLoad().getPlayers(),
                        node.getLoad().getMapInstances(),
                        age);
            }
        }
        table.print(out);
    }

    static String state(final NodeStatus node) {
        final String name = node.getState().name().replace("NODE_STATE_", "");
        return name.charAt(0) + name.substring(1).toLowerCase(Locale.ROOT);
    }

    static String address(final Endpoint endpoint) {
        return endpoint.getHost() + ":" + endpoint.getPort();
    }

    /** Age in kubectl's style: 45s, 12m, 3h, 2d. */
    public static String age(final long millis) {
        final long seconds = Math.max(0, millis / 1000);
        if (seconds < 120) {
            return seconds + "s";
        }
        if (seconds < 7200) {
            return seconds / 60 + "m";
        }
        if (seconds < 172_800) {
            return seconds / 3600 + "h";
        }
        return seconds / 86_400 + "d";
    }
}
