package io.realmcluster.tools;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.realmcluster.common.net.HostPort;
import io.realmcluster.common.tls.TlsFiles;
import io.realmcluster.processes.ScriptProcess;
import io.realmcluster.proto.v1.NodeState;
import io.realmcluster.proto.v1.NodeStatus;
import io.realmcluster.tools.realmctl.AdminClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;

/**
 * {@code bin/local-cluster} keeps its realm running, as a newcomer sees it: a rolling restart of the
 * nodes with bots online disconnects nobody and leaves every node uncordoned, {@code realmctl get nodes}
 * answers, and Ctrl-C then stops it all without restarting anything. {@code kill -9} of a node, the control
 * plane or etcd (through their pid files in {@code RUN/pids}), each restarted by the launcher: {@code ChaosIT}.
 */
class LocalClusterSupervisionIT {
    private static final Path HOME =
            Path.of(System.getProperty("realm.home", "..")).toAbsolutePath().normalize();
    private static final Duration UP_DEADLINE = Duration.ofSeconds(240);
    private static final Duration BACK_DEADLINE = Duration.ofSeconds(120);
    private static final Duration ROLLOUT_DEADLINE = Duration.ofSeconds(300);
    /** A realmctl JVM's start and call; three helpers' clusters on two cores once took over 60 s. */
    private static final Duration REALMCTL_DEADLINE = Duration.ofSeconds(120);

    @Test
    void realmCarriesOnThroughARollingRestartAndStopsOnCtrlC() throws Exception {
        final int offset = LocalClusterIT.freeOffset();
        final Path run = Files.createTempDirectory("local-cluster-supervision-it");
        final Path pki = run.resolve("pki");
        // In a session of its own, as a shell runs a command in the terminal's foreground: Ctrl-C goes to its group.
        // SIGINT as a terminal's foreground job has it, whatever this suite inherited: a suite started in the
        // background of a script ignores SIGINT, and so would the launcher (a JVM keeps an ignored SIGINT ignored).
        try (ScriptProcess cluster = ScriptProcess.startInOwnSession(
                "local-cluster",
                List.of(
                        "env",
                        "--default-signal=INT",
                        HOME.resolve("bin/local-cluster").toString(),
                        "--port-offset",
                        Integer.toString(offset),
                        "--run-dir",
                        run.toString(),
                        "--bots",
                        "20",
                        "--battleground-share",
                        "0",
                        "--dungeon-share",
                        "0"))) {
            cluster.awaitOutput("20 bots in the world", UP_DEADLINE);
            // The launcher made the operator certificate on its start.
            final AdminClient admin = new AdminClient(
                    List.of(HostPort.parse("127.0.0.1:" + (7401 + offset))),
                    5_000,
                    new TlsFiles(
                            pki.resolve("ca.crt"),
                            pki.resolve("operator-operator.crt"),
                            pki.resolve("operator-operator.key")));
            try {
                carryOn(cluster, admin, run, offset);
            } finally {
                admin.close();
            }
        } finally {
            LocalClusterIT.deleteQuietly(run);
        }
    }

    private static void carryOn(final ScriptProcess cluster, final AdminClient admin, final Path run, final int offset)
            throws Exception {
        final Path pids = run.resolve("pids");
        final Path pki = run.resolve("pki");
        assertThat(pids.resolve("node-1.pid")).exists();
        assertThat(pids).isDirectoryContaining("glob:**/etcd.pid").isDirectoryContaining("glob:**/postgres.pid");

        // A rolling restart with the bots playing: their maps move with them, nobody is disconnected.
        final ScriptProcess rollout = ScriptProcess.start(
                "rollout",
                List.of(
                        HOME.resolve("bin/local-cluster").toString(),
                        "--run-dir",
                        run.toString(),
                        "rollout",
                        "restart",
                        "nodes"));
        assertThat(rollout.waitForExit(ROLLOUT_DEADLINE)).as(rollout.output()).isZero();
        assertThat(rollout.output())
                .contains("node-1: registered again and uncordoned", "node-2: registered again and uncordoned")
                .contains("every node ready (uncordoned)");
        assertThat(cluster.output())
                .contains("node-1 exited with code 143 (killed by SIGTERM) for a rollout restart")
                .doesNotContain("disconnected:");
        // Asked again if this busy machine's control plane answers late.
        eventually("both nodes listed ready", BACK_DEADLINE, () -> {
            final List<NodeStatus> nodes = admin.listNodes().getNodesList();
            return nodes.size() == 2 && nodes.stream().allMatch(n -> n.getState() == NodeState.NODE_STATE_READY);
        });

        // kill -9 of a node, the control plane and etcd, each restarted by the same supervisor, which says so:
        // ChaosIT's node-kill, leader-kill and etcd-kill, through the same pid files.
        eventually(
                "realmctl get nodes lists both nodes",
                BACK_DEADLINE.plus(REALMCTL_DEADLINE),
                () -> realmctlListsBothNodes(offset, pki));

        // Ctrl-C in its terminal (a service manager's SIGTERM: LocalClusterIT) stops it all, nothing restarted.
        cluster.interruptGroup();
        assertThat(cluster.waitForExit(Duration.ofSeconds(90))).isEqualTo(130);
        assertThat(cluster.output())
                .contains("local-cluster: stopped")
                .as("nothing restarted while stopping")
                .doesNotContainPattern("stopping;[\\s\\S]*started again");
        assertThat(pids).isEmptyDirectory();
    }

    /** One {@code realmctl get nodes}; a JVM that starts slowly on a loaded machine counts as not yet. */
    private static boolean realmctlListsBothNodes(final int offset, final Path pki) {
        try (ScriptProcess realmctl = ScriptProcess.builder(
                        "realmctl",
                        List.of(
                                HOME.resolve("bin/realmctl").toString(),
                                "--controlplane",
                                "127.0.0.1:" + (7401 + offset),
                                "get",
                                "nodes"))
                .environment(Map.of(
                        "REALM_TLS_CA",
                        pki.resolve("ca.crt").toString(),
                        "REALM_TLS_CERT",
                        pki.resolve("operator-operator.crt").toString(),
                        "REALM_TLS_KEY",
                        pki.resolve("operator-operator.key").toString()))
                .start()) {
            return realmctl.waitForExit(REALMCTL_DEADLINE) == 0
                    && realmctl.output().contains("node-1")
                    && realmctl.output().contains("node-2");
        }
    }

    /** Wait for {@code condition}, asked again every 250 ms; a call that throws counts as not yet. */
    private static void eventually(final String what, final Duration deadline, final BooleanSupplier condition) {
        await(what)
                .atMost(deadline)
                .pollInterval(Duration.ofMillis(250))
                .ignoreExceptions()
                .until(condition::getAsBoolean);
    }
}
