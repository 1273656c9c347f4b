package io.realmcluster.common.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class DaemonTest {
    @Test
    void aStopThatHangsPrintsItsThreadsAndThenHalts() throws Exception {
        final CountDownLatch never = new CountDownLatch(1);
        final Thread stuck = new Thread(
                () -> {
                    try {
                        never.await();
                    } catch (final InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                },
                "stuck-step");
        stuck.setDaemon(true);
        stuck.start();
        final ByteArrayOutputStream err = new ByteArrayOutputStream();
        final CountDownLatch halted = new CountDownLatch(1);
        final Thread watchdog = Daemon.watch(
                "node",
                never,
                Duration.ofMillis(50),
                Duration.ofMillis(100),
                new PrintStream(err, true, StandardCharsets.UTF_8),
                halted::countDown);

        assertThat(halted.await(10, TimeUnit.SECONDS)).as("halted").isTrue();
        watchdog.join(10_000);
        final String printed = err.toString(StandardCharsets.UTF_8);
        assertThat(printed)
                .contains("node: still stopping after 0 s; its threads:")
                .contains("\"stuck-step\" WAITING")
                .contains("java.util.concurrent.CountDownLatch.await(")
                .endsWith("node: not stopped after 0 s; halting\n");
        stuck.interrupt();
    }

    @Test
    void aStopThatEndsInTimeIsLeftAlone() throws Exception {
        final CountDownLatch stopped = new CountDownLatch(1);
        final ByteArrayOutputStream err = new ByteArrayOutputStream();
        final CountDownLatch halted = new CountDownLatch(1);
        final Thread watchdog = Daemon.watch(
                "node",
                stopped,
                Duration.ofSeconds(30),
                Duration.ofSeconds(60),
                new PrintStream(err, true, StandardCharsets.UTF_8),
                halted::countDown);
        stopped.countDown();
        watchdog.join(10_000);

        assertThat(watchdog.isAlive()).isFalse();
        assertThat(halted.getCount()).as("not halted").isEqualTo(1);
        assertThat(err.toString(StandardCharsets.UTF_8)).isEmpty();
    }
}
