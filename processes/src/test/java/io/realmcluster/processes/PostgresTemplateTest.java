package io.realmcluster.processes;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PostgresTemplateTest {
    @Test
    void freshDirectoryIsSeededWithAClusterOnlyItsOwnerMayRead(@TempDir final Path parent) throws IOException {
        final Path data = parent.resolve("fresh");

        assertThat(PostgresTemplate.seed(data)).isTrue();

        assertThat(data.resolve("PG_VERSION")).isRegularFile();
        assertThat(data.resolve("global/pg_control")).isRegularFile();
        assertThat(Files.getPosixFilePermissions(data)).hasSize(3);
        try (var siblings = Files.list(parent)) {
            assertThat(siblings).containsExactly(data);
        }
    }

    @Test
    void directoryWithContentIsLeftAlone(@TempDir final Path data) throws IOException {
        Files.writeString(data.resolve("notes.txt"), "mine");

        assertThat(PostgresTemplate.seed(data)).isFalse();

        try (var entries = Files.list(data)) {
            assertThat(entries).containsExactly(data.resolve("notes.txt"));
        }
    }
}
