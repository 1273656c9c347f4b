package io.realmcluster.common.auth;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.SplittableRandom;

import org.junit.jupiter.api.Test;

/** Session tokens: what they say survives, and any change or misuse is refused with the reason. */
class SessionTokenTest {
    private final SessionToken tokens = new SessionToken(TokenSecret.of("0123456789abcdef0123456789abcdef".getBytes(StandardCharsets.UTF_8)));
    private final SessionToken.Claims claims = new SessionToken.Claims(7, 42, "main", "node-1", 10_000);

    @Test
    void aValidTokenGivesBackItsClaims() {
        final SessionToken.Verdict verdict = tokens.verify(tokens.issue(claims), "node-1", 9_999);
        assertThat(verdict.valid()).isTrue();
        assertThat(verdict.claims()).isEqualTo(claims);
    }

    @Test
    void expiredWrongNodeAndForeignKeyAreRefused() {
        final byte[] token = tokens.issue(claims);
        assertThat(tokens.verify(token, "node-1", 10_000).failure()).isEqualTo(SessionToken.Failure.EXPIRED);
        assertThat(tokens.verify(token, "node-2", 1).failure()).isEqualTo(SessionToken.Failure.WRONG_NODE);
        final SessionToken other = new SessionToken(TokenSecret.of("another-secret-of-at-least-32-bytes!".getBytes(StandardCharsets.UTF_8)));
        assertThat(other.verify(token, "node-1", 1).failure()).isEqualTo(SessionToken.Failure.BAD_SIGNATURE);
    }

    @Test
    void changingAnyByteBreaksTheToken() {
        final byte[] token = tokens.issue(claims);
        for (int i = 0; i < token.length; i++) {
            for (final int flip : new int[] {1, 0x80}) {
                final byte[] forged = token.clone();
                forged[i] ^= (byte) flip;
                assertThat(tokens.verify(forged, "node-1", 1).valid()).as("byte %d flipped by %d", i, flip).isFalse();
            }
        }
    }

    @Test
    void arbitraryBytesAreRefusedWithoutAnException() {
        final SplittableRandom random = new SplittableRandom(11);
        for (int i = 0; i < 10_000; i++) {
            final byte[] junk = new byte[random.nextInt(400)];
            random.nextBytes(junk);
            if (junk.length > 0 && random.nextBoolean()) {
                junk[0] = SessionToken.VERSION;
            }
            assertThat(tokens.verify(junk, "node-1", 1).valid()).isFalse();
        }
        assertThat(tokens.verify(null, "node-1", 1).failure()).isEqualTo(SessionToken.Failure.MALFORMED);
        assertThat(tokens.verify(new byte[0], "node-1", 1).failure()).isEqualTo(SessionToken.Failure.MALFORMED);
    }

    @Test
    void aShortSecretAndThePasswordHasherBehave() {
        assertThat(TokenSecret.of(new byte[32]).toString()).doesNotContain("0,");
        final PasswordHasher hasher = new PasswordHasher(1_000);
        final PasswordHasher.Hash hash = hasher.hash("hunter2");
        assertThat(PasswordHasher.verify("hunter2", hash)).isTrue();
        assertThat(PasswordHasher.verify("hunter3", hash)).isFalse();
        assertThat(hasher.hash("hunter2").salt()).isNotEqualTo(hash.salt());
    }
}
