package io.realmcluster.tools.realmctl;

import java.io.PrintStream;
import java.util.Locale;
import java.util.concurrent.Callable;

import io.realmcluster.proto.v1.ListMapInstancesResponse;
import io.realmcluster.proto.v1.ListNodesResponse;
import io.realmcluster.proto.v1.MapInstance;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

/** {@code realmctl get nodes|maps}. */
@Command(name = "get", mixinStandardHelpOptions = true, description = "List resources: nodes, maps.",
    subcommands = {GetCommand.Nodes.class, GetCommand.Maps.class})
final class GetCommand implements Runnable {
    @ParentCommand
    Realmctl root;

    @Option(names = {"-o", "--output"}, paramLabel = "FORMAT", defaultValue = "table",
        scope = picocli.CommandLine.ScopeType.INHERIT,
        description = "table, wide or json (default: ${DEFAULT-VALUE}).")
    Output output;

    @Override
    public void run() {
        throw new picocli.CommandLine.ParameterException(new picocli.CommandLine(this),
            "missing resource: nodes or maps");
    }

    AdminClient client() {
        return new AdminClient(root.targets(), root.timeoutMillis);
    }

    @Command(name = "nodes", aliases = "node", mixinStandardHelpOptions = true,
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

    @Command(name = "maps", aliases = {"map", "instances"}, mixinStandardHelpOptions = true,
        description = "Map instances and the nodes that run them.")
    static final class Maps implements Callable<Integer> {
        @ParentCommand
        GetCommand get;

        @Option(names = "--node", paramLabel = "NODE", description = "Only the instances of this node.")
        String node;

        @Override
        public Integer call() {
            final ListMapInstancesResponse response;
            try (AdminClient client = get.client()) {
                response = client.listMapInstances(node == null ? "" : node);
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
            final Table table = new Table("INSTANCE", "MAP", "KIND", "REALM", "NODE", "EPOCH", "STATE", "OWNER");
            for (final MapInstance instance : response.getInstancesList()) {
                table.row(instance.getInstanceId(), instance.getMapId(),
                    instance.getKind().name().replace("MAP_KIND_", "").toLowerCase(Locale.ROOT),
                    instance.getRealm(), instance.getNodeId(), instance.getEpoch(),
                    instance.getState().name().replace("INSTANCE_STATE_", "").toLowerCase(Locale.ROOT),
                    instance.getOwner());
            }
            table.print(out);
            return 0;
        }
    }
}
