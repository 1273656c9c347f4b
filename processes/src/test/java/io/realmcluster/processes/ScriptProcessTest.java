package io.realmcluster.processes;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class ScriptProcessTest {
    private static final Duration DEADLINE = Duration.ofSeconds(20);

    @Test
    void closeKillsTheScriptAndWhatItStarted() {
        final List<ProcessHandle> started;
        try (ScriptProcess script =
                ScriptProcess.start("tree", List.of("sh", "-c", "sleep 300 & echo started $!; wait"))) {
            final String line = script.awaitOutput("started", DEADLINE);
            started = script.descendants();
            assertThat(started).extracting(ProcessHandle::pid).contains(Long.parseLong(line.split(" ")[1]));
        }
        await().atMost(DEADLINE).until(() -> started.stream().noneMatch(ProcessHandle::isAlive));
    }

    @Test
    void terminateLetsTheScriptExit() {
        try (ScriptProcess script = ScriptProcess.start(
                "trap", List.of("sh", "-c", "trap 'echo bye; exit 0' TERM; echo up; while true; do sleep 0.1; done"))) {
            script.awaitOutput("up", DEADLINE);

            script.terminate();

            assertThat(script.waitForExit(DEADLINE)).isZero();
            assertThat(script.output()).isEqualTo("up\nbye\n");
        }
    }
}
