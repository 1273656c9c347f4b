package io.realmcluster.tools.localcluster;

import io.realmcluster.common.cli.CommandLines;
import io.realmcluster.tools.realmctl.AdminClient;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/** {@code bin/local-cluster --run-dir RUN rollout restart [nodes|controlplanes|all]}, beside a running launcher. */
@Command(
        name = "rollout",
        mixinStandardHelpOptions = true,
        description = "Act on the processes of the local cluster that runs in --run-dir.",
        subcommands = RolloutCommand.Restart.class)
final class RolloutCommand implements Callable<Integer> {
    @ParentCommand
    LocalCluster launcher;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        spec.commandLine().usage(System.err);
        return CommandLines.EXIT_USAGE;
    }

    /** What a rolling restart covers. */
    enum Target {
        NODES,
        CONTROLPLANES,
        ALL
    }

    /** One node at a time: drain, stop, start, uncordon; then each control plane: stop, start. */
    @Command(
            name = "restart",
            mixinStandardHelpOptions = true,
            description = {
                "Restart the nodes one at a time (drain, stop, start, uncordon: their players move with their maps "
                        + "and stay connected), then the control planes one at a time.",
                "The launcher running in --run-dir starts each stopped process again at once."
            })
    static final class Restart implements Callable<Integer> {
        @ParentCommand
        RolloutCommand rollout;

        @Parameters(
                paramLabel = "TARGET",
                defaultValue = "all",
                description = "nodes, controlplanes or all (default: ${DEFAULT-VALUE}).")
        Target target;

        @Option(
                names = "--drain-deadline",
                paramLabel = "SECONDS",
                defaultValue = "300",
                description = "How long a node may take to hand its maps over (default: ${DEFAULT-VALUE}).")
        long drainSeconds;

        @Option(
                names = "--restart-deadline",
                paramLabel = "SECONDS",
                defaultValue = "180",
                description = "How long a process may take to exit and to be back (default: ${DEFAULT-VALUE}).")
        long restartSeconds;

        @Override
        public Integer call() throws Exception {
            if (drainSeconds <= 0 || restartSeconds <= 0) {
                throw new IllegalArgumentException("--drain-deadline and --restart-deadline must be positive, got "
                        + drainSeconds + " and " + restartSeconds);
            }
            final LocalCluster launcher = rollout.launcher;
            final Path run =
                    (launcher.runDir != null ? launcher.runDir : launcher.home.resolve("run")).toAbsolutePath();
            final ClusterFile cluster = ClusterFile.read(run);
            try (AdminClient admin = new AdminClient(List.of(cluster.controlPlane()), 5_000, LocalPki.operator(run))) {
                final RollingRestart restart = new RollingRestart(
                        admin,
                        new PidFiles(run),
                        System.out,
                        Duration.ofSeconds(drainSeconds),
                        Duration.ofSeconds(restartSeconds));
                if (target != Target.CONTROLPLANES) {
                    restart.restartNodes();
                }
                if (target != Target.NODES) {
                    restart.restartControlPlanes(cluster.nodes());
                }
            }
            System.out.println("rollout: done");
            return 0;
        }
    }
}
