package io.realmcluster.tools.localcluster;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PidFilesTest {
    @TempDir
    Path run;

    @Test
    void pidFileIsRewrittenAtEachStartAndReadableByAShell() throws Exception {
        final PidFiles pids = new PidFiles(run);
        pids.write("node-1", 4242);
        pids.write("node-1", 4343);

        assertThat(Files.readString(run.resolve("pids/node-1.pid"))).isEqualTo("4343\n");
        assertThat(pids.read("node-1")).isEqualTo(OptionalLong.of(4343));
        assertThat(pids.read("node-2")).isEmpty();
        assertThat(run.resolve("pids")).isDirectoryNotContaining("glob:**.tmp");
    }

    @Test
    void namesListTheChildrenOfAKindInOrder() {
        final PidFiles pids = new PidFiles(run);
        pids.write("node-2", 2);
        pids.write("cp-1", 3);
        pids.write("node-1", 1);

        assertThat(pids.names("node-")).containsExactly("node-1", "node-2");
        assertThat(pids.names("cp-")).containsExactly("cp-1");
    }

    @Test
    void aRestartRequestIsTakenOnce() {
        final PidFiles pids = new PidFiles(run);
        pids.requestRestart("node-1");

        assertThat(pids.takeRestartRequest("node-1")).isTrue();
        assertThat(pids.takeRestartRequest("node-1")).isFalse();
        assertThat(pids.takeRestartRequest("node-2")).isFalse();
    }

    @Test
    void clearRemovesThePidFileAndAnyMark() {
        final PidFiles pids = new PidFiles(run);
        pids.write("cp-1", 7);
        pids.requestRestart("cp-1");

        pids.clear("cp-1");

        assertThat(pids.read("cp-1")).isEmpty();
        assertThat(pids.takeRestartRequest("cp-1")).isFalse();
    }
}
