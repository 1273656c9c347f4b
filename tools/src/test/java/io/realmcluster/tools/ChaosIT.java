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
 * leading etcd member killed, each checked (nobody else disconnected, the node's players back, nothing confirmed
 * lost, realmctl check green), and each killed process restarted by the launcher. A PostgreSQL outage:
 * PersistenceIT; the whole etcd down: EtcdOutageIT. The long run, with every fault, is {@code bin/chaos --minutes
 * 30} (bench/RESULTS.md).
 */
class ChaosIT {
    private static final Path HOME =
            Path.of(System.getProperty("realm.home", "..")).toAbsolutePath().normalize();
    private static final Duration DEADLINE = Duration.ofMinutes(15);

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
                        "node-kill,node-pause,leader-kill,etcd-member-kill",
                        "--bots",
                        "24",
                        "--hold-seconds",
                        "10"))) {
            final int exit = chaos.waitForExit(DEADLINE);
            assertThat(exit).as(chaos.output()).isZero();
            assertThat(chaos.output())
                    .contains("chaos: every fault (seed 7)")
                    .contains("chaos: 4 faults, 0 breached; nothing lost")
                    .containsPattern("node-kill +node-\\d")
                    .containsPattern("node-pause +node-\\d")
                    .contains("leader-kill")
                    .containsPattern("etcd-member-kill +etcd-\\d");
            final Matcher member =
                    Pattern.compile("etcd-member-kill +(etcd-\\d)").matcher(chaos.output());
            assertThat(member.find()).isTrue();
            final String killed = member.group(1);
            // The launcher's supervisor brought each killed process back, and said so.
            assertThat(Files.readString(runDir.resolve("cluster-launcher.log")))
                    .containsPattern("node-\\d exited with code 137 \\(killed by SIGKILL\\); restarting it in 1 s")
                    .contains("cp-1 exited with code 137 (killed by SIGKILL); restarting it in 1 s")
                    .contains("cp-1 is back: answering, 2 nodes registered")
                    .contains("starting 3 etcd members etcd-1, etcd-2, etcd-3")
                    .contains(killed + " exited with code 137 (killed by SIGKILL); restarting it in 1 s")
                    .contains(killed + " is back: healthy, data kept");
        } finally {
            LocalClusterIT.deleteQuietly(runDir);
        }
    }
}
