package io.realmcluster.tools.realmctl;

import io.realmcluster.proto.v1.NodeStatus;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/** {@code realmctl cordon NODE}: the node runs what it has and takes nothing new. */
@Command(name = "cordon", mixinStandardHelpOptions = true, description = "Stop new placements on a node.")
final class CordonCommand implements Callable<Integer> {
    @ParentCommand
    Realmctl root;

    @Parameters(paramLabel = "NODE", description = "Node id.")
    String nodeId;

    @Override
    public Integer call() {
        return setSchedulable(root, nodeId, false);
    }

    static int setSchedulable(final Realmctl root, final String nodeId, final boolean schedulable) {
        final NodeStatus node;
        try (AdminClient client = root.admin()) {
            node = client.setSchedulable(nodeId, schedulable);
        }
        System.out.println("node/" + node.getNode().getNodeId() + (schedulable ? " uncordoned" : " cordoned"));
        return 0;
    }

    /** {@code realmctl uncordon NODE}. */
    @Command(name = "uncordon", mixinStandardHelpOptions = true, description = "Allow new placements on a node again.")
    static final class Uncordon implements Callable<Integer> {
        @ParentCommand
        Realmctl root;

        @Parameters(paramLabel = "NODE", description = "Node id.")
        String nodeId;

        @Override
        public Integer call() {
            return setSchedulable(root, nodeId, true);
        }
    }
}
