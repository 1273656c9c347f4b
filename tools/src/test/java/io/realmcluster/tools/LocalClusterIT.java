package io.realmcluster.tools;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.realmcluster.common.cli.StartupException;
import io.realmcluster.common.tls.TlsFiles;
import io.realmcluster.controlplane.etcd.EtcdStore;
import io.realmcluster.processes.ScriptProcess;
import io.realmcluster.tools.localcluster.LocalPorts;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The README's first command, run as a newcomer runs it: {@code bin/local-cluster} brings up etcd,
 * PostgreSQL, a control plane and two nodes, {@code bin/realmctl} sees them, and Ctrl-C stops it all in
 * order, restarting nothing: the bots log out before their nodes go, etcd outlives the control plane. A
 * rolling restart and {@code kill -9} of each process under bots: {@code ChaosIT}.
 */
class LocalClusterIT {
    private static final Path HOME =
            Path.of(System.getProperty("realm.home", "..")).toAbsolutePath().normalize();
    private static final Duration UP_DEADLINE = Duration.ofSeconds(240);
    /** Bots queue within 15 s of entering the world; invites go out on the leader's next pass. */
    private static final Duration MATCH_DEADLINE = Duration.ofSeconds(180);

    @Test
    void localClusterShowsTwoNodesAndStopsEverythingInOrder() throws Exception {
        final int offset = freeOffset();
        final Path runDir = Files.createTempDirectory("local-cluster-it");
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
                        runDir.toString(),
                        "--bots",
                        "20"))) {
            cluster.awaitOutput("realm cluster is up", UP_DEADLINE);
            assertThat(cluster.output()).contains("node-1", "node-2");
            cluster.awaitOutput("20 bots in the world", UP_DEADLINE);
            cluster.awaitOutput("players per realm", UP_DEADLINE);
            assertThat(cluster.output())
                    .as("both realms' continents placed, the battlegroup set, bots of both realms in the world")
                    .contains("main.0", "second.0", "second.1", "battlegroup vanilla")
                    .containsPattern("players per realm: main [1-9][0-9]*, second [1-9][0-9]*");
            // Level 60 bots, half of them queueing: 4 Alliance and 4 Horde, from both realms, fill Warsong Gulch's
            // minimum.
            cluster.awaitOutput("popped: Warsong Gulch 60", MATCH_DEADLINE);
            assertThat(cluster.output())
                    .as("a match of bots of both realms popped")
                    .containsPattern(
                            "match \\S+ popped: Warsong Gulch 60, players main [1-9][0-9]*, second [1-9][0-9]*");
            final List<ProcessHandle> started = cluster.descendants();
            assertThat(started).hasSizeGreaterThanOrEqualTo(5);

            // The operator certificate the cluster made, as bin/realmctl finds it under the default run directory.
            final Path pki = runDir.resolve("pki");
            final ScriptProcess realmctl = ScriptProcess.builder(
                            "realmctl",
                            List.of(
                                    HOME.resolve("bin/realmctl").toString(),
                                    "--controlplane",
                                    "127.0.0.1:" + (7401 + offset),
                                    "get",
                                    "nodes",
                                    "-o",
                                    "json"))
                    .environment(Map.of(
                            "REALM_TLS_CA",
                            pki.resolve("ca.crt").toString(),
                            "REALM_TLS_CERT",
                            pki.resolve("operator-operator.crt").toString(),
                            "REALM_TLS_KEY",
                            pki.resolve("operator-operator.key").toString()))
                    .start();
            assertThat(realmctl.waitForExit(Duration.ofSeconds(60))).isZero();
            assertThat(realmctl.output()).contains("\"node_id\": \"node-1\"", "\"node_id\": \"node-2\"");

            // etcd has a CA of its own: the control plane's etcd certificate opens it, a node's certificate does not.
            final List<URI> etcd = List.of(URI.create("https://127.0.0.1:" + (2479 + offset)));
            final Path etcdCa = pki.resolve("etcd").resolve("ca.crt");
            try (EtcdStore allowed = EtcdStore.connect(
                    etcd,
                    new TlsFiles(
                            etcdCa,
                            pki.resolve("etcd").resolve("controlplane-cp-1.crt"),
                            pki.resolve("etcd").resolve("controlplane-cp-1.key")),
                    Duration.ofSeconds(10),
                    new PrometheusRegistry())) {
                assertThat(allowed.describeEndpoints()).contains(Integer.toString(2479 + offset));
            }
            assertThatThrownBy(() -> EtcdStore.connect(
                                    etcd,
                                    new TlsFiles(
                                            etcdCa, pki.resolve("node-node-1.crt"), pki.resolve("node-node-1.key")),
                                    Duration.ofSeconds(5),
                                    new PrometheusRegistry())
                            .close())
                    .isInstanceOf(StartupException.class);

            final Path pids = runDir.resolve("pids");
            assertThat(pids)
                    .isDirectoryContaining("glob:**/node-1.pid")
                    .isDirectoryContaining("glob:**/etcd.pid")
                    .isDirectoryContaining("glob:**/postgres.pid");

            // Ctrl-C in its terminal (a service manager's SIGTERM, the same shutdown: ChaosIT's end).
            cluster.interruptGroup();
            assertThat(cluster.waitForExit(Duration.ofSeconds(90)))
                    .as("exit status after Ctrl-C")
                    .isEqualTo(130);
            assertThat(pids).as("every pid file removed").isEmptyDirectory();
            assertThat(cluster.output())
                    .contains("local-cluster: stopped")
                    .as("nothing restarted while stopping")
                    .doesNotContainPattern("stopping;[\\s\\S]*started again")
                    .containsPattern("battleground matches seen: [1-9][0-9]* popped")
                    .as("the bots logged out before their nodes stopped")
                    .contains("disconnects: none unexpected")
                    .as("etcd outlived the control plane")
                    .doesNotContain("UNAVAILABLE");
            for (final ProcessHandle child : started) {
                child.onExit().get(10, TimeUnit.SECONDS);
                assertThat(child.isAlive())
                        .as(
                                "process %d (%s) after the cluster stopped",
                                child.pid(), child.info().commandLine().orElse("?"))
                        .isFalse();
            }
        } finally {
            deleteQuietly(runDir);
        }
    }

    /** An offset for which every port of the local cluster is free now. */
    static int freeOffset() {
        for (int attempt = 0; attempt < 50; attempt++) {
            final int offset = 10_000 + ThreadLocalRandom.current().nextInt(40_000);
            // Two nodes and three etcd members: the largest cluster the tests start.
            if (new LocalPorts(offset).all(2, 3).stream().allMatch(LocalClusterIT::isFree)) {
                return offset;
            }
        }
        throw new IllegalStateException("no free port offset found");
    }

    private static boolean isFree(final int port) {
        try (ServerSocket socket = new ServerSocket(port, 1, InetAddress.getLoopbackAddress())) {
            return socket.isBound();
        } catch (final IOException e) {
            return false;
        }
    }

    static void deleteQuietly(final Path root) throws IOException {
        try (var paths = Files.walk(root)) {
            paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }
}
