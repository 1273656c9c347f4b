package io.realmcluster.common.secrets;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.realmcluster.common.cli.StartupException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A secret file others may read is refused with the fix in the message. */
class SecretFilesTest {
    @TempDir
    Path directory;

    @Test
    void aFileOnlyItsOwnerMayReadIsAccepted() throws Exception {
        final Path file = Files.writeString(directory.resolve("key"), "secret");
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
        assertThatCode(() -> SecretFiles.requireOwnerOnly(file)).doesNotThrowAnyException();
    }

    @Test
    void aFileTheGroupOrOthersMayReadIsRefusedNamingTheFileAndTheFix() throws Exception {
        final Path file = Files.writeString(directory.resolve("key"), "secret");
        for (final String mode : new String[] {"rw-r--r--", "rw-r-----", "rw----r--", "rw-----w-"}) {
            Files.setPosixFilePermissions(file, PosixFilePermissions.fromString(mode));
            assertThatThrownBy(() -> SecretFiles.requireOwnerOnly(file))
                    .isInstanceOf(StartupException.class)
                    .hasMessageContaining(file.toString())
                    .hasMessageContaining("chmod 600 " + file);
        }
    }

    @Test
    void aMissingFileSaysSo() {
        final Path missing = directory.resolve("missing");
        assertThatThrownBy(() -> SecretFiles.requireOwnerOnly(missing))
                .isInstanceOf(StartupException.class)
                .hasMessageContaining(missing.toString());
    }
}
