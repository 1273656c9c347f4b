package io.realmcluster.tools;

import static org.assertj.core.api.Assertions.assertThat;

import io.realmcluster.common.net.HostPort;
import io.realmcluster.processes.FreePorts;
import io.realmcluster.processes.JavaProcess;
import io.realmcluster.testkit.EtcdExtension;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Bad input on the command line: one line that says what and where, a non-zero exit, no stack trace. */
class CommandLineIT {
    @RegisterExtension
    static final EtcdExtension ETCD = new EtcdExtension();

    private static final Duration EXIT_DEADLINE = Duration.ofSeconds(30);

    private Binaries binaries;

    @BeforeEach
    void setUp() {
        binaries = new Binaries(ETCD.endpoint(), "/cli-" + UUID.randomUUID());
    }

    @AfterEach
    void tearDown() {
        binaries.close();
    }

    @Test
    void unknownFlagIsAUsageError() {
        final JavaProcess process = binaries.run(Binaries.CONTROLPLANE, "cp-bad-flag", "--no-such-flag");
        assertThat(process.waitForExit(EXIT_DEADLINE)).isEqualTo(2);
        assertOneLine(process, "controlplane: Unknown option: '--no-such-flag' (see controlplane --help)");
    }

    @Test
    void etcdUnreachableForTheWholeStartupWaitIsWaitedForThenNamed() {
        final String etcd = "http://127.0.0.1:" + FreePorts.find();
        final JavaProcess process = binaries.run(
                Binaries.CONTROLPLANE,
                "cp-no-etcd",
                "--etcd",
                etcd,
                "--listen",
                "127.0.0.1:0",
                "--metrics-listen",
                "127.0.0.1:0",
                "--etcd-timeout",
                "1500",
                "--etcd-startup-wait",
                "1");
        assertThat(process.waitForExit(EXIT_DEADLINE)).isEqualTo(1);
        final String output = process.output().strip();
        // Each try that fails before the wait is over says "waiting for etcd at ...": how many fit depends on the
        // machine's speed (ControlPlaneStartupTest counts them), the last line is the error.
        assertThat(output.lines().reduce((first, second) -> second).orElse(""))
                .startsWith("controlplane: error: cannot reach etcd at " + etcd)
                .endsWith("(waited 1 s)");
        assertThat(output).doesNotContain("Exception", "\tat ");
    }

    @Test
    void aRealmDatabaseForARealmNotServedIsRefused() {
        final JavaProcess process = binaries.run(
                Binaries.CONTROLPLANE,
                "cp-realm-db",
                "--etcd",
                ETCD.endpoint(),
                "--realms",
                "main,second",
                "--db-url",
                "jdbc:postgresql://127.0.0.1:1/accounts",
                "--realm-db",
                "third=jdbc:postgresql://127.0.0.1:1/third?password=not-for-logs");
        assertThat(process.waitForExit(EXIT_DEADLINE)).isEqualTo(1);
        assertOneLine(
                process,
                "controlplane: error: --realm-db third=...: realm third is not served here (serving [main, second]); "
                        + "add it to --realms or drop its --realm-db");
        assertThat(process.output()).doesNotContain("not-for-logs");
    }

    @Test
    void portInUseIsNamedForEveryListener() throws Exception {
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            final String busy = "127.0.0.1:" + taken.getLocalPort();
            final JavaProcess cp = binaries.run(
                    Binaries.CONTROLPLANE,
                    "cp-busy",
                    "--etcd",
                    ETCD.endpoint(),
                    "--listen",
                    busy,
                    "--internal-listen",
                    "127.0.0.1:0",
                    "--metrics-listen",
                    "127.0.0.1:0");
            assertThat(cp.waitForExit(EXIT_DEADLINE)).isEqualTo(1);
            assertOneLine(
                    cp,
                    "controlplane: error: cannot listen for players (--listen) on " + busy
                            + ": address already in use");

            final JavaProcess node = binaries.run(
                    Binaries.DATAPLANE,
                    "node-busy",
                    "--listen",
                    "127.0.0.1:0",
                    "--client-listen",
                    busy,
                    "--metrics-listen",
                    "127.0.0.1:0");
            assertThat(node.waitForExit(EXIT_DEADLINE)).isEqualTo(1);
            assertOneLine(
                    node, "dataplane: error: cannot listen for game clients on " + busy + ": address already in use");

            final JavaProcess metrics = binaries.run(
                    Binaries.DATAPLANE,
                    "node-busy-metrics",
                    "--listen",
                    "127.0.0.1:0",
                    "--client-listen",
                    "127.0.0.1:0",
                    "--metrics-listen",
                    busy);
            assertThat(metrics.waitForExit(EXIT_DEADLINE)).isEqualTo(1);
            assertOneLine(
                    metrics, "dataplane: error: cannot listen for metrics on " + busy + ": address already in use");
        }
    }

    @Test
    void unreachableControlPlaneFailsRealmctlButNotTheNode() {
        final HostPort nowhere = Binaries.freeAddress();
        final JavaProcess realmctl = binaries.run(
                Binaries.REALMCTL,
                "realmctl-nowhere",
                "--controlplane",
                nowhere.toString(),
                "--timeout",
                "1000",
                "get",
                "nodes");
        assertThat(realmctl.waitForExit(EXIT_DEADLINE)).isEqualTo(1);
        assertOneLine(realmctl, "realmctl: error: control plane at " + nowhere + " did not answer");

        // A node without a control plane keeps running and keeps trying.
        final JavaProcess node = binaries.node("node-alone", List.of(nowhere));
        node.awaitOutput("cannot register with the control plane at " + nowhere, EXIT_DEADLINE);
        assertThat(node.isAlive()).isTrue();
    }

    @Test
    void aNodeWithoutTokenPublicKeySaysHowToGiveOne() {
        final JavaProcess node = binaries.runExactly(
                Binaries.DATAPLANE,
                "node-no-token-key",
                Map.of(),
                List.of(
                        "--listen",
                        "127.0.0.1:0",
                        "--client-listen",
                        "127.0.0.1:0",
                        "--metrics-listen",
                        "127.0.0.1:0"));
        assertThat(node.waitForExit(EXIT_DEADLINE)).isEqualTo(1);
        assertOneLine(
                node,
                "dataplane: error: no token public key: pass --token-public-keys FILE (the control plane's token.pub; "
                        + "during a rotation, the new one and then the old one, comma-separated)");
    }

    @Test
    void aTickRealtimePriorityIsCheckedAndTheNodeSaysWhetherItGotIt() {
        final JavaProcess bad = binaries.run(
                Binaries.DATAPLANE,
                "node-bad-priority",
                "--listen",
                "127.0.0.1:0",
                "--client-listen",
                "127.0.0.1:0",
                "--metrics-listen",
                "127.0.0.1:0",
                "--tick-realtime-priority",
                "100");
        assertThat(bad.waitForExit(EXIT_DEADLINE)).isEqualTo(1);
        assertOneLine(bad, "dataplane: error: --tick-realtime-priority must be 1 to 99, got 100");

        // Root here gets it; elsewhere the node says what it needs and ticks on at ordinary priority.
        final JavaProcess node = binaries.node(
                "node-realtime",
                List.of(Binaries.freeAddress()),
                null,
                null,
                null,
                "--tick-threads",
                "2",
                "--tick-realtime-priority",
                "5");
        final String said = node.awaitOutput(
                Pattern.compile(
                        "2 tick threads at real-time priority 5 \\(SCHED_FIFO\\)|tick threads run at ordinary priority: .*CAP_SYS_NICE"),
                EXIT_DEADLINE);
        assertThat(said).isNotBlank();
        assertThat(node.isAlive()).isTrue();
    }

    @Test
    void helpIsReadableAndExitsZero() {
        final JavaProcess process = binaries.run(Binaries.DATAPLANE, "node-help", "--help");
        assertThat(process.waitForExit(EXIT_DEADLINE)).isZero();
        assertThat(process.output())
                .contains(
                        "--controlplane=HOST:PORT[,HOST:PORT...]",
                        "--client-listen=HOST:PORT",
                        "--node-id=ID",
                        "--db-url=JDBC-URL",
                        "--metrics-listen=HOST:PORT",
                        "--config=FILE");
    }

    @Test
    void configFileSuppliesFlagsAndTheCommandLineWins() throws Exception {
        final HostPort fromFile = Binaries.freeAddress();
        final Path config = Files.createTempFile("controlplane", ".properties");
        try {
            Files.writeString(
                    config,
                    String.join(
                            "\n",
                            "etcd=" + ETCD.endpoint(),
                            "listen=" + fromFile,
                            "metrics-listen=127.0.0.1:1",
                            "id=cp-from-file",
                            ""));
            final JavaProcess cp = binaries.run(
                    Binaries.CONTROLPLANE,
                    "cp-config",
                    "--config",
                    config.toString(),
                    "--internal-listen",
                    "127.0.0.1:0",
                    "--metrics-listen",
                    "127.0.0.1:0");
            cp.awaitOutput("control plane cp-from-file serving gRPC on " + fromFile, EXIT_DEADLINE);

            final JavaProcess missing =
                    binaries.run(Binaries.CONTROLPLANE, "cp-no-config", "--config", config + ".missing");
            assertThat(missing.waitForExit(EXIT_DEADLINE)).isEqualTo(2);
            assertOneLine(missing, "controlplane: error: config file " + config + ".missing does not exist");
        } finally {
            Files.deleteIfExists(config);
        }
    }

    @Test
    void realmctlPkiMakesACaOnceAndCertificatesReadableByTheirOwnerOnly() throws Exception {
        final Path pki = Files.createTempDirectory("realmctl-pki").resolve("pki");
        try {
            final JavaProcess init = binaries.run(
                    Binaries.REALMCTL, "pki-init", "pki", "init", "--dir", pki.toString(), "--realm", "it");
            assertThat(init.waitForExit(EXIT_DEADLINE)).as(init.output()).isZero();
            assertThat(init.output()).contains("ca created for realm it", "rw-------  " + pki.resolve("ca.key"));

            final JavaProcess again =
                    binaries.run(Binaries.REALMCTL, "pki-init-again", "pki", "init", "--dir", pki.toString());
            assertThat(again.waitForExit(EXIT_DEADLINE)).isEqualTo(1);
            assertOneLine(again, "realmctl: error: " + pki.resolve("ca.crt") + ": a CA is already there");

            final JavaProcess node = binaries.run(
                    Binaries.REALMCTL,
                    "pki-issue",
                    "pki",
                    "issue",
                    "node",
                    "node-7",
                    "--host",
                    "10.0.0.7",
                    "--dir",
                    pki.toString());
            assertThat(node.waitForExit(EXIT_DEADLINE)).as(node.output()).isZero();
            assertThat(node.output())
                    .contains("node/node-7 issued", "for 10.0.0.7", "rw-------  " + pki.resolve("node-node-7.key"));
            assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(pki.resolve("node-node-7.crt"))))
                    .isEqualTo("rw-------");

            final JavaProcess unknown = binaries.run(
                    Binaries.REALMCTL, "pki-issue-bad", "pki", "issue", "admin", "eve", "--dir", pki.toString());
            assertThat(unknown.waitForExit(EXIT_DEADLINE)).isEqualTo(1);
            assertOneLine(
                    unknown, "realmctl: error: unknown role 'admin'; roles are controlplane, node, operator, server");
        } finally {
            try (var files = Files.walk(pki.getParent())) {
                files.sorted(Comparator.reverseOrder())
                        .forEach(file -> file.toFile().delete());
            }
        }
    }

    private static void assertOneLine(final JavaProcess process, final String expectedStart) {
        final String output = process.output().strip();
        assertThat(output).startsWith(expectedStart);
        assertThat(output.lines().count()).as("lines of: %s", output).isEqualTo(1);
        assertThat(output).doesNotContain("Exception", "\tat ");
    }
}
