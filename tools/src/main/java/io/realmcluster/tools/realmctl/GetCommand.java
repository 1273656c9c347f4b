package io.realmcluster.tools.realmctl;

import io.realmcluster.proto.v1.Battlegroup;
import io.realmcluster.proto.v1.Catalog;
import io.realmcluster.proto.v1.ControlPlaneReplica;
import io.realmcluster.proto.v1.ListBattlegroupsResponse;
import io.realmcluster.proto.v1.ListControlPlanesResponse;
import io.realmcluster.proto.v1.ListMapInstancesResponse;
import io.realmcluster.proto.v1.ListMatchesResponse;
import io.realmcluster.proto.v1.ListNodesResponse;
import io.realmcluster.proto.v1.ListQueuesResponse;
import io.realmcluster.proto.v1.MapDefinition;
import io.realmcluster.proto.v1.MapLoad;
import io.realmcluster.proto.v1.QueueSummary;
import java.io.PrintStream;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

/** {@code realmctl get nodes|maps}. */
@Command(
        name = "get",
        mixinStandardHelpOptions = true,
        description = "List resources: nodes, maps, catalog, controlplanes, battlegroups, queues, battlegrounds.",
        subcommands = {
            GetCommand.Nodes.class,
            GetCommand.Maps.class,
            GetCommand.CatalogCommand.class,
            GetCommand.ControlPlanes.class,
            GetCommand.Battlegroups.class,
            GetCommand.Queues.class,
            GetCommand.Matches.class
        })
final class GetCommand implements Runnable {
    @ParentCommand
    Realmctl root;

    @Option(
            names = {"-o", "--output"},
            paramLabel = "FORMAT",
            defaultValue = "table",
            scope = picocli.CommandLine.ScopeType.INHERIT,
            description = "table, wide or json (default: ${DEFAULT-VALUE}).")
    Output output;

    @Override
    public void run() {
        throw new picocli.CommandLine.ParameterException(
                new picocli.CommandLine(this),
                "missing resource: nodes, maps, catalog, controlplanes, battlegroups, queues or battlegrounds");
    }

    AdminClient client() {
        return root.admin();
    }

    @Command(
            name = "nodes",
            aliases = "node",
            mixinStandardHelpOptions = true,
            description = "The registered data-plane nodes.")
    static final class Nodes implements Callable<Integer> {
        @ParentCommand
        GetCommand get;

        @Override
        public Integer call() {
            final ListNodesResponse response;
            try (AdminClient client = get.client()) {
                response = client.listNodes();
            }
            final PrintStream out = System.out;
            if (get.output == Output.JSON) {
                out.println(Output.json(response));
            } else if (response.getNodesCount() == 0) {
                out.println("No nodes registered.");
            } else {
                NodeTable.print(response.getNodesList(), get.output == Output.WIDE, System.currentTimeMillis(), out);
            }
            return 0;
        }
    }

    @Command(
            name = "maps",
            aliases = {"map", "instances"},
            mixinStandardHelpOptions = true,
            description = "Map instances and the nodes that run them.")
    static final class Maps implements Callable<Integer> {
        @ParentCommand
        GetCommand get;

        @Option(names = "--node", paramLabel = "NODE", description = "Only the instances of this node.")
        String node;

        @Override
        public Integer call() {
            final ListMapInstancesResponse response;
            final Map<String, MapLoad> loads;
            try (AdminClient client = get.client()) {
                response = client.listMapInstances(node == null ? "" : node);
                loads = get.output == Output.JSON
                        ? Map.of()
                        : MapTable.loads(client.listNodes().getNodesList());
            }
            final PrintStream out = System.out;
            if (get.output == Output.JSON) {
                out.println(Output.json(response));
                return 0;
            }
            if (response.getInstancesCount() == 0) {
                out.println("No map instances.");
                return 0;
            }
            MapTable.print(response.getInstancesList(), loads, out);
            return 0;
        }
    }

    @Command(
            name = "battlegroups",
            aliases = "battlegroup",
            mixinStandardHelpOptions = true,
            description = "The battlegroups: realms whose players meet in battlegrounds.")
    static final class Battlegroups implements Callable<Integer> {
        @ParentCommand
        GetCommand get;

        @Override
        public Integer call() {
            final ListBattlegroupsResponse response;
            try (AdminClient client = get.client()) {
                response = client.listBattlegroups();
            }
            final PrintStream out = System.out;
            if (get.output == Output.JSON) {
                out.println(Output.json(response));
            } else if (response.getBattlegroupsCount() == 0) {
                out.println("No battlegroups.");
            } else {
                final Table table = new Table("BATTLEGROUP", "REALMS");
                for (final Battlegroup group : response.getBattlegroupsList()) {
                    table.row(group.getName(), String.join(",", group.getRealmsList()));
                }
                table.print(out);
            }
            return 0;
        }
    }

    @Command(
            name = "battlegrounds",
            aliases = {"battleground", "matches"},
            mixinStandardHelpOptions = true,
            description = "The battleground matches: instance, node, realms, team counts and state (ended ones are "
                    + "kept a while).")
    static final class Matches implements Callable<Integer> {
        @ParentCommand
        GetCommand get;

        @Override
        public Integer call() {
            final ListMatchesResponse response;
            try (AdminClient client = get.client()) {
                response = client.listMatches();
            }
            if (get.output == Output.JSON) {
                System.out.println(Output.json(response));
            } else {
                MatchTable.print(response.getMatchesList(), System.out);
            }
            return 0;
        }
    }

    @Command(
            name = "queues",
            aliases = "queue",
            mixinStandardHelpOptions = true,
            description = "The battleground queues: players waiting per faction and the longest wait, per battlegroup, "
                    + "battleground and bracket.")
    static final class Queues implements Callable<Integer> {
        @ParentCommand
        GetCommand get;

        @Override
        public Integer call() {
            final ListQueuesResponse response;
            try (AdminClient client = get.client()) {
                response = client.listQueues();
            }
            final PrintStream out = System.out;
            if (get.output == Output.JSON) {
                out.println(Output.json(response));
            } else if (response.getQueuesCount() == 0) {
                out.println("Nobody is queued.");
            } else {
                final long now = System.currentTimeMillis();
                final Table table = new Table(
                        "BATTLEGROUP", "BATTLEGROUND", "BRACKET", "ALLIANCE", "HORDE", "AWAY", "LONGEST WAIT");
                for (final QueueSummary queue : response.getQueuesList()) {
                    table.row(
                            queue.getBattlegroup(),
                            queue.getBattleground()
                                    .name()
                                    .replace("BATTLEGROUND_TYPE_", "")
                                    .replace('_', ' ')
                                    .toLowerCase(Locale.ROOT),
                            queue.getBracket(),
                            queue.getAllianceWaiting(),
                            queue.getHordeWaiting(),
                            queue.getAway(),
                            Math.max(0, (now - queue.getOldestJoinedAtUnixMs()) / 1000) + "s");
                }
                table.print(out);
            }
            return 0;
        }
    }

    @Command(
            name = "catalog",
            mixinStandardHelpOptions = true,
            description = "The maps of the game and the realms served.")
    static final class CatalogCommand implements Callable<Integer> {
        @ParentCommand
        GetCommand get;

        @Override
        public Integer call() {
            final Catalog catalog;
            try (AdminClient client = get.client()) {
                catalog = client.getCatalog();
            }
            final PrintStream out = System.out;
            if (get.output == Output.JSON) {
                out.println(Output.json(catalog));
                return 0;
            }
            out.println("Realms: " + String.join(", ", catalog.getRealmsList()));
            out.println();
            final Table table = new Table("MAP", "NAME", "KIND", "PLAYERS", "VISIBILITY", "TICK");
            for (final MapDefinition map : catalog.getMapsList()) {
                table.row(
                        map.getMapId(),
                        map.getName(),
                        map.getKind().name().replace("MAP_KIND_", "").toLowerCase(Locale.ROOT),
                        map.getMaxPlayers(),
                        (int) map.getVisibilityYards() + " yd",
                        map.getTickHz() + " Hz");
            }
            table.print(out);
            return 0;
        }
    }

    @Command(
            name = "controlplanes",
            aliases = "controlplane",
            mixinStandardHelpOptions = true,
            description = "The control-plane replicas and which one leads.")
    static final class ControlPlanes implements Callable<Integer> {
        @ParentCommand
        GetCommand get;

        @Override
        public Integer call() {
            final ListControlPlanesResponse response;
            try (AdminClient client = get.client()) {
                response = client.listControlPlanes();
            }
            final PrintStream out = System.out;
            if (get.output == Output.JSON) {
                out.println(Output.json(response));
                return 0;
            }
            final Table table = new Table("CONTROLPLANE", "ROLE", "INTERNAL", "PUBLIC", "VERSION", "AGE");
            final long now = System.currentTimeMillis();
            for (final ControlPlaneReplica replica : response.getReplicasList()) {
                table.row(
                        replica.getId(),
                        replica.getLeader() ? "leader" : "follower",
                        replica.getGrpc().getHost() + ":" + replica.getGrpc().getPort(),
                        replica.hasPublicGrpc()
                                ? replica.getPublicGrpc().getHost() + ":"
                                        + replica.getPublicGrpc().getPort()
                                : "-",
                        replica.getVersion(),
                        NodeTable.age(now - replica.getStartedAtUnixMs()));
            }
            table.print(out);
            return 0;
        }
    }
}
