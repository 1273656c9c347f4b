package io.realmcluster.tools.realmctl;

import io.realmcluster.proto.v1.BattlegroundMatch;
import io.realmcluster.proto.v1.MapInstance;
import io.realmcluster.proto.v1.MapLoad;
import io.realmcluster.proto.v1.NodeStatus;
import java.io.PrintStream;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/** {@code realmctl describe node ID}. */
@Command(
        name = "describe",
        mixinStandardHelpOptions = true,
        description = "Show one resource in detail.",
        subcommands = {DescribeCommand.Node.class, DescribeCommand.Match.class})
final class DescribeCommand implements Runnable {
    @ParentCommand
    Realmctl root;

    @Override
    public void run() {
        throw new picocli.CommandLine.ParameterException(
                new picocli.CommandLine(this), "missing resource: node or battleground");
    }

    @Command(
            name = "battleground",
            aliases = "match",
            mixinStandardHelpOptions = true,
            description = "One battleground match: every seat with its player (Name-Realm), team, state and deadline.")
    static final class Match implements Callable<Integer> {
        @ParentCommand
        DescribeCommand describe;

        @Parameters(paramLabel = "MATCH", description = "Match id, as `realmctl get battlegrounds` shows it.")
        String matchId;

        @picocli.CommandLine.Option(
                names = {"-o", "--output"},
                paramLabel = "FORMAT",
                defaultValue = "table",
                description = "table or json (default: ${DEFAULT-VALUE}).")
        Output output;

        @Override
        public Integer call() {
            final BattlegroundMatch match;
            try (AdminClient client = describe.root.admin()) {
                match = client.getMatch(matchId);
            }
            if (output == Output.JSON) {
                System.out.println(Output.json(match));
            } else {
                MatchTable.describe(match, System.out);
            }
            return 0;
        }
    }

    @Command(name = "node", mixinStandardHelpOptions = true, description = "One node: addresses, load, maps.")
    static final class Node implements Callable<Integer> {
        @ParentCommand
        DescribeCommand describe;

        @Parameters(paramLabel = "NODE", description = "Node id.")
        String nodeId;

        @picocli.CommandLine.Option(
                names = {"-o", "--output"},
                paramLabel = "FORMAT",
                defaultValue = "table",
                description = "table or json (default: ${DEFAULT-VALUE}).")
        Output output;

        @Override
        public Integer call() {
            final NodeStatus node;
            final List<MapInstance> maps;
            try (AdminClient client = describe.root.admin()) {
                node = client.getNode(nodeId);
                maps = client.listMapInstances(nodeId).getInstancesList();
            }
            final PrintStream out = System.out;
            if (output == Output.JSON) {
                out.println(Output.json(node));
                return 0;
            }
            final long now = System.currentTimeMillis();
            out.printf("Name:            %s%n", node.getNode().getNodeId());
            out.printf("State:           %s%n", NodeTable.state(node));
            out.printf("gRPC:            %s%n", NodeTable.address(node.getNode().getGrpc()));
            out.printf(
                    "Game clients:    %s (tcp+udp)%n",
                    NodeTable.address(node.getNode().getClient()));
            out.printf("Pools:           %s%n", String.join(",", node.getNode().getPoolsList()));
            out.printf("Capacity:        %d players%n", node.getNode().getCapacityPlayers());
            out.printf("Version:         %s%n", node.getNode().getVersion());
            out.printf(
                    "Started:         %s (%s ago)%n",
                    Instant.ofEpochMilli(node.getNode().getStartedAtUnixMs()),
                    NodeTable.age(now - node.getNode().getStartedAtUnixMs()));
            out.printf("Control plane:   %s%n", node.getControlplaneId());
            out.printf("Lease:           %x%n", node.getLeaseId());
            // The entry is rewritten when the load changes and every few seconds otherwise.
            out.printf("Status written:  %s ago%n", NodeTable.age(now - node.getLastHeartbeatUnixMs()));
            out.printf("Players:         %d%n", node.getLoad().getPlayers());
            out.printf("Map instances:   %d%n", maps.size());
            for (final MapInstance map : maps) {
                final MapLoad load = node.getLoad().getMapsList().stream()
                        .filter(m -> m.getInstanceId().equals(map.getInstanceId()))
                        .findFirst()
                        .orElse(MapLoad.getDefaultInstance());
                out.printf(
                        "  %-24s map %-4d epoch %-8d players %-5d tick p99 %.2f ms%n",
                        map.getInstanceId(), map.getMapId(), map.getEpoch(), load.getPlayers(), load.getTickP99Ms());
            }
            return 0;
        }
    }
}
