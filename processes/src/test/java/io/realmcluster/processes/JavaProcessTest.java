package io.realmcluster.processes;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

class JavaProcessTest {
    private static final Duration DEADLINE = Duration.ofSeconds(20);

    @Test
    void startsTheMainClassInAnotherJvmAndKillsIt() throws IOException {
        try (JavaProcess child = JavaProcess.builder(SleepingMain.class.getName())
                .name("sleeper")
                .args("alpha", "beta")
                .env("SLEEPER_GREETING", "hi")
                .start()) {

            final String line = child.awaitOutput(Pattern.compile("ready pid=\\d+"), DEADLINE);

            assertThat(line).isEqualTo("ready pid=" + child.pid() + " args=[alpha, beta] greeting=hi");
            assertThat(child.pid()).isNotEqualTo(ProcessHandle.current().pid());
            child.awaitOutput("a line on stderr", DEADLINE);
            assertThat(Files.readString(child.logFile())).contains(line);

            child.kill();

            assertThat(child.isAlive()).isFalse();
            assertThat(ProcessHandle.of(child.pid()).map(ProcessHandle::isAlive).orElse(false))
                    .isFalse();
        }
    }

    @Test
    void pauseFreezesTheProcessAndResumeThaws() {
        try (JavaProcess child = JavaProcess.builder(SleepingMain.class.getName())
                .name("pausable")
                .start()) {
            child.awaitOutput("ready", DEADLINE);

            child.pause();
            await().atMost(DEADLINE).until(() -> state(child.pid()) == 'T');

            child.resume();
            await().atMost(DEADLINE).until(() -> state(child.pid()) != 'T');
            assertThat(child.isAlive()).isTrue();
        }
    }

    @Test
    void stopSendsSigtermSoShutdownHooksRun() {
        try (JavaProcess child = JavaProcess.builder(SleepingMain.class.getName())
                .name("stoppable")
                .start()) {
            child.awaitOutput("ready", DEADLINE);
            child.pause();

            final int exitCode = child.stop(DEADLINE);

            // 128 + SIGTERM: the JVM exits through its hooks, even though it was paused.
            assertThat(exitCode).isEqualTo(143);
            assertThat(child.output()).contains("stopping on SIGTERM");
        }
    }

    @Test
    void waitForExitReturnsTheExitCodeWithAllOutput() {
        try (JavaProcess child = JavaProcess.builder(SleepingMain.class.getName())
                .args("exit", "3")
                .start()) {
            assertThat(child.waitForExit(DEADLINE)).isEqualTo(3);
            assertThat(child.output()).startsWith("ready pid=").contains("a line on stderr");
            assertThat(child.logFile().getFileName().toString()).isEqualTo("SleepingMain-" + child.pid() + ".log");
        }
    }

    @Test
    void awaitingALineThatNeverComesFailsAtTheDeadline() {
        try (JavaProcess child =
                JavaProcess.builder(SleepingMain.class.getName()).name("quiet").start()) {
            child.awaitOutput("ready", DEADLINE);

            assertThatThrownBy(() -> child.awaitOutput("never printed", Duration.ofMillis(200)))
                    .hasMessageContaining("no line of quiet matched /\\Qnever printed\\E/")
                    .hasMessageContaining("deadline of 200 ms")
                    .hasMessageContaining("ready pid=");
        }
    }

    @Test
    void awaitingALineFromAnExitedProcessFailsAtOnce() {
        try (JavaProcess child = JavaProcess.builder(SleepingMain.class.getName())
                .args("exit", "0")
                .start()) {
            assertThatThrownBy(() -> child.awaitOutput("never printed", DEADLINE))
                    .hasMessageContaining("its output ended");
        }
    }

    /** Field 3 of /proc/PID/stat: R running, S sleeping, T stopped by a signal. */
    private static char state(final long pid) throws IOException {
        final String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
        // The command name in field 2 may hold spaces and parentheses; the state follows its last ')'.
        return stat.substring(stat.lastIndexOf(')') + 1).strip().charAt(0);
    }
}
