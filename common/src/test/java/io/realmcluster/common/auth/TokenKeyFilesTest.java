package io.realmcluster.common.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.realmcluster.common.cli.StartupException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TokenKeyFilesTest {
    @TempDir
    Path directory;

    @Test
    void generatedFilesSignAndVerifyWithTheSameKeyId() throws Exception {
        TokenKeyFiles.generate(directory);
        final Path privateKey = directory.resolve(TokenKeyFiles.PRIVATE_KEY);
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(privateKey)))
                .isEqualTo("rw-------");
        final TokenSigner signer = TokenKeyFiles.loadSigner(privateKey);
        final List<TokenKey> keys = TokenKeyFiles.loadVerifiers(List.of(directory.resolve(TokenKeyFiles.PUBLIC_KEY)));
        assertThat(keys.get(0).id()).isEqualTo(signer.keyId());
        final SessionToken.Claims claims = new SessionToken.Claims(1, 2, "main", "n", "i", 0, 100);
        assertThat(new TokenVerifier(keys, new UsedTokens(1))
                        .admit(SessionToken.issue(signer, claims), "n", 1)
                        .claims())
                .isEqualTo(claims);
    }

    @Test
    void aPrivateKeyOthersCanReadIsRefused() throws Exception {
        TokenKeyFiles.generate(directory);
        final Path privateKey = directory.resolve(TokenKeyFiles.PRIVATE_KEY);
        Files.setPosixFilePermissions(privateKey, PosixFilePermissions.fromString("rw-r-----"));
        assertThatThrownBy(() -> TokenKeyFiles.loadSigner(privateKey))
                .isInstanceOf(StartupException.class)
                .hasMessage(
                        "the token key file " + privateKey + " can be read by other users; chmod 600 " + privateKey);
    }

    @Test
    void missingOrTooManyKeysSayWhatToPass() throws Exception {
        assertThatThrownBy(() -> TokenKeyFiles.loadSigner(null))
                .hasMessageStartingWith("no token key: pass --token-key-file FILE");
        assertThatThrownBy(() -> TokenKeyFiles.loadVerifiers(List.of()))
                .hasMessageStartingWith("no token public key: pass --token-public-keys FILE");
        final Path pub = directory.resolve("x.pub");
        assertThatThrownBy(() -> TokenKeyFiles.loadVerifiers(List.of(pub, pub, pub)))
                .hasMessageContaining("at most 2 files");
        Files.writeString(pub, "not a key");
        assertThatThrownBy(() -> TokenKeyFiles.loadVerifiers(List.of(pub))).hasMessageContaining("is not a PEM file");
    }
}
