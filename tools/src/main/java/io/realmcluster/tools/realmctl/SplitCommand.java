package io.realmcluster.tools.realmctl;

import io.realmcluster.common.cli.StartupException;
import io.realmcluster.proto.v1.MapInstance;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/**
 * {@code realmctl split CONTINENT --cells N} and {@code realmctl merge CONTINENT}: run a continent as cells on
 * several nodes, or whole again, and follow it until the new layout runs with every player in it (the players
 * see a loading screen, not a disconnect).
 */
@Command(
        name = "split",
        mixinStandardHelpOptions = true,
        description = "Run a continent as several cells, each on its own node, with its players.")
final class SplitCommand implements Callable<Integer> {
    @ParentCommand
    Realmctl root;

    @Parameters(paramLabel = "CONTINENT", description = "The continent, e.g. main.0 (see realmctl get maps).")
    String continent;

    @Option(names = "--cells", required = true, paramLabel = "N", description = "Cells, 2 to 8.")
    int cells;

    @Option(names = "--wait", paramLabel = "DURATION", defaultValue = "PT5M", description = MoveCommand.WAIT_HELP)
    Duration wait;

    @Override
    public Integer call() {
        return relayout(root, continent, cells, wait);
    }

    /** Ask for {@code cells} cells and follow the continent until it runs as asked; the exit code. */
    static int relayout(final Realmctl root, final String continent, final int cells, final Duration wait) {
        try (AdminClient client = root.admin()) {
            client.setCellLayout(continent, cells);
            System.out.printf(
                    cells == 1 ? "merging %s into one instance%n" : "splitting %s into %d cells%n", continent, cells);
            final long begun = System.nanoTime();
            final MapInstance done = MoveCommand.follow(wait, () -> {
                final List<MapInstance> instances = client.listMapInstances("").getInstancesList();
                final List<MapInstance> parts = instances.stream()
                        .filter(i -> i.getInstanceId().equals(continent)
                                || i.getInstanceId().startsWith(continent + ".c"))
                        .toList();
                final boolean settled = cells == 1
                        ? parts.size() == 1 && parts.get(0).getInstanceId().equals(continent)
                        : parts.size() == cells && parts.stream().allMatch(MapInstance::hasCell);
                if (settled
                        && parts.stream()
                                .allMatch(i ->
                                        i.getState() == io.realmcluster.proto.v1.InstanceState.INSTANCE_STATE_ACTIVE
                                                && !i.hasMove())) {
                    return new MoveCommand.Step(parts.get(0), null);
                }
                if (parts.isEmpty()) {
                    throw new StartupException(continent + " runs nowhere (no continent node?); see realmctl get"
                            + " maps and the control plane's log");
                }
                return new MoveCommand.Step(
                        null,
                        parts.stream()
                                .map(i -> i.getInstanceId() + " on " + i.getNodeId() + " "
                                        + (i.hasMove()
                                                ? MapTable.moving(i)
                                                : i.getState()
                                                        .name()
                                                        .replace("INSTANCE_STATE_", "")
                                                        .toLowerCase(java.util.Locale.ROOT)))
                                .toList()
                                .toString());
            });
            if (done == null) {
                System.out.printf(
                        "%s is still changing its layout after %s; follow it with realmctl get maps%n",
                        continent, wait);
                return wait.isZero() ? 0 : 1;
            }
            System.out.printf(
                    "%s runs as %s after %.1f s%n",
                    continent, cells == 1 ? "one instance" : cells + " cells", (System.nanoTime() - begun) / 1e9);
            return 0;
        }
    }

    /** {@code realmctl merge CONTINENT}: run a split continent whole again. */
    @Command(
            name = "merge",
            mixinStandardHelpOptions = true,
            description = "Run a split continent as one instance again, with its players.")
    static final class Merge implements Callable<Integer> {
        @ParentCommand
        Realmctl root;

        @Parameters(paramLabel = "CONTINENT", description = "The continent, e.g. main.0.")
        String continent;

        @Option(names = "--wait", paramLabel = "DURATION", defaultValue = "PT5M", description = MoveCommand.WAIT_HELP)
        Duration wait;

        @Override
        public Integer call() {
            return relayout(root, continent, 1, wait);
        }
    }
}
