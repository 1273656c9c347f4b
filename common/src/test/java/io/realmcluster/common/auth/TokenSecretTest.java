package io.realmcluster.common.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.realmcluster.common.cli.StartupException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The token key: from a file or the environment, long enough, and never printed. */
class TokenSecretTest {
    private static final String KEY = "0123456789abcdef0123456789abcdef-and-more";

    @TempDir
    Path directory;

    @Test
    void aFileWinsOverTheEnvironmentAndItsTrailingNewlineIsNotPartOfTheKey() throws Exception {
        final Path file = ownerOnly(Files.writeString(directory.resolve("secret"), KEY + "\n"));
        final TokenSecret fromFile =
                TokenSecret.load(file, Map.of(TokenSecret.VARIABLE, "something-else-entirely-32-bytes-long"));
        assertThat(fromFile).isEqualTo(TokenSecret.of(KEY.getBytes(StandardCharsets.UTF_8)));
        assertThat(TokenSecret.load(null, Map.of(TokenSecret.VARIABLE, KEY))).isEqualTo(fromFile);
    }

    @Test
    void rawRandomBytesMakeAKeyToo() throws Exception {
        final byte[] raw = new byte[48];
        for (int i = 0; i < raw.length; i++) {
            raw[i] = (byte) (0x80 + i);
        }
        final Path file = ownerOnly(Files.write(directory.resolve("binary"), raw));
        assertThat(TokenSecret.load(file, Map.of())).isEqualTo(TokenSecret.of(raw));
    }

    @Test
    void missingShortOrUnreadableSecretsAreOneLineErrors() throws Exception {
        assertThatThrownBy(() -> TokenSecret.load(null, Map.of()))
                .isInstanceOf(StartupException.class)
                .hasMessageStartingWith("no token secret: pass --token-secret-file FILE")
                .hasMessageContaining(TokenSecret.VARIABLE);
        assertThatThrownBy(() -> TokenSecret.load(null, Map.of(TokenSecret.VARIABLE, "short")))
                .hasMessage("the token secret must be at least 32 bytes, got 5");
        final Path missing = directory.resolve("missing");
        assertThatThrownBy(() -> TokenSecret.load(missing, Map.of()))
                .hasMessageStartingWith("cannot read the token secret file " + missing);
    }

    @Test
    void aSecretFileOtherUsersMayReadIsRefused() throws Exception {
        final Path file = Files.writeString(directory.resolve("shared"), KEY);
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-r--r--"));
        assertThatThrownBy(() -> TokenSecret.load(file, Map.of()))
                .isInstanceOf(StartupException.class)
                .hasMessageContaining("chmod 600 " + file);
    }

    static Path ownerOnly(final Path file) throws IOException {
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
        return file;
    }

    @Test
    void theKeyIsNeverPrinted() {
        final TokenSecret secret = TokenSecret.of(KEY.getBytes(StandardCharsets.UTF_8));
        assertThat(secret.toString())
                .isEqualTo("TokenSecret[" + KEY.length() + " bytes]")
                .doesNotContain("0123");
    }
}
