package io.realmcluster.processes;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class ScratchTest {
    @Test
    void sweepDeletesDirectoriesNoLiveJvmHoldsAndKeepsOurs() throws IOException {
        final Path ours = Scratch.createDirectory(Scratch.ETCD);
        final Path abandoned = Files.createTempDirectory(Scratch.root(), Scratch.ETCD);
        // What a SIGKILLed JVM leaves: the lock file, but nobody holding the lock.
        Files.createFile(abandoned.resolve(".owner-lock"));
        final Path young = Files.createTempDirectory(Scratch.root(), Scratch.POSTGRES);
        try {
            Scratch.sweep();

            assertThat(abandoned).doesNotExist();
            assertThat(ours).isDirectory();
            assertThat(young)
                    .as("not locked yet, but too young to be abandoned")
                    .isDirectory();
        } finally {
            Scratch.delete(ours);
            Scratch.delete(abandoned);
            Scratch.delete(young);
        }
        assertThat(ours).doesNotExist();
    }
}
