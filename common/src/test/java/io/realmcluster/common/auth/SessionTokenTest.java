package io.realmcluster.common.auth;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Base64;
import java.util.HashSet;
import java.util.Set;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** Session tokens: what they say survives, and any change or misuse is refused with the reason. */
class SessionTokenTest {
    private final SessionToken tokens =
            new SessionToken(TokenSecret.of("0123456789abcdef0123456789abcdef".getBytes(StandardCharsets.UTF_8)));
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
        final SessionToken other = new SessionToken(
                TokenSecret.of("another-secret-of-at-least-32-bytes!".getBytes(StandardCharsets.UTF_8)));
        assertThat(other.verify(token, "node-1", 1).failure()).isEqualTo(SessionToken.Failure.BAD_SIGNATURE);
    }

    @Test
    void changingAnyByteBreaksTheToken() {
        final byte[] token = tokens.issue(claims);
        for (int i = 0; i < token.length; i++) {
            for (final int flip : new int[] {1, 0x80}) {
                final byte[] forged = token.clone();
                forged[i] ^= (byte) flip;
                assertThat(tokens.verify(forged, "node-1", 1).valid())
                        .as("byte %d flipped by %d", i, flip)
                        .isFalse();
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
    void randomClaimsSurviveTheRoundTrip() {
        final SplittableRandom random = new SplittableRandom(17);
        final Set<String> tokensSeen = new HashSet<>();
        for (int i = 0; i < 5_000; i++) {
            final SessionToken.Claims drawn = randomClaims(random);
            final byte[] token = tokens.issue(drawn);
            assertThat(token.length).isLessThanOrEqualTo(SessionToken.MAX_BYTES);
            final SessionToken.Verdict verdict = tokens.verify(token, drawn.nodeId(), drawn.expiresAtMillis() - 1);
            assertThat(verdict.valid()).as("claims %s", drawn).isTrue();
            assertThat(verdict.claims()).isEqualTo(drawn);
            assertThat(tokensSeen.add(Base64.getEncoder().encodeToString(token)))
                    .as("nonce makes every token unique")
                    .isTrue();
        }
    }

    @Test
    void randomDamageToRandomTokensIsRefused() {
        final SplittableRandom random = new SplittableRandom(23);
        for (int i = 0; i < 5_000; i++) {
            final SessionToken.Claims claims = randomClaims(random);
            final byte[] token = tokens.issue(claims);
            final byte[] forged = switch (random.nextInt(3)) {
                case 0 -> flipOneByte(token, random);
                case 1 -> Arrays.copyOf(token, random.nextInt(token.length));
                default -> Arrays.copyOf(token, token.length + 1 + random.nextInt(8));
            };
            assertThat(tokens.verify(forged, claims.nodeId(), claims.expiresAtMillis() - 1)
                            .valid())
                    .isFalse();
        }
    }

    private static byte[] flipOneByte(final byte[] token, final SplittableRandom random) {
        final byte[] forged = token.clone();
        forged[random.nextInt(forged.length)] ^= (byte) (1 + random.nextInt(255));
        return forged;
    }

    private static SessionToken.Claims randomClaims(final SplittableRandom random) {
        return new SessionToken.Claims(
                random.nextLong(),
                random.nextLong(),
                randomName(random, 0, 40),
                randomName(random, 1, 64),
                random.nextLong(1, Long.MAX_VALUE));
    }

    /** Letters, digits and some multi-byte characters, as realm and node names might hold. */
    private static String randomName(final SplittableRandom random, final int minLength, final int maxLength) {
        final String alphabet = "abcxyzABC019-._\u00e9\u00df\u4e16\u754c";
        final StringBuilder name = new StringBuilder();
        final int length = random.nextInt(minLength, maxLength + 1);
        for (int i = 0; i < length; i++) {
            name.append(alphabet.charAt(random.nextInt(alphabet.length())));
        }
        return name.toString();
    }
}
