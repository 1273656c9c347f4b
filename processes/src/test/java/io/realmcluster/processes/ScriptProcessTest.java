package io.realmcluster.processes;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

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

    @Test
    void aConsoleGetsEachLineUnderTheNameAndTheNamedLogKeepsThemWhenMemoryDoesNot(@TempDir final Path logs)
            throws IOException {
        final ByteArrayOutputStream console = new ByteArrayOutputStream();
        final Path log = logs.resolve("node-1.log");
        Files.writeString(log, "a line of an earlier run\n");
        try (ScriptProcess script = ScriptProcess.builder("node-1", List.of("sh", "-c", "echo hello $GREETING"))
                .environment(Map.of("GREETING", "world"))
                .logFile(log)
                .echoTo(new PrintStream(console, true, StandardCharsets.UTF_8))
                .keepOutputInMemory(false)
                .start()) {

            assertThat(script.waitForExit(DEADLINE)).isZero();

            assertThat(script.logFile()).isEqualTo(log);
            assertThat(Files.readString(log)).isEqualTo("hello world\n");
            assertThat(console.toString(StandardCharsets.UTF_8)).isEqualTo("node-1  | hello world\n");
            assertThatThrownBy(script::output).hasMessageContaining("not kept in memory, only in its log " + log);
        }
    }

    @Test
    void stopAfterTerminateSendsNoSecondSigterm() {
        try (ScriptProcess script = ScriptProcess.start(
                "stubborn", List.of("sh", "-c", "trap 'echo term' TERM; echo up; while true; do sleep 0.1; done"))) {
            script.awaitOutput("up", DEADLINE);
            script.terminate();
            script.awaitOutput("term", DEADLINE);

            final int exitCode = script.stop(Duration.ofMillis(500));

            // 128 + SIGKILL: it ignored the one SIGTERM, and stop did not send it another.
            assertThat(exitCode).isEqualTo(137);
            assertThat(script.output()).isEqualTo("up\nterm\n");
        }
    }
}
