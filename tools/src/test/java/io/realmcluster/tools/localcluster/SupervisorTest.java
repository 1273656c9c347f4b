package io.realmcluster.tools.localcluster;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The supervisor's decisions, driven by the test's clock through {@link Supervisor#poll()}. */
class SupervisorTest {
    @TempDir
    Path run;

    private final AtomicLong clock = new AtomicLong(1_000_000);
    private final ByteArrayOutputStream printed = new ByteArrayOutputStream();
    private PidFiles pids;
    private Supervisor supervisor;
    private FakeChild node;

    @BeforeEach
    void setUp() {
        pids = new PidFiles(run);
        supervisor = new Supervisor(
                pids, new PrintStream(printed, true, StandardCharsets.UTF_8), clock::get, RestartBackoff.LOCAL_CLUSTER);
        node = new FakeChild("node-1", 100);
        supervisor.add(node, restartedAt -> node.registered ? "registered with the control plane" : null);
    }

    @Test
    void aKilledChildIsRestartedAfterTheBackoffAndItsPidFileRewritten() {
        assertThat(pids.read("node-1")).hasValue(100);
        clock.addAndGet(5_000);
        node.die(137);

        supervisor.poll();
        assertThat(output())
                .contains("node-1 exited with code 137 (killed by SIGKILL); restarting it in 1 s (restart 1");
        clock.addAndGet(999);
        supervisor.poll();
        assertThat(node.restarts).isZero();

        clock.addAndGet(1);
        supervisor.poll();
        assertThat(node.restarts).isEqualTo(1);
        assertThat(pids.read("node-1")).hasValue(101);

        node.registered = true;
        supervisor.poll();
        assertThat(output()).contains("node-1 is back: registered with the control plane");
    }

    @Test
    void aSecondQuickDeathWaitsTwiceAsLong() {
        node.die(1);
        supervisor.poll();
        clock.addAndGet(1_000);
        supervisor.poll();
        clock.addAndGet(3_000);
        node.die(1);

        supervisor.poll();

        assertThat(output()).contains("exited with code 1; restarting it in 2 s (restart 2 since");
    }

    @Test
    void aWantedRestartIsImmediateAndNotCounted() {
        pids.requestRestart("node-1");
        node.die(143);

        supervisor.poll();
        supervisor.poll();

        assertThat(node.restarts).isEqualTo(1);
        assertThat(output()).contains("node-1 exited with code 143 (killed by SIGTERM) for a rollout restart");
        node.die(137);
        supervisor.poll();
        assertThat(output()).as("the wanted restart was not a failure").contains("restarting it in 1 s (restart 1 ");
    }

    @Test
    void nothingIsRestartedOnceStopping() {
        node.die(137);
        supervisor.poll();
        supervisor.stop();
        clock.addAndGet(60_000);

        supervisor.poll();

        assertThat(node.restarts).isZero();
        assertThat(supervisor.stopping()).isTrue();
    }

    @Test
    void aFailedRestartIsTriedAgainLater() {
        node.die(137);
        node.failNextRestart = true;
        supervisor.poll();
        clock.addAndGet(1_000);

        supervisor.poll();
        assertThat(output()).contains("node-1 did not start again (port in use); next attempt in 2 s");
        clock.addAndGet(2_000);
        supervisor.poll();

        assertThat(node.restarts).isEqualTo(1);
        assertThat(node.isAlive()).isTrue();
    }

    private String output() {
        return printed.toString(StandardCharsets.UTF_8);
    }

    /** A child whose life the test decides. */
    private static final class FakeChild implements SupervisedProcess {
        private final String name;
        private long pid;
        private boolean alive = true;
        private int exitCode;
        private int restarts;
        private boolean failNextRestart;
        volatile boolean registered;

        FakeChild(final String name, final long pid) {
            this.name = name;
            this.pid = pid;
        }

        void die(final int code) {
            alive = false;
            exitCode = code;
        }

        @Override
        public String name() {
            return name;
        }

        @Override
        public long pid() {
            return pid;
        }

        @Override
        public boolean isAlive() {
            return alive;
        }

        @Override
        public String exit() {
            return ExitDescription.of(exitCode);
        }

        @Override
        public void restart() {
            if (failNextRestart) {
                failNextRestart = false;
                throw new IllegalStateException("port in use\nmore lines");
            }
            restarts++;
            pid++;
            alive = true;
        }
    }
}
