package io.realmcluster.tools;

import static org.assertj.core.api.Assertions.assertThat;

import io.realmcluster.processes.ScriptProcess;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The chaos run's short form, as the README gives it: {@code bin/chaos} on a local cluster of its own with three
 * etcd members, with a node killed, a node stopped past its lease, the leading control plane killed and the
 * leading etcd member killed, (as root) a node cut off from the control plane, and a rolling restart of the
 * nodes, each checked (nobody else disconnected, the node's players back, nothing confirmed lost, realmctl check
 * green), each killed process restarted by the launcher, and the launcher stopped by SIGTERM at the end. A PostgreSQL outage:
 * PersistenceIT; the whole etcd down: EtcdOutageIT. The long run, with every fault, is {@code bin/chaos --minutes
 * 30} (bench/RESULTS.md).
 */
class ChaosIT {
    private static final Path HOME =
            Path.of(System.getProperty("realm.home", "..")).toAbsolutePath().normalize();
    private static final Duration DEADLINE = Duration.ofMinutes(15);
    /** A partition needs root (iptables, cgroups); otherwise the run skips it and says so. */
    private static final boolean ROOT = "root".equals(System.getProperty("user.name"));

    @Test
    void aShortChaosRunBreachesNothing() throws Exception {
        final Path runDir = Files.createTempDirectory("chaos-it");
        try (ScriptProcess chaos = ScriptProcess.start(
                "chaos",
                List.of(
                        HOME.resolve("bin/chaos").toString(),
                        "--run-dir",
                        runDir.resolve("cluster").toString(),
                        "--port-offset",
                        Integer.toString(LocalClusterIT.freeOffset()),
                        "--minutes",
                        "0",
                        "--seed",
                        "7",
                        "--etcd-members",
                        "3",
                        "--faults",
                        "node-kill,node-pause,leader-kill,etcd-member-kill,node-partition,rollout-restart",
                        "--bots",
                        "24",
                        // Only the partition holds: long enough for the node to close its maps (about 10 s after the
                        // cut: a lease, a second, three checks).
                        "--hold-seconds",
                        "16"))) {
            final int exit = chaos.waitForExit(DEADLINE);
            assertThat(exit).as(chaos.output()).isZero();
            assertThat(chaos.output())
                    .contains("chaos: every fault (seed 7)")
                    .contains("chaos: 6 faults, 0 breached; nothing lost")
                    .as("a rolling restart with the bots playing: their maps move with them, nobody is disconnected")
                    .contains("node-1: registered again and uncordoned", "node-2: registered again and uncordoned")
                    .contains("rollout: 2 nodes restarted; every node ready (uncordoned)")
                    .containsPattern("node-kill +node-\\d")
                    .containsPattern("node-pause +node-\\d")
                    .contains("leader-kill")
                    .containsPattern("etcd-member-kill +etcd-\\d");
            if (ROOT) {
                // The cut-off node closed its maps itself, its peer hearing the control plane.
                final Matcher partition =
                        Pattern.compile("node-partition +(node-\\d) .* ok").matcher(chaos.output());
                assertThat(partition.find()).as(chaos.output()).isTrue();
                final Path logs = runDir.resolve("cluster").resolve("logs");
                // Its log, and its run's before a restart (the node killed may be the same one, later).
                final Path previous = logs.resolve(partition.group(1) + ".previous.log");
                assertThat(Files.readString(logs.resolve(partition.group(1) + ".log"))
                                + (Files.exists(previous) ? Files.readString(previous) : ""))
                        .contains("cut off from the control plane", "while its peers hear it: closing its maps");
            } else {
                assertThat(chaos.output()).containsPattern("node-partition .*skipped: needs root");
            }
            final Matcher member =
                    Pattern.compile("etcd-member-kill +(etcd-\\d)").matcher(chaos.output());
            assertThat(member.find()).isTrue();
            final String killed = member.group(1);
            // The launcher's supervisor brought each killed process back, and said so.
            assertThat(Files.readString(runDir.resolve("cluster-launcher.log")))
                    .containsPattern("node-\\d exited with code 137 \\(killed by SIGKILL\\); restarting it in 1 s")
                    .containsPattern("node-\\d is back: registered with the control plane")
                    .contains("cp-1 exited with code 137 (killed by SIGKILL); restarting it in 1 s")
                    .containsPattern("node-\\d is back: registered with the control plane")
                    .contains("cp-1 is back: answering, 2 nodes registered")
                    .contains("starting 3 etcd members etcd-1, etcd-2, etcd-3")
                    .contains(killed + " exited with code 137 (killed by SIGKILL); restarting it in 1 s")
                    .contains(killed + " is back: healthy, data kept")
                    .containsPattern("node-\\d exited with code 143 \\(killed by SIGTERM\\) for a rollout restart")
                    .as("the run's end: SIGTERM to the launcher, as a service manager stops it, stops everything")
                    .contains("local-cluster: stopped");
        }
        // Kept when the run failed: the launcher's log and each process's are what a failure is read from.
        LocalClusterIT.deleteQuietly(runDir);
    }
}
